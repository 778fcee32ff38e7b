// A panic, through the panic probe (the `panic-probe` feature: a request with an
// `x-recway-panic` header panics in the pipeline). wasm32 cannot unwind, so a panic aborts
// the module's instance: the request gets the API's own clean 500 from src/worker.js's
// guard, as does every other request the instance was serving, the panic's message is
// logged, and the next request runs on a new instance, with the data intact.
//
// scripts/test.sh builds the probe (`RECWAY_BUILD=panic-probe wrangler deploy --dry-run
// --env "" --outdir build/probe`): the dev build with the feature, never the deployed one.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';
import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { assertSecurityHeaders, createSegment, SEGMENTOS } from './support/api.mjs';

const PROBE_BUILD = 'build/probe';
const PANIC = { headers: { 'x-recway-panic': '1' } };

/** Asserts the API's 500 for a request a panic cut short, and returns its log line. */
async function assertPanicAnswer(api, response) {
  assert.equal(response.status, 500);
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assertSecurityHeaders(response);
  assert.deepEqual(await response.json(), { detail: 'Internal Server Error' });
  const requestId = response.headers.get('x-request-id');
  assert.match(requestId, /^[0-9a-f-]{36}$/);
  const entry = api.requestLog().find((line) => line.request_id === requestId);
  assert.ok(entry, 'a request-log line for the request id');
  return entry;
}

describe('a panic in the pipeline', () => {
  let api;
  before(async () => {
    assert.ok(existsSync(join(rootDir, PROBE_BUILD)), `${PROBE_BUILD} is missing: see this file's header`);
    api = await startWorker({ prebuilt: PROBE_BUILD });
  });
  after(() => api.close());

  it('answers with the API’s 500, a request id and a log line, not the runtime’s plain-text error', async () => {
    const response = await api.fetch('/health', PANIC);

    const entry = await assertPanicAnswer(api, response);
    assert.deepEqual(
      { level: entry.level, method: entry.method, path: entry.path, status: entry.status },
      { level: 'error', method: 'GET', path: '/health', status: 500 },
    );
    assert.match(entry.error, /panic/);
  });

  it('logs the panic’s own message', async () => {
    api.clearLogs();

    await (await api.fetch('/health', PANIC)).arrayBuffer();

    const messages = api.consoleLines();
    assert.ok(
      messages.some((message) => message.includes('the panic probe (x-recway-panic) was asked for')),
      messages.join('\n'),
    );
  });

  it('leaves the next request to a new instance, with the data intact', async () => {
    const created = await createSegment(api);
    await (await api.fetch('/health', PANIC)).arrayBuffer();

    const health = await api.fetch('/health');
    const read = await api.fetch(`${SEGMENTOS}/${created.id_segmento}`);

    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, 'healthy');
    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), created);
  });

  it('answers every request the dying instance was serving, each with a clean 500 or its own answer', async () => {
    const reads = Array.from({ length: 6 }, () => api.fetch(`${SEGMENTOS}?limit=50`));
    const panicked = api.fetch(`${SEGMENTOS}?limit=50`, PANIC);

    const responses = await Promise.all([...reads, panicked]);

    await assertPanicAnswer(api, responses.at(-1));
    for (const response of responses.slice(0, -1)) {
      if (response.status === 500) await assertPanicAnswer(api, response);
      else assert.equal(response.status, 200, await response.text());
    }
  });
});

describe('the deployed build', () => {
  let api;
  before(async () => {
    api = await startWorker();
  });
  after(() => api.close());

  it('has no panic probe: the header is ignored', async () => {
    const response = await api.fetch('/health', PANIC);

    assert.equal(response.status, 200);
  });
});
