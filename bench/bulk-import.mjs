// How long a 1000-segment bulk import takes in the local runtime (workerd + local D1), from
// the client's side: `npm run bench:bulk`. Each run posts 1000 new segments to the same,
// growing database; one more run sends an Idempotency-Key, and one replays it.
import assert from 'node:assert/strict';
import { cpus } from 'node:os';

import { json, SEGMENTOS, validSegment } from '../scripts/lib/api.mjs';
import { median } from '../scripts/lib/stats.mjs';
import { startWorker } from '../scripts/lib/worker-harness.mjs';

const RUNS = 7;
const ITEMS = 1000;

const body = (run) =>
  JSON.stringify(
    Array.from({ length: ITEMS }, (_, i) =>
      validSegment({ nombre: `bench-${run}-${i}`, descripcion: 'Relevamiento de baches', ubicacion: 'Córdoba' }),
    ),
  );

async function timedImport(api, payload, headers = {}) {
  const started = performance.now();
  const response = await api.fetch(`${SEGMENTOS}/bulk`, json('POST', payload, headers));
  const created = await response.json();
  const ms = performance.now() - started;
  assert.equal(response.status, 201, JSON.stringify(created).slice(0, 300));
  assert.equal(created.length, ITEMS);
  return ms;
}

const api = await startWorker();
try {
  await timedImport(api, body('warm-up'));
  const plain = [];
  for (let run = 0; run < RUNS; run += 1) plain.push(await timedImport(api, body(run)));
  const keyedBody = body('keyed');
  const keyed = await timedImport(api, keyedBody, { 'idempotency-key': 'bench-key' });
  const replay = await timedImport(api, keyedBody, { 'idempotency-key': 'bench-key' });

  const row = (name, values) => {
    const middle = median(values);
    const rate = Math.round((ITEMS / middle) * 1000);
    return `| ${name} | ${values.length} | ${Math.min(...values).toFixed(0)} | ${middle.toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${rate} |`;
  };
  console.log(`\n${ITEMS}-segment bulk import, local workerd + D1, ${cpus()[0].model}, Node ${process.version}\n`);
  console.log('| Request | Runs | Min ms | Median ms | Max ms | Segments/s (median) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(row('JSON array, no key', plain));
  console.log(row('with Idempotency-Key (first)', [keyed]));
  console.log(row('with Idempotency-Key (replay)', [replay]));
} finally {
  await api.close();
}
