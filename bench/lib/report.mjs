// bench/RESULTS.md and its chart (bench/results.svg), from the figures of one run.
import { median } from '../../scripts/lib/stats.mjs';
import { COLORS, NAMES, fixed, legendEntry, note, svgDocument } from './svg.mjs';

/** Median over the rounds of each figure (peak memory: the highest). */
export function summarize(runs) {
  return {
    rps: median(runs.map((run) => run.rps)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    cpuMs: median(runs.map((run) => run.cpuMs)),
    peakMiB: Math.max(...runs.map((run) => run.peakMiB)),
  };
}

const ratio = (a, b) => `${fixed(a / b, 2)}×`;
const mark = (ok) => (ok ? '✅' : '❌');
/** A figure that was not measured: the server has no such route (ENDPOINTS' `only`). */
const NONE = '—';

/** Whether every one of `keys` has figures for `endpoint`. */
const measuredOn = (summaries, endpoint, keys) => keys.every((key) => summaries[endpoint.key]?.[key] !== undefined);

/** The note under a table that shows `NONE`, naming the routes only some servers have. */
function absentNote(endpoints, targets, summaries) {
  const partial = endpoints.filter((endpoint) => !measuredOn(summaries, endpoint, targets.map((t) => t.key)));
  if (!partial.length) return [];
  const only = (endpoint) =>
    targets.filter((t) => measuredOn(summaries, endpoint, [t.key])).map((t) => NAMES[t.key] ?? t.label).join(' and ');
  return ['', `${NONE}: no such route. ${partial.map((e) => `*${e.label}* is ${only(e)}'s alone`).join('; ')}.`];
}

function endpointTable(endpoints, targets, summaries, { peers = true } = {}) {
  const head = ['Endpoint', 'Server', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'peak MiB'];
  const extra = peers ? ['RecWay ÷ this (req/s)'] : [];
  const lines = [`| ${[...head, ...extra].join(' | ')} |`, `|${[...head, ...extra].map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const endpoint of endpoints) {
    const ours = summaries[endpoint.key].recway;
    for (const target of targets) {
      const s = summaries[endpoint.key][target.key];
      const cells = [
        target === targets[0] ? `**${endpoint.label}**` : '',
        target.label,
        ...(s
          ? [fixed(s.rps, 0), fixed(s.p50, 2), fixed(s.p99, 2), fixed(s.cpuMs, 3), fixed(s.peakMiB, 1)]
          : Array(5).fill(NONE)),
      ];
      if (peers) cells.push(target.key === 'recway' ? '' : s && ours ? ratio(ours.rps, s.rps) : NONE);
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return [...lines, ...absentNote(endpoints, targets, summaries)].join('\n');
}

function targetsTable(endpoints, summaries, p99LimitMs) {
  const lines = [
    '| Endpoint | ≥ Hono req/s | ≥ 3 × FastAPI req/s | p99 < 50 ms | CPU/req < 1 ms |',
    '| --- | :---: | :---: | :---: | :---: |',
  ];
  // The targets were set against the peers: a route only RecWay has has none.
  const compared = endpoints.filter((endpoint) => measuredOn(summaries, endpoint, ['recway', 'hono', 'fastapi']));
  for (const endpoint of compared) {
    const { recway, hono, fastapi } = summaries[endpoint.key];
    lines.push(
      `| ${endpoint.label} | ${mark(recway.rps >= hono.rps)} ${ratio(recway.rps, hono.rps)} | ` +
        `${mark(recway.rps >= 3 * fastapi.rps)} ${ratio(recway.rps, fastapi.rps)} | ` +
        `${mark(recway.p99 < p99LimitMs)} ${fixed(recway.p99, 1)} | ${mark(recway.cpuMs < 1)} ${fixed(recway.cpuMs, 3)} |`,
    );
  }
  const left = endpoints.filter((endpoint) => !compared.includes(endpoint));
  if (left.length) lines.push('', `Not compared (a route the peers do not have): ${left.map((e) => `*${e.label}*`).join(', ')}.`);
  return lines.join('\n');
}

/**
 * Issue 15's targets against the Hono peer, in the same run: req/s at least `rps` times
 * Hono's, and the isolate's CPU per request at most `cpu` times Hono's.
 */
const PEER_TARGETS = {
  health: { rps: 1.0, cpu: 1.0 },
  read: { rps: 1.2, cpu: 0.8 },
  list: { rps: 1.5, cpu: 0.5 },
  bbox: { rps: 1.5, cpu: 0.5 },
  near: { rps: 1.5, cpu: 0.5 },
  create: { rps: 1.2, cpu: 0.8 },
  update: { rps: 1.2, cpu: 0.8 },
};

/**
 * The headline: each isolate's CPU per request, RecWay against Hono, with the targets. A
 * route Hono does not have shows RecWay's figure alone, with no target.
 */
function isolateTable(endpoints, isolate, direct) {
  const lines = [
    '| Endpoint | RecWay isolate µs/req | Hono isolate µs/req | RecWay ÷ Hono (target) | req/s RecWay ÷ Hono (target) |',
    '| --- | ---: | ---: | :---: | :---: |',
  ];
  for (const endpoint of endpoints) {
    const { recway, hono } = isolate.summaries[endpoint.key];
    const rps = direct.summaries[endpoint.key];
    const target = PEER_TARGETS[endpoint.key];
    if (hono === undefined || !rps.hono || !target) {
      const micros = (value) => (value === undefined ? NONE : fixed(value, 0));
      lines.push(`| ${endpoint.label} | ${micros(recway)} | ${micros(hono)} | ${NONE} | ${NONE} |`);
      continue;
    }
    lines.push(
      `| ${endpoint.label} | ${fixed(recway, 0)} | ${fixed(hono, 0)} | ` +
        `${mark(recway <= target.cpu * hono)} ${ratio(recway, hono)} (≤ ${fixed(target.cpu, 1)}×) | ` +
        `${mark(rps.recway.rps >= target.rps * rps.hono.rps)} ${ratio(rps.recway.rps, rps.hono.rps)} (≥ ${fixed(target.rps, 1)}×) |`,
    );
  }
  return [...lines, ...absentNote(endpoints, isolate.targets, isolate.summaries)].join('\n');
}

/** The size target: the deployed module, gzip -9, at most 200 KB. */
const SIZE_TARGET_BYTES = 200_000;

function coldStartTable(cold, wasm) {
  const row = (label, samples) => {
    const listening = samples.map((s) => s.toListening);
    const first = samples.map((s) => s.toFirstResponse);
    return `| ${label} | ${fixed(median(listening), 1)} | ${fixed(median(first), 1)} | ${fixed(Math.min(...first), 1)}–${fixed(Math.max(...first), 1)} |`;
  };
  const compile = median(wasm.samples.map((s) => s.compile));
  const instantiate = median(wasm.samples.map((s) => s.instantiate));
  return [
    '| Worker | to listening, ms (median) | to first response, ms (median) | first response, range |',
    '| --- | ---: | ---: | ---: |',
    row('RecWay (Rust/wasm)', cold.recway),
    row('Hono + D1 (JS)', cold.hono),
    row('empty worker (workerd alone)', cold.empty),
    '',
    `RecWay's own share of a cold start (median to first response, minus the empty worker's): ` +
      `**${fixed(ownShare(cold.recway, cold.empty), 1)} ms**; ` +
      `the Hono peer's: **${fixed(ownShare(cold.hono, cold.empty), 1)} ms** ` +
      `(target: no more than Hono's, ${mark(ownShare(cold.recway, cold.empty) <= ownShare(cold.hono, cold.empty))}).`,
    '',
    `Size: the deployed module is ${wasm.bytes.toLocaleString('en-US')} bytes, ` +
      `${wasm.gzipBytes.toLocaleString('en-US')} gzip -9 (target: at most ${SIZE_TARGET_BYTES.toLocaleString('en-US')}, ` +
      `${mark(wasm.gzipBytes <= SIZE_TARGET_BYTES)}).`,
    '',
    `The wasm module in V8 (Node's, median of ${wasm.samples.length}): ` +
      `compile ${fixed(compile, 2)} ms (lazy: functions are compiled on first call), instantiate ${fixed(instantiate, 2)} ms.`,
  ].join('\n');
}

/** Median time to first response of `samples`, minus the empty worker's. */
const ownShare = (samples, empty) =>
  median(samples.map((s) => s.toFirstResponse)) - median(empty.map((s) => s.toFirstResponse));

/**
 * A horizontal grouped bar chart, one panel per metric, as SVG. A group has a bar for each
 * server measured on its endpoint: a route only RecWay has gets RecWay's bar alone.
 */
export function chart(endpoints, targets, summaries, panels) {
  const width = 960;
  const labelWidth = 150;
  const barHeight = 14;
  const groupGap = 10;
  const panelWidth = (width - labelWidth - 40) / panels.length;
  const top = 56;
  const groups = [];
  let groupTop = top;
  for (const endpoint of endpoints) {
    const present = targets.filter((target) => summaries[endpoint.key][target.key] !== undefined);
    groups.push({ endpoint, present, top: groupTop });
    groupTop += present.length * barHeight + groupGap;
  }
  // A group with fewer bars says why, on a line of its own above the footer.
  const partial = groups.filter((group) => group.present.length < targets.length);
  const height = groupTop + 24 + (partial.length ? 14 : 0);
  const parts = targets.flatMap((target, index) => legendEntry(labelWidth + index * 200, 8, COLORS[target.key], target.label));
  parts.push(note(labelWidth, height - 8, 'Bars are scaled within each endpoint. Generated by bench/run.mjs; figures in bench/RESULTS.md.'));
  if (partial.length) {
    parts.push(note(labelWidth, height - 22, partial.map(({ endpoint, present }) =>
      `${endpoint.label}: ${present.map((t) => NAMES[t.key] ?? t.label).join(' and ')} only, no such route on the others.`).join(' ')));
  }
  panels.forEach((panel, panelIndex) => {
    const left = Math.round(labelWidth + panelIndex * panelWidth);
    parts.push(`<text x="${left}" y="${top - 10}" font-weight="bold">${panel.title}</text>`);
    for (const { endpoint, present, top: groupTop } of groups) {
      // Scaled per endpoint: the servers are compared within each group, and health's
      // figures would flatten every other group.
      const max = Math.max(...present.map((t) => summaries[endpoint.key][t.key][panel.metric]));
      if (panelIndex === 0) {
        parts.push(`<text x="${labelWidth - 8}" y="${groupTop + (present.length * barHeight) / 2 + 4}" text-anchor="end">${endpoint.label}</text>`);
      }
      present.forEach((target, targetIndex) => {
        const value = summaries[endpoint.key][target.key][panel.metric];
        const length = Math.max(1, (value / max) * (panelWidth - 70));
        const y = groupTop + targetIndex * barHeight;
        parts.push(`<rect x="${left}" y="${y}" width="${length.toFixed(1)}" height="${barHeight - 2}" fill="${COLORS[target.key]}"/>`);
        parts.push(`<text x="${(left + length + 4).toFixed(1)}" y="${y + barHeight - 4}">${panel.format(value)}</text>`);
      });
    }
  });
  return svgDocument(width, height, parts);
}

export const CHART_PANELS = [
  { title: 'Requests per second (more is better)', metric: 'rps', format: (v) => fixed(v, 0) },
  { title: 'p99 latency, ms (less is better)', metric: 'p99', format: (v) => fixed(v, 1) },
  { title: 'CPU ms per request (less is better)', metric: 'cpuMs', format: (v) => fixed(v, 3) },
];

export function markdown({ meta, endpoints, isolate, direct, viaWranglerDev, cold, wasm }) {
  const sections = [
    '# RecWay Edge: benchmark results',
    '',
    `Generated by \`${meta.command}\` on ${meta.date}. Every figure below comes from that run; ` +
      'run the command again to reproduce them (figures move with the machine and its load).',
    '',
    '## Setup',
    '',
    `- Machine: ${meta.machine}.`,
    `- Versions: ${meta.versions}.`,
    `- Data: the same ${meta.segments.toLocaleString('en-US')} seeded segments in every server ` +
      '(`bench/lib/dataset.mjs`), the same migrations (`migrations/`), so the same indexes.',
    `- Load: wrk, ${meta.connections} connections, ${meta.duration} s per run after a ${meta.warmup} s warm-up, ` +
      `${meta.rounds} rounds interleaved (RecWay, Hono, FastAPI, RecWay, …); each figure is the median of the rounds ` +
      '(peak memory: the highest). wrk is pinned to one CPU, the servers to the other.',
    '- Servers: RecWay and the Hono peer run on workerd\'s own socket (Miniflare, `bench/serve-worker.mjs`: ' +
      'no `wrangler dev` proxy, no asset router), each with a local D1; CPU and memory are the workerd process\'s, ' +
      'which runs the worker and its D1. FastAPI runs under uvicorn (uvloop, httptools), one worker process, ' +
      'SQLite in WAL mode; CPU and memory are that process\'s.',
    '- Requests: ' + endpoints.map((e) => `${e.label}: \`${e.method} ${e.path}\`${e.body ? ` \`${e.body}\`` : ''}` +
      `${e.only ? ` (${e.only.map((key) => NAMES[key] ?? key).join(' and ')} only)` : ''}`).join('; ') +
      ' (`{id}`: a random seeded id, `{n}`: a counter).',
    '',
    '## Headline: the worker isolate\'s own CPU per request',
    '',
    'What Cloudflare bills and limits: V8 CPU profiles of each worker\'s isolate through workerd\'s inspector ' +
      '(`bench/lib/isolate-profile.mjs`), the profiler on while wrk loads it, every sample outside `(idle)` ' +
      `summed and divided by the requests served; ${meta.rounds} interleaved rounds of ${meta.duration} s, the median. ` +
      'Both workers are profiled alike, on servers of their own (an attached inspector slows what it observes, ' +
      'logging above all), so these figures are higher than an unobserved isolate\'s. The targets are issue 15\'s; ' +
      'req/s comes from the load runs below.',
    '',
    isolateTable(endpoints, isolate, direct),
    '',
    '## Per endpoint, workerd\'s own socket',
    '',
    '![Requests per second, p99 latency and CPU per request, per endpoint and server](results.svg)',
    '',
    endpointTable(endpoints, direct.targets, direct.summaries),
    '',
    '## Earlier targets (whole process)',
    '',
    targetsTable(endpoints, direct.summaries, 50),
    '',
  ];
  if (viaWranglerDev) {
    sections.push(
      '## For reference: through `wrangler dev`',
      '',
      '`wrangler dev` puts its own proxy worker (a second workerd) and wrangler\'s Node process in front of the ' +
        'worker, as developers run it; CPU and memory count all of them.',
      '',
      endpointTable(endpoints, viaWranglerDev.targets, viaWranglerDev.summaries, { peers: false }),
      '',
    );
  }
  sections.push('## Cold start', '', coldStartTable(cold, wasm), '');
  return sections.join('\n');
}
