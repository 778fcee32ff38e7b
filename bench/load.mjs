// Mixed read/write load against a running worker with autocannon, then an audit of what it
// acknowledged. Each connection repeats: create, list, create, update its newest segment,
// read it, delete its oldest, read the changes feed from its last token; so every segment
// is touched by one connection only, and the outcome of every acknowledged write is known
// exactly. The audit also replays the whole changes feed, as a syncing client would, and
// checks that it arrives at what the list holds.
//
//   node bench/load.mjs [url] [requests] [connections]   (default: a fresh `wrangler dev`)
//
// tests/e2e/load.test.mjs runs it bounded as part of `npm test`; `npm run bench:load`
// runs it larger and prints the report.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { SEGMENTOS } from '../scripts/lib/api.mjs';
import { startWranglerDev } from '../scripts/lib/wrangler-dev.mjs';

const CHANGES = `${SEGMENTOS}/changes`;

/**
 * Runs `amount` requests over `connections` connections against `url`, writing with
 * `headers` (an API key where writes need one). Returns autocannon's result and the
 * ledger of acknowledged writes: created (id → nombre), updated (id → descripcion),
 * deleted (ids).
 */
export async function runLoad({ url, amount, connections, headers = {} }) {
  const run = randomUUID().slice(0, 8);
  const ubicacion = `load ${run}`;
  const ledger = { ubicacion, created: new Map(), updated: new Map(), deleted: new Set(), unexpected: [] };
  const jsonHeaders = { 'content-type': 'application/json', ...headers };
  let sequence = 0;

  const create = {
    method: 'POST',
    path: SEGMENTOS,
    setupRequest: (request) => {
      sequence += 1;
      const body = { nombre: `${ubicacion} ${sequence}`, longitud: -64 + (sequence % 100) / 100, latitud: -31, ubicacion };
      return { ...request, headers: jsonHeaders, body: JSON.stringify(body) };
    },
    onResponse: (status, body, context) => {
      if (status !== 201) return ledger.unexpected.push(`create ${status}`);
      const segment = JSON.parse(body);
      ledger.created.set(segment.id_segmento, segment.nombre);
      (context.mine ??= []).push(segment.id_segmento);
    },
  };
  const list = {
    method: 'GET',
    path: `${SEGMENTOS}?ubicacion=${encodeURIComponent(ubicacion)}&limit=20`,
    onResponse: (status) => status === 200 || ledger.unexpected.push(`list ${status}`),
  };
  // Each step below works on this connection's own segments; with none left it reads the
  // health check instead, so the request count stays fixed.
  const own = (pick, build) => ({
    method: 'GET',
    path: '/health',
    setupRequest: (request, context) => {
      const id = pick(context.mine ?? []);
      context.target = id;
      return id === undefined ? { ...request, method: 'GET', path: '/health' } : build(request, id);
    },
  });
  const update = {
    ...own(
      (mine) => mine.at(-1),
      (request, id) => ({ ...request, method: 'PATCH', path: `${SEGMENTOS}/${id}`, headers: jsonHeaders, body: JSON.stringify({ descripcion: `update ${randomUUID()}` }) }),
    ),
    onResponse: (status, body, context) => {
      if (context.target === undefined) return;
      if (status !== 200) return ledger.unexpected.push(`update ${status}`);
      ledger.updated.set(context.target, JSON.parse(body).descripcion);
    },
  };
  const read = {
    ...own((mine) => mine.at(-1), (request, id) => ({ ...request, method: 'GET', path: `${SEGMENTOS}/${id}` })),
    onResponse: (status) => status === 200 || ledger.unexpected.push(`read ${status}`),
  };
  const remove = {
    ...own((mine) => mine[0], (request, id) => ({ ...request, method: 'DELETE', path: `${SEGMENTOS}/${id}`, headers })),
    onResponse: (status, _body, context) => {
      if (context.target === undefined) return;
      if (status !== 204) return ledger.unexpected.push(`delete ${status}`);
      ledger.deleted.add(context.target);
      context.mine.shift();
    },
  };

  const sync = {
    method: 'GET',
    path: CHANGES,
    setupRequest: (request, context) => ({
      ...request,
      path: context.token ? `${CHANGES}?since=${context.token}&limit=100` : `${CHANGES}?limit=100`,
    }),
    onResponse: (status, body, context) => {
      if (status !== 200) return ledger.unexpected.push(`changes ${status}`);
      context.token = JSON.parse(body).next;
    },
  };

  const result = await autocannon({
    url,
    amount,
    connections,
    timeout: 30,
    requests: [create, list, create, update, read, remove, sync],
  });
  return { result, ledger };
}

