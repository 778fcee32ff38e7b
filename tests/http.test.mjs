// Behaviour every route shares: routing, methods, common headers, request ids, logs.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { assertSecurityHeaders, json, SEGMENTOS, validSegment } from './support/api.mjs';

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

describe('routing', () => {
  // `/` is OGC API Features' landing page (tests/ogc-features.test.mjs).
  for (const path of ['/api/v1', '/api/v2/segmentos', '/api/v1/segmentos/1/extra', '/healthz', '/collections/roads']) {
    it(`answers an unknown route (${path}) with 404 Not Found`, async () => {
      const response = await api.fetch(path);

      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { detail: 'Not Found' });
    });
  }

  for (const [method, path, allow] of [
    ['PUT', SEGMENTOS, 'GET, HEAD, POST'],
    ['DELETE', `${SEGMENTOS}/`, 'GET, HEAD, POST'],
    ['POST', `${SEGMENTOS}/1`, 'GET, HEAD, PUT, PATCH, DELETE'],
    ['POST', '/health', 'GET, HEAD'],
    ['DELETE', '/health/database', 'GET, HEAD'],
    ['PUT', '/metrics', 'GET, HEAD'],
  ]) {
    it(`answers ${method} ${path} with 405 and Allow: ${allow}`, async () => {
      const response = await api.fetch(path, { method });

      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), allow);
      assert.deepEqual(await response.json(), { detail: 'Method Not Allowed' });
    });
  }

  it('answers a plain OPTIONS (not a CORS preflight) with 204 and Allow', async () => {
    const response = await api.fetch(SEGMENTOS, { method: 'OPTIONS' });

    assert.equal(response.status, 204);
    assert.equal(response.headers.get('allow'), 'GET, HEAD, POST');
  });
});

describe('headers on every response', () => {
  const requests = [
    ['a 200', () => api.fetch(SEGMENTOS)],
    ['a 201', () => api.fetch(SEGMENTOS, json('POST', validSegment()))],
    ['a 404', () => api.fetch('/nowhere')],
    ['a 405', () => api.fetch('/health', { method: 'POST' })],
    ['a 422', () => api.fetch(SEGMENTOS, json('POST', {}))],
  ];

  for (const [name, send] of requests) {
    it(`${name} carries JSON, the security headers, Server-Timing and a request id`, async () => {
      const response = await send();

      assert.match(response.headers.get('content-type'), /^application\/json/);
      assertSecurityHeaders(response);
      assert.match(response.headers.get('server-timing'), /^d1;dur=\d+(\.\d+)?;desc="\d+ D1 round trips?, \d+ rows read, \d+ rows written", total;dur=\d+/);
      assert.match(response.headers.get('x-request-id'), /^[0-9a-f-]{36}$/);
    });
  }

  it('the D1 time of a request that queried D1 counts its round trips', async () => {
    const response = await api.fetch(SEGMENTOS);

    assert.match(response.headers.get('server-timing'), /desc="[1-9]\d* D1 round trips?, /);
  });

  it('a request that never reached D1 reports no D1 time', async () => {
    const response = await api.fetch('/health');

    assert.match(response.headers.get('server-timing'), /^d1;dur=0;desc="0 D1 round trips, 0 rows read, 0 rows written"/);
  });

  it('a 204 carries nosniff and a request id but no content type', async () => {
    const created = await (await api.fetch(SEGMENTOS, json('POST', validSegment()))).json();

    const response = await api.fetch(`${SEGMENTOS}/${created.id_segmento}`, { method: 'DELETE' });

    assert.equal(response.status, 204);
    assert.equal(response.headers.get('content-type'), null);
    assertSecurityHeaders(response);
    assert.ok(response.headers.get('x-request-id'));
  });
});

describe('request ids', () => {
  it("echoes the caller's well-formed X-Request-ID", async () => {
    const response = await api.fetch('/health', { headers: { 'x-request-id': 'client-42.retry_1' } });

    assert.equal(response.headers.get('x-request-id'), 'client-42.retry_1');
  });

  for (const [name, id] of [
    ['spaces', 'has spaces'],
    ['a quote', 'x"y'],
    ['129 characters', 'a'.repeat(129)],
  ]) {
    it(`replaces a caller's X-Request-ID with ${name}`, async () => {
      const response = await api.fetch('/health', { headers: { 'x-request-id': id } });

      const replaced = response.headers.get('x-request-id');
      assert.notEqual(replaced, id);
      assert.match(replaced, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
  }

  it('gives every request its own id', async () => {
    const first = await api.fetch('/health');
    const second = await api.fetch('/health');

    assert.notEqual(first.headers.get('x-request-id'), second.headers.get('x-request-id'));
  });
});

describe('request log', () => {
  beforeEach(() => api.clearLogs());

  it('writes one JSON line per request with id, method, path, status and duration', async () => {
    const response = await api.fetch(`${SEGMENTOS}/99999`, { headers: { 'x-request-id': 'log-test-1' } });
    await response.arrayBuffer();

    const logged = api.requestLog().filter((entry) => entry.request_id === 'log-test-1');
    assert.equal(logged.length, 1);
    const [entry] = logged;
    // Times vary; what D1 read for the lookup does not (tests/d1-cost.test.mjs has the rest).
    assert.deepEqual(
      { ...entry, duration_ms: 0, d1: { ...entry.d1, wait_ms: 0, sql_ms: 0 } },
      {
        level: 'warn',
        request_id: 'log-test-1',
        method: 'GET',
        path: `${SEGMENTOS}/99999`,
        status: 404,
        d1: { round_trips: 1, wait_ms: 0, rows_read: 1, rows_written: 0, sql_ms: 0, served_by_primary: true },
        duration_ms: 0,
      },
    );
    assert.equal(typeof entry.duration_ms, 'number');
  });

  it('logs each of several requests once', async () => {
    for (let i = 0; i < 3; i += 1) {
      await (await api.fetch('/health', { headers: { 'x-request-id': `many-${i}` } })).arrayBuffer();
    }

    const ids = api.requestLog().map((entry) => entry.request_id).filter((id) => id.startsWith('many-'));
    assert.deepEqual(ids, ['many-0', 'many-1', 'many-2']);
  });
});
