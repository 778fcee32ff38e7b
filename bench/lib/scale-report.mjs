// bench/SCALE.md from one run of bench/scale.mjs (the object it writes to bench/scale.json).
import { SEGMENTOS } from '../../scripts/lib/api.mjs';
import { D1_STATEMENT_LIMIT_MS } from './scale-seed.mjs';
import { NAMES, fixed } from './svg.mjs';

const NONE = '—';
const NOT_APPLICABLE = 'n/a';
const mark = (ok) => (ok ? '✅ met' : '❌ missed');
const count = (value) => fixed(value, 0);
const sizeLabel = (size) => (size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`);

/** Issues 25's and 26's bounds on RecWay, at the sizes they are about. */
const BOUND_SIZES = [1_000_000, 5_000_000];
const BOUNDS = [
  { text: 'get one ≤ 10 rows read', keys: ['get'], rows: 10 },
  { text: 'list, every sort, GeoJSON, OGC items, cursor page ≤ 1,000 rows read', keys: ['list', 'sort_nombre', 'sort_-nombre', 'sort_created_at', 'sort_updated_at', 'sort_id', 'geojson', 'ogc_items', 'cursor'], rows: 1000 },
  { text: 'filter on ubicacion or nombre ≤ 5,000 rows read', keys: ['ubicacion', 'ogc_nombre'], rows: 5000 },
  { text: 'changes feed (1000 entries) ≤ 3,000 rows read', keys: ['changes'], rows: 3000 },
  { text: '/collections and /collections/segmentos ≤ 100 rows read and ≤ 20 ms p50', keys: ['ogc_collections', 'ogc_collection'], rows: 100, p50Ms: 20 },
  { text: '(26) city box, near 10 km ≤ 2,000 rows read and ≤ 30 ms p50', keys: ['bbox_city', 'near_10km', 'bbox_city_recent'], rows: 2000, p50Ms: 30 },
  { text: '(26) province box, near 100 km ≤ 5,000 rows read and ≤ 30 ms p50', keys: ['bbox_province', 'bbox_province_time', 'near_100km', 'near_10km_time'], rows: 5000, p50Ms: 30 },
  { text: '(26) selective q ≤ 5,000 rows read and ≤ 50 ms p50', keys: ['q', 'q_sorted'], rows: 5000, p50Ms: 50 },
];

const okStatus = (result) => result.ok;
const statusText = (result) => Object.entries(result.statuses).map(([status, n]) => `${status} ×${n}`).join(', ');

/** A rows figure: the median, with the range when the samples differ. */
function rowsCell(figure) {
  if (!figure) return 'not reported';
  const range = figure.min === figure.max ? '' : ` (${count(figure.min)}–${count(figure.max)})`;
  return `${count(figure.median)}${range}`;
}

/** A cell of a server's figure, flagged with its status when an answer was not 2xx. */
function cell(result, show, request, server) {
  if (!result) return request.only && !request.only.includes(server) ? NONE : NOT_APPLICABLE;
  const flag = okStatus(result) ? '' : ` **(${statusText(result)})**`;
  return `${show(result)}${flag}`;
}

function boundCell(bound, key, result) {
  if (!result) return 'not measured';
  if (!okStatus(result)) return `❌ missed: answered ${statusText(result)}`;
  if (!result.rowsRead) return 'not reported (this build writes no row counts)';
  const rows = result.rowsRead.max;
  const rowsOk = rows <= bound.rows;
  const p50Ok = bound.p50Ms === undefined || result.p50Ms <= bound.p50Ms;
  const p50 = bound.p50Ms === undefined ? '' : `, p50 ${fixed(result.p50Ms, 1)} ms`;
  return `${mark(rowsOk && p50Ok)}: ${count(rows)} row${rows === 1 ? '' : 's'}${p50}`;
}

function boundsSection(output) {
  const label = (key) => output.requests.find((request) => request.key === key).label;
  const lines = [
    '## Bounds of issues 25 and 26',
    '',
    'RecWay at 1M and 5M segments; rows read are the most any sample read. (26): issue 26\'s.',
    '',
    `| Bound | Request | ${BOUND_SIZES.map(sizeLabel).join(' | ')} |`,
    `| --- | --- |${BOUND_SIZES.map(() => ' --- |').join('')}`,
  ];
  for (const bound of BOUNDS) {
    bound.keys.forEach((key, index) => {
      const cells = BOUND_SIZES.map((size) => boundCell(bound, key, output.results[size]?.recway?.[key]));
      lines.push(`| ${index ? '' : bound.text} | ${label(key)} | ${cells.join(' | ')} |`);
    });
  }
  return lines;
}

/** One table of rows read: requests down, sizes across, RecWay and Hono side by side. */
function overview(output, sizes, servers) {
  const head = sizes.flatMap((size) => servers.map((server) => `${sizeLabel(size)} ${NAMES[server]}`));
  const lines = [`| Request | ${head.join(' | ')} |`, `| --- |${head.map(() => ' ---: |').join('')}`];
  for (const request of output.requests) {
    const cells = sizes.flatMap((size) => servers.map((server) =>
      cell(output.results[size]?.[server]?.[request.key], (r) => (r.rowsRead ? count(r.rowsRead.median) : 'n/r'), request, server)));
    lines.push(`| ${request.label} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/**
 * The requests whose rows read grow with the table: RecWay's figure at the largest size
 * against the smallest, where both answered and it rose more than tenfold, past 1,000.
 */
function growing(output, sizes) {
  const [first, last] = [sizes[0], sizes.at(-1)];
  const lines = [];
  for (const request of output.requests) {
    const [a, b] = [first, last].map((size) => output.results[size]?.recway?.[request.key]);
    if (!a?.ok || !b?.ok || !a.rowsRead || !b.rowsRead) continue;
    const [from, to] = [a.rowsRead.median, b.rowsRead.median];
    if (to > 10 * Math.max(from, 1) && to > 1000) lines.push(`- ${request.label}: ${count(from)} at ${sizeLabel(first)}, ${count(to)} at ${sizeLabel(last)}`);
  }
  const head = `RecWay's requests whose rows read rose more than tenfold, past 1,000, from ${sizeLabel(first)} to ${sizeLabel(last)} segments:`;
  return sizes.length < 2 ? [] : ['', head, '', ...(lines.length ? lines : ['- none'])];
}

/** For a list: whether its answers carried X-Total-Count, per server. */
function totalCountNote(output, request, sizes, servers, url) {
  if (!url?.startsWith(`${SEGMENTOS}?`)) return '';
  const says = servers.map((server) => {
    const results = sizes.map((size) => output.results[size]?.[server]?.[request.key]).filter(Boolean);
    if (!results.length || !results.some((r) => r.ok)) return null;
    const carried = results.filter((r) => r.ok).every((r) => r.totalCount !== null);
    return `${NAMES[server]} ${carried ? 'yes' : results.some((r) => r.totalCount !== null) ? 'at some sizes' : 'no'}`;
  }).filter(Boolean);
  return says.length ? `; X-Total-Count: ${says.join(', ')}` : '';
}

function requestTable(output, request, sizes, servers) {
  const example = sizes.map((size) => servers.map((s) => output.results[size]?.[s]?.[request.key]).find(Boolean)).find(Boolean);
  const metrics = [
    ['rows read', (r) => rowsCell(r.rowsRead)],
    ['rows written', (r) => rowsCell(r.rowsWritten)],
    ['p50 ms', (r) => fixed(r.p50Ms, 1)],
    ['CPU ms/req', (r) => fixed(r.cpuMs, 2)],
  ];
  const head = metrics.flatMap(([name]) => servers.map((server) => `${name} ${NAMES[server]}`));
  const lines = [
    `### ${request.label}`,
    '',
    `\`${request.method} ${example?.url ?? request.path ?? ''}\`${request.only ? ` (${request.only.map((s) => NAMES[s]).join(', ')} only)` : ''}` +
      totalCountNote(output, request, sizes, servers, example?.url),
    '',
    `| Size | ${head.join(' | ')} | samples |`,
    `| ---: |${head.map(() => ' ---: |').join('')} ---: |`,
  ];
  for (const size of sizes) {
    const results = servers.map((server) => output.results[size]?.[server]?.[request.key]);
    if (results.every((r) => !r)) continue;
    const cells = metrics.flatMap(([, show]) => results.map((r, index) => cell(r, show, request, servers[index])));
    lines.push(`| ${count(size)} | ${cells.join(' | ')} | ${results.map((r) => r?.samples ?? NONE).join(' / ')} |`);
  }
  return [...lines, ''];
}

/** A statement as the table shows it: comments out, on one line, cut short. */
function statementText(sql) {
  const text = sql.replace(/--[^\n]*/g, ' ').replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function migrationsSection(output, sizes, servers) {
  const { deployed, newer } = output.meta.migrations;
  const lines = [
    '## Migrations on a full table',
    '',
    `Seeded databases had ${deployed.join(', ')} (applied by \`wrangler d1 migrations apply\` before the rows went in). ` +
      'Each newer migration ran afterwards statement by statement through the D1 binding, as a deploy runs it on a full table, ' +
      `and was then recorded in \`d1_migrations\` as wrangler records it. Wall time per statement; one over D1's ${D1_STATEMENT_LIMIT_MS / 1000} s ` +
      'limit is flagged ⚠️. Rows read and written by each, and D1\'s own duration, are in bench/scale.json.',
    '',
  ];
  if (!newer.length) return [...lines, `No migration newer than ${deployed.at(-1)} in \`migrations/\` at this run: nothing to time.`, ''];
  const largest = sizes.at(-1);
  for (const server of servers) {
    const statements = output.migrations[sizes[0]]?.[server] ?? [];
    lines.push(`### ${NAMES[server]}'s database`, '',
      `| Migration | Statement | ${sizes.map((size) => `${sizeLabel(size)}, ms`).join(' | ')} | rows read / written at ${sizeLabel(largest)} |`,
      `| --- | --- |${sizes.map(() => ' ---: |').join('')} ---: |`);
    statements.forEach((statement, index) => {
      const at = (size) => output.migrations[size]?.[server]?.[index];
      const times = sizes.map((size) => {
        const s = at(size);
        return s ? `${count(s.wallMs)}${s.wallMs > D1_STATEMENT_LIMIT_MS ? ' ⚠️ over 30 s' : ''}` : NONE;
      });
      const last = at(largest);
      const rows = last ? `${count(last.rowsRead ?? 0)} / ${count(last.rowsWritten ?? 0)}` : NONE;
      lines.push(`| ${statement.file} | \`${statementText(statement.sql)}\` | ${times.join(' | ')} | ${rows} |`);
    });
    lines.push('');
  }
  return lines;
}

function phasesTable(output, sizes, servers) {
  const lines = ['| Size | Server | seeding rows, s | deployed migrations, s | newer migrations, s | measuring, s |', '| ---: | --- | ---: | ---: | ---: | ---: |'];
  for (const size of sizes) {
    for (const server of servers) {
      const p = output.phases.bySize[size]?.[server];
      if (!p) continue;
      // A cached stage shows what it took when it was made.
      const cached = (value, wasCached) => `${fixed(value, 1)}${wasCached ? ' (cached)' : ''}`;
      const newer = output.meta.migrations.newer.length ? cached(p.newerMigrationsSeconds, p.migratedCached) : 'none';
      lines.push(`| ${count(size)} | ${NAMES[server]} | ${cached(p.seedSeconds, p.seedCached)} | ${fixed(p.deployedMigrationsSeconds, 1)} | ` +
        `${newer} | ${fixed(p.measureSeconds, 1)} |`);
    }
  }
  return lines;
}

export function scaleMarkdown(output) {
  const { meta } = output;
  const sizes = meta.measuredSizes;
  const servers = meta.servers.map((server) => server.key);
  return [
    '# RecWay Edge: what a request costs as the table grows',
    '',
    `Generated by \`${meta.command}\` on ${meta.date}, at commit ${meta.commit}. Every figure comes from that run.`,
    '',
    '## How it was run',
    '',
    `- Machine: ${meta.machine}. Versions: ${meta.versions}.`,
    `- Data (\`bench/lib/scale-data.mjs\`, version ${meta.datasetVersion}): ${sizes.map(count).join(', ')} segments from a fixed seed, ` +
      'over Argentina, clustered around 300 towns with Zipf weights (Buenos Aires, Córdoba, Rosario, ... and generated names), 15% along national and provincial routes; ' +
      'street and route names with numbers and km marks, road problems (20% none), creation over 2025-01-01..2026-12-01 in id order, a third edited later.',
    '- Databases (`bench/lib/scale-seed.mjs`): a local D1 per server and size, migrated as a deployed one came to be, then the rows written ' +
      'into its SQLite file in one transaction with the indexes in place; newer migrations through the D1 binding (below). Cached by fingerprint.',
    '- Servers: RecWay (`wrangler deploy --dry-run --env bench`) and the Hono peer (`bench/peers/hono`) on workerd\'s own socket ' +
      '(`bench/serve-worker.mjs`), each fresh on a copy of its database, pinned to one CPU.',
    '- Per request: warm-up, then sequential samples (20 to 100; 3 or more when one takes over 0.5 s). Rows read and written from each answer\'s ' +
      '`Server-Timing` (`d1;...;desc="<k> D1 round trips, <r> rows read, <w> rows written"`; D1\'s own `meta`, which is what D1 bills), the median; ' +
      'p50 of the wall time; CPU is the workerd process\'s (worker and local D1 together) over the samples, per request. Writes run last.',
    `- ${NONE}: the server does not serve the request (the Hono peer has no GeoJSON, time filters, OGC API, changes feed or bulk import). ` +
      `${NOT_APPLICABLE}: not at this size (skip 900,000 in a smaller table). A non-2xx answer is shown in bold with its status. ` +
      '"not reported" (n/r): the build wrote no row counts in Server-Timing.',
    '- Latency and CPU are of sequential requests, one at a time, client and server on the same 2 cores: each pays a fixed cost ' +
      '(see *health*, which touches no D1) that the loaded runs of bench/RESULTS.md spread over many requests; compare them within this page.',
    '',
    `Phases, in seconds (building both workers: ${fixed(output.phases.buildSeconds, 0)} s):`,
    '',
    ...phasesTable(output, sizes, servers),
    '',
    ...boundsSection(output),
    '',
    '## Rows read per request',
    '',
    '![Rows read per request against table size, log-log](scale.svg)',
    '',
    ...overview(output, sizes, servers),
    ...growing(output, sizes),
    '',
    '## Per request',
    '',
    ...output.requests.flatMap((request) => requestTable(output, request, sizes, servers)),
    ...migrationsSection(output, sizes, servers),
  ].join('\n');
}
