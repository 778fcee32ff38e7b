// API keys and access modes (OWASP API2, API5): who may read, write and see metrics in
// each ACCESS_MODE, and how a refusal looks (401 / 403 with WWW-Authenticate: Bearer).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { bearer, createApiKey, createSegment, json, SEGMENTOS, validSegment } from './support/api.mjs';

async function assertDenied(response, status, error) {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  const challenge = response.headers.get('www-authenticate');
  assert.match(challenge, /^Bearer realm="recway"/);
  if (error) assert.match(challenge, new RegExp(`error="${error}"`));
  else assert.doesNotMatch(challenge, /error=/);
  const body = await response.json();
  assert.equal(typeof body.detail, 'string');
  return { body, challenge };
}

describe('ACCESS_MODE=writes (staging and production)', () => {
  let api;
  let keys;
  before(async () => {
    api = await startWorker({ vars: { ACCESS_MODE: 'writes' } });
    keys = {
      read: await createApiKey(api.db, ['read']),
      write: await createApiKey(api.db, ['write']),
      admin: await createApiKey(api.db, ['admin']),
      revoked: await createApiKey(api.db, ['admin'], { revoked: true }),
    };
  });
  after(() => api.close());

  it('serves reads without a key', async () => {
    const response = await api.fetch(SEGMENTOS);

    assert.equal(response.status, 200);
  });

  it('refuses a write without a key with 401 and a bare Bearer challenge, and writes nothing', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment({ nombre: 'sin clave' })));

    await assertDenied(response, 401);
    const { n } = await api.db.prepare("SELECT count(*) AS n FROM segmentos WHERE nombre = 'sin clave'").first();
    assert.equal(n, 0);
  });

  it('accepts a write with a key that has the write scope', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment(), bearer(keys.write.key)));

    assert.equal(response.status, 201);
  });

  it('accepts a write with an admin key (admin includes write)', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment(), bearer(keys.admin.key)));

    assert.equal(response.status, 201);
  });

  it('refuses a write with a read-only key with 403 insufficient_scope naming write', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment(), bearer(keys.read.key)));

    const { challenge, body } = await assertDenied(response, 403, 'insufficient_scope');
    assert.match(challenge, /scope="write"/);
    assert.equal(body.detail, 'The API key lacks the `write` scope');
  });

  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    it(`refuses ${method} of a segment without a key, and leaves it as it was`, async () => {
      const segment = await createSegment(api, {}, bearer(keys.write.key));

      const response = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`, json(method, validSegment({ nombre: 'cambiado' })));

      await assertDenied(response, 401);
      const stored = await api.db.prepare('SELECT nombre, version FROM segmentos WHERE id_segmento = ?1').bind(segment.id_segmento).first();
      assert.deepEqual(stored, { nombre: segment.nombre, version: 1 });
    });
  }

  it('refuses a revoked key with 401 invalid_token', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment(), bearer(keys.revoked.key)));

    await assertDenied(response, 401, 'invalid_token');
  });

  it('refuses an unknown key of the right shape with 401 invalid_token', async () => {
    const unknown = `rwk_${'A'.repeat(43)}`;

    const response = await api.fetch(SEGMENTOS, json('POST', validSegment(), bearer(unknown)));

    await assertDenied(response, 401, 'invalid_token');
  });

  it('refuses a bad key even on a read that needs none: a bad credential is never ignored', async () => {
    const response = await api.fetch(SEGMENTOS, { headers: bearer('not-a-key') });

    await assertDenied(response, 401, 'invalid_token');
  });

  it('keeps health checks public and ignores any Authorization there', async () => {
    for (const path of ['/health', '/health/database']) {
      const response = await api.fetch(path, { headers: bearer('not-a-key') });
      assert.equal(response.status, 200, path);
    }
  });

  it('requires an admin key for /metrics', async () => {
    await assertDenied(await api.fetch('/metrics'), 401);
    await assertDenied(await api.fetch('/metrics', { headers: bearer(keys.write.key) }), 403, 'insufficient_scope');

    const response = await api.fetch('/metrics', { headers: bearer(keys.admin.key) });

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  });

  it('logs the id of the key a request used, never the key', async () => {
    api.clearLogs();

    await api.fetch(SEGMENTOS, json('POST', validSegment(), bearer(keys.write.key)));

    const entry = api.requestLog().find((line) => line.method === 'POST');
    assert.equal(entry.key_id, keys.write.id);
    const everything = JSON.stringify(api.requestLog());
    for (const { key } of Object.values(keys)) {
      assert.ok(!everything.includes(key));
      assert.ok(!everything.includes(key.slice(4)));
    }
  });
});

describe('ACCESS_MODE=all', () => {
  let api;
  let reader;
  before(async () => {
    api = await startWorker({ vars: { ACCESS_MODE: 'all' } });
    reader = await createApiKey(api.db, ['read']);
  });
  after(() => api.close());

  it('refuses a read without a key with 401', async () => {
    await assertDenied(await api.fetch(SEGMENTOS), 401);
    await assertDenied(await api.fetch(`${SEGMENTOS}/1`), 401);
  });

  it('serves a read with a read key', async () => {
    const response = await api.fetch(SEGMENTOS, { headers: bearer(reader.key) });

    assert.equal(response.status, 200);
  });

  it('still keeps the health checks public', async () => {
    assert.equal((await api.fetch('/health')).status, 200);
    assert.equal((await api.fetch('/health/database')).status, 200);
  });

  it('answers an unknown path with 404 and a wrong method with 405 before asking for a key', async () => {
    assert.equal((await api.fetch('/api/v1/nothing')).status, 404);
    assert.equal((await api.fetch(SEGMENTOS, { method: 'DELETE' })).status, 405);
  });
});

describe('ACCESS_MODE=open (local development)', () => {
  let api;
  before(async () => {
    api = await startWorker({ vars: { ACCESS_MODE: 'open' } });
  });
  after(() => api.close());

  it('serves writes and metrics without a key, ignoring any Authorization', async () => {
    const created = await api.fetch(SEGMENTOS, json('POST', validSegment(), bearer('whatever')));
    const metrics = await api.fetch('/metrics');

    assert.equal(created.status, 201);
    assert.equal(metrics.status, 200);
  });

  it('logs a notice once per isolate that no key is required', async () => {
    await api.fetch('/health');
    await api.fetch('/health');

    const notices = api.notices().filter((line) => line.notice?.includes('ACCESS_MODE is "open"'));
    assert.equal(notices.length, 1);
    assert.equal(notices[0].level, 'warn');
  });
});

describe('a misconfigured ACCESS_MODE', () => {
  let api;
  before(async () => {
    api = await startWorker({ vars: { ACCESS_MODE: 'public' } });
  });
  after(() => api.close());

  it('fails closed: every request is a 500 that names no internals, and the log says why', async () => {
    api.clearLogs();

    const response = await api.fetch(SEGMENTOS);

    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { detail: 'Internal Server Error' });
    const [entry] = api.requestLog();
    assert.match(entry.error, /ACCESS_MODE is "public"/);
  });
});
