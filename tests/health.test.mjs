// Health checks for uptime monitors, and how the API fails when D1 does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { json, rawExchange, RFC3339_UTC, SEGMENTOS, validSegment } from './support/api.mjs';

/** The crate version, which /health reports. */
const version = readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8').match(
  /^version = "([^"]+)"/m,
)[1];

/** Asserts the monitor-facing 503 of /health/database, with its short reason. */
async function assertUnhealthy(response, reason) {
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await response.json(), {
    status: 'unhealthy',
    database: { status: 'disconnected', error: reason },
  });
}

describe('with a migrated database', () => {
  let api;
  before(async () => {
    api = await startWorker();
  });
  after(() => api.close());

  it('GET /health is healthy with timestamp, uptime and version', async () => {
    const response = await api.fetch('/health');

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ['status', 'timestamp', 'uptime', 'version']);
    assert.equal(body.status, 'healthy');
    assert.match(body.timestamp, RFC3339_UTC);
    assert.ok(Math.abs(Date.parse(body.timestamp) - Date.now()) < 60_000);
    assert.equal(typeof body.uptime, 'number');
    assert.ok(body.uptime >= 0);
    assert.equal(body.version, version);
  });

  it('reports uptime that grows', async () => {
    const first = await (await api.fetch('/health')).json();
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const second = await (await api.fetch('/health')).json();

    assert.ok(second.uptime > first.uptime, `${first.uptime} -> ${second.uptime}`);
  });

  it('a wrong method on a health path is not cached either', async () => {
    const response = await api.fetch('/health', { method: 'POST' });

    assert.equal(response.status, 405);
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('GET /health/database is healthy after a real query', async () => {
    const response = await api.fetch('/health/database');

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = await response.json();
    assert.equal(body.status, 'healthy');
    assert.equal(body.database.status, 'connected');
    assert.equal(typeof body.database.latency_ms, 'number');
  });

  for (const path of ['/health', '/health/database']) {
    it(`HEAD ${path} answers 200 with no body and no-store`, async () => {
      const { head, after } = await rawExchange(api.url, 'HEAD', path);

      assert.match(head, /^HTTP\/1\.1 200 /);
      assert.match(head, /cache-control: no-store/i);
      assert.equal(after, '');
    });
  }
});

describe('with D1 bound but not migrated', () => {
  let api;
  before(async () => {
    api = await startWorker({ database: 'empty' });
  });
  after(() => api.close());

  it('/health stays healthy: it does no I/O', async () => {
    const response = await api.fetch('/health');

    assert.equal(response.status, 200);
  });

  it('/health/database is a 503 that says the schema is missing', async () => {
    const response = await api.fetch('/health/database');

    await assertUnhealthy(response, 'schema missing: migrations not applied');
  });

  it('a segment request is a clean 500 whose cause is only in the log', async () => {
    api.clearLogs();
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment()));

    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { detail: 'Internal Server Error' });
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId);
    const entry = api.requestLog().find((logged) => logged.request_id === requestId);
    assert.ok(entry, 'the failed request was logged');
    assert.match(entry.error, /no such table: segmentos/);
  });
});

describe('with no D1 binding at all', () => {
  let api;
  before(async () => {
    api = await startWorker({ database: 'none' });
  });
  after(() => api.close());

  it('/health/database is a 503 that says the binding is missing', async () => {
    const response = await api.fetch('/health/database');

    await assertUnhealthy(response, 'database binding not configured');
  });

  it('a segment request is a clean 500', async () => {
    const response = await api.fetch(`${SEGMENTOS}/1`);

    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { detail: 'Internal Server Error' });
  });
});