/**
 * What the worker holds after the load, against the ledger: every acknowledged create
 * present exactly once unless acknowledged deleted, every acknowledged update's value in
 * place, every acknowledged delete gone. Returns the problems found (none is success).
 */
export async function audit(url, ledger, headers = {}) {
  const problems = [];
  const stored = [];
  let next = `${SEGMENTOS}?ubicacion=${encodeURIComponent(ledger.ubicacion)}&limit=1000&sort=id_segmento`;
  while (next) {
    const response = await fetch(new URL(next, url), { headers });
    stored.push(...(await response.json()));
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  }
  const byName = new Map();
  for (const segment of stored) byName.set(segment.nombre, (byName.get(segment.nombre) ?? 0) + 1);
  for (const [id, nombre] of ledger.created) {
    const expected = ledger.deleted.has(id) ? 0 : 1;
    if ((byName.get(nombre) ?? 0) !== expected) problems.push(`${nombre}: ${byName.get(nombre) ?? 0} rows, expected ${expected}`);
  }
  if (stored.length !== ledger.created.size - ledger.deleted.size) {
    problems.push(`${stored.length} rows stored, ${ledger.created.size - ledger.deleted.size} expected`);
  }
  const storedById = new Map(stored.map((segment) => [segment.id_segmento, segment]));
  for (const [id, descripcion] of ledger.updated) {
    if (!ledger.deleted.has(id) && storedById.get(id)?.descripcion !== descripcion) problems.push(`update of ${id} lost`);
  }
  for (const id of ledger.deleted) {
    if ((await fetch(new URL(`${SEGMENTOS}/${id}`, url), { headers })).status !== 404) problems.push(`delete of ${id} lost`);
  }
  const synced = await replayChanges(url, headers);
  for (const segment of stored) {
    if (JSON.stringify(synced.get(segment.id_segmento)) !== JSON.stringify(segment)) {
      problems.push(`the changes feed does not arrive at segment ${segment.id_segmento} as stored`);
    }
  }
  const mine = [...synced.values()].filter((segment) => segment.ubicacion === ledger.ubicacion);
  if (mine.length !== stored.length) problems.push(`the changes feed holds ${mine.length} rows, the list ${stored.length}`);
  return problems;
}

/** Every segment, as a client that applies the whole changes feed from its start holds it. */
async function replayChanges(url, headers) {
  const copy = new Map();
  let since = '';
  for (;;) {
    const response = await fetch(new URL(`${CHANGES}?limit=1000${since}`, url), { headers });
    const page = await response.json();
    for (const change of page.changes) {
      if (change.op === 'upsert') copy.set(change.segmento.id_segmento, change.segmento);
      else copy.delete(change.id_segmento);
    }
    since = `&since=${page.next}`;
    if (!page.more) return copy;
  }
}

/** One line of figures: requests, throughput, latency percentiles, statuses. */
export function report({ result, ledger }) {
  return {
    requests: result.requests.total,
    duration_s: result.duration,
    throughput_rps: result.requests.average,
    latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    statuses: { '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    errors: result.errors,
    timeouts: result.timeouts,
    acknowledged: { created: ledger.created.size, updated: ledger.updated.size, deleted: ledger.deleted.size },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, amount = '6000', connections = '32'] = process.argv.slice(2);
  const dev = url ? null : await startWranglerDev();
  try {
    const target = url ?? dev.url;
    const outcome = await runLoad({ url: target, amount: Number(amount), connections: Number(connections) });
    const problems = await audit(target, outcome.ledger);
    console.log(JSON.stringify({ ...report(outcome), unexpected: outcome.ledger.unexpected.length, audit: problems }, null, 2));
    if (problems.length > 0 || outcome.result['5xx'] > 0) process.exitCode = 1;
  } finally {
    await dev?.stop();
  }
}
