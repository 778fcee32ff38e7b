// CORS from an allow-list (OWASP API8): preflights, the headers an allowed origin may
// send and read, and nothing for any other origin. Never `*`, never credentials.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { json, SEGMENTOS, validSegment } from './support/api.mjs';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

function preflight(api, path, origin, method = 'POST', headers = 'authorization, content-type, idempotency-key') {
  return api.fetch(path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
}

const list = (value) => (value ?? '').split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);

describe('CORS with an allow-list', () => {
  let api;
  before(async () => {
    api = await startWorker({ vars: { CORS_ALLOWED_ORIGINS: `${ALLOWED}, http://localhost:5173` } });
  });
  after(() => api.close());

  it('answers a preflight from an allowed origin with 204, the route methods and our request headers', async () => {
    const response = await preflight(api, SEGMENTOS, ALLOWED);

    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
    assert.deepEqual(list(response.headers.get('access-control-allow-methods')), ['get', 'head', 'post']);
    const allowed = list(response.headers.get('access-control-allow-headers'));
    for (const header of ['authorization', 'content-type', 'idempotency-key', 'if-match', 'if-none-match', 'x-d1-bookmark']) {
      assert.ok(allowed.includes(header), header);
    }
    assert.equal(response.headers.get('access-control-max-age'), '600');
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
    assert.match(response.headers.get('vary'), /Origin/);
  });

  it("allows an item's own methods in its preflight", async () => {
    const response = await preflight(api, `${SEGMENTOS}/1`, ALLOWED, 'PATCH');

    assert.equal(response.status, 204);
    assert.deepEqual(list(response.headers.get('access-control-allow-methods')), ['get', 'head', 'put', 'patch', 'delete']);
  });

  it('refuses a preflight from another origin with 403 and no CORS headers', async () => {
    const response = await preflight(api, SEGMENTOS, OTHER);

    assert.equal(response.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.deepEqual(await response.json(), { detail: 'Origin not allowed' });
  });

  it('lets an allowed origin read a response and our headers', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment(), { origin: ALLOWED }));

    assert.equal(response.status, 201);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
    const exposed = list(response.headers.get('access-control-expose-headers'));
    for (const header of ['etag', 'location', 'link', 'x-total-count', 'x-request-id', 'x-d1-bookmark', 'idempotent-replayed']) {
      assert.ok(exposed.includes(header), header);
    }
    assert.match(response.headers.get('vary'), /Origin/);
  });

  it('lets an allowed origin read error responses too', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', {}, { origin: ALLOWED }));

    assert.equal(response.status, 422);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
  });

  it('gives another origin no CORS headers, but still says the response varies by Origin', async () => {
    const response = await api.fetch(SEGMENTOS, { headers: { origin: OTHER } });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.match(response.headers.get('vary'), /Origin/);
  });

  it('keeps Accept in Vary next to Origin where the format is negotiated', async () => {
    const response = await api.fetch(SEGMENTOS, { headers: { origin: ALLOWED } });

    assert.match(response.headers.get('vary'), /accept/i);
    assert.match(response.headers.get('vary'), /Origin/);
  });
});

describe('CORS by default (no origin allowed)', () => {
  let api;
  before(async () => {
    api = await startWorker();
  });
  after(() => api.close());

  it('refuses every preflight and adds no CORS headers', async () => {
    const refused = await preflight(api, SEGMENTOS, ALLOWED);
    const response = await api.fetch(SEGMENTOS, { headers: { origin: ALLOWED } });

    assert.equal(refused.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});

describe('a wildcard in CORS_ALLOWED_ORIGINS', () => {
  let api;
  before(async () => {
    api = await startWorker({ vars: { CORS_ALLOWED_ORIGINS: '*' } });
  });
  after(() => api.close());

  it('is a configuration error: requests fail closed with a 500 and the log says why', async () => {
    api.clearLogs();

    const response = await api.fetch(SEGMENTOS, { headers: { origin: ALLOWED } });

    assert.equal(response.status, 500);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.match(api.requestLog()[0].error, /CORS_ALLOWED_ORIGINS/);
  });
});
