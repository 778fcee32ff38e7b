// Injected faults: the D1 binding absent, a table missing, and D1 failing in the middle of
// a request (a trigger that raises inside the write). Each ends in a clean JSON error with
// a request id whose log line holds the cause, /health/database says what is wrong where
// it can tell, nothing is half-written, and the worker serves normally once the fault is
// gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { createSegment, json, SEGMENTOS, validSegment } from './support/api.mjs';

/** Asserts a clean 5xx: JSON, no internals, a request id that names its log line. */
async function assertCleanFailure(api, response, status) {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  const text = await response.text();
  assert.doesNotMatch(text, /D1_|SQL|no such|trigger|injected|`DB`|RAISE/i, 'internals in the body');
  const requestId = response.headers.get('x-request-id');
  assert.match(requestId, /^[0-9a-f-]{36}$/);
  const entry = api.requestLog().find((line) => line.request_id === requestId);
  assert.ok(entry, 'a log line for the request id');
  assert.equal(entry.status, status);
  assert.ok(entry.error, 'the log line carries the cause');
  return { body: JSON.parse(text), cause: entry.error };
}

const count = async (db) => (await db.prepare('SELECT count(*) AS n FROM segmentos').first()).n;

describe('fault: the D1 binding is absent', () => {
  let api;
  before(async () => {
    api = await startWorker({ database: 'none' });
  });
  after(() => api.close());

  it('answers segment reads and writes with a clean 500', async () => {
    for (const init of [undefined, json('POST', validSegment())]) {
      const response = await api.fetch(SEGMENTOS, init);
      const { body, cause } = await assertCleanFailure(api, response, 500);
      assert.deepEqual(body, { detail: 'Internal Server Error' });
      assert.match(cause, /binding `DB` unavailable/);
    }
  });

  it('reports the database unhealthy, and liveness still up', async () => {
    const database = await api.fetch('/health/database');
    const { body } = await assertCleanFailure(api, database, 503);

    assert.equal(body.status, 'unhealthy');
    assert.equal(body.database.error, 'database binding not configured');
    assert.equal((await api.fetch('/health')).status, 200);
  });

  it('serves normally once redeployed with the binding', async () => {
    const db = await api.redeploy({});

    const created = await api.fetch(SEGMENTOS, json('POST', validSegment()));

    assert.equal(created.status, 201);
    assert.equal((await api.fetch('/health/database')).status, 200);
    assert.equal(await count(db), 1);
  });
});

describe('fault: a table is missing', () => {
  let api;
  before(async () => {
    api = await startWorker();
  });
  after(() => api.close());

  it('fails cleanly while segmentos is gone, reports the schema missing, and recovers', async () => {
    const existing = await createSegment(api);
    await api.db.exec('ALTER TABLE segmentos RENAME TO segmentos_moved_away');

    const list = await api.fetch(SEGMENTOS);
    const create = await api.fetch(SEGMENTOS, json('POST', validSegment({ nombre: 'perdido' })));
    const health = await api.fetch('/health/database');

    await assertCleanFailure(api, list, 500);
    await assertCleanFailure(api, create, 500);
    const { body } = await assertCleanFailure(api, health, 503);
    assert.equal(body.database.error, 'schema missing: migrations not applied');

    await api.db.exec('ALTER TABLE segmentos_moved_away RENAME TO segmentos');
    const after = await api.fetch(SEGMENTOS);
    assert.equal(after.status, 200);
    assert.deepEqual((await after.json()).map((segment) => segment.id_segmento), [existing.id_segmento]);
    assert.equal((await api.fetch('/health/database')).status, 200);
  });

  it('reports any table the API needs, not only segmentos', async () => {
    await api.db.exec('ALTER TABLE api_keys RENAME TO api_keys_moved_away');
    try {
      const health = await api.fetch('/health/database');
      await assertCleanFailure(api, health, 503);
    } finally {
      await api.db.exec('ALTER TABLE api_keys_moved_away RENAME TO api_keys');
    }
    assert.equal((await api.fetch('/health/database')).status, 200);
  });
});

describe('fault: D1 fails in the middle of a request', () => {
  let api;
  before(async () => {
    api = await startWorker();
  });
  after(() => api.close());

  /** Makes D1 raise an error while writing a row that matches `when`, until removed. */
  async function injectFault(event, when) {
    await api.db
      .prepare(`CREATE TRIGGER injected_fault BEFORE ${event} ON segmentos WHEN ${when} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`)
      .run();
    return () => api.db.prepare('DROP TRIGGER injected_fault').run();
  }

  it('a bulk import failing at its 700th row writes none of the 1000', async () => {
    const before = await count(api.db);
    const remove = await injectFault('INSERT', "NEW.nombre = 'fila 700'");
    const items = Array.from({ length: 1000 }, (_, i) => validSegment({ nombre: `fila ${i + 1}` }));

    const response = await api.fetch(`${SEGMENTOS}/bulk`, json('POST', items));

    const { cause } = await assertCleanFailure(api, response, 500);
    assert.match(cause, /injected fault/);
    assert.equal(await count(api.db), before);

    await remove();
    const retried = await api.fetch(`${SEGMENTOS}/bulk`, json('POST', items));
    assert.equal(retried.status, 201);
    assert.equal(await count(api.db), before + 1000);
  });

  it('an update failing inside its batch leaves the row and its version as they were', async () => {
    const segment = await createSegment(api, { nombre: 'original' });
    const remove = await injectFault('UPDATE', 'OLD.id_segmento = ' + segment.id_segmento);

    const response = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`, json('PATCH', { nombre: 'cambiado' }));

    await assertCleanFailure(api, response, 500);
    const stored = await api.db.prepare('SELECT nombre, version FROM segmentos WHERE id_segmento = ?1').bind(segment.id_segmento).first();
    assert.deepEqual(stored, { nombre: 'original', version: 1 });

    await remove();
    const retried = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`, json('PATCH', { nombre: 'cambiado' }));
    assert.equal(retried.status, 200);
    assert.equal((await retried.json()).version, 2);
  });

  it('a keyed create failing after its key was claimed frees the key: the retry creates one row', async () => {
    const key = { 'idempotency-key': 'fault-injection-1' };
    const body = validSegment({ nombre: 'con clave' });
    const remove = await injectFault('INSERT', "NEW.nombre = 'con clave'");

    const failed = await api.fetch(SEGMENTOS, json('POST', body, key));

    await assertCleanFailure(api, failed, 500);
    await remove();
    const retried = await api.fetch(SEGMENTOS, json('POST', body, key));
    const replayed = await api.fetch(SEGMENTOS, json('POST', body, key));
    assert.equal(retried.status, 201);
    assert.equal(replayed.status, 201);
    assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
    const { n } = await api.db.prepare("SELECT count(*) AS n FROM segmentos WHERE nombre = 'con clave'").first();
    assert.equal(n, 1);
  });

  it('a delete failing inside its batch deletes nothing', async () => {
    const segment = await createSegment(api);
    const remove = await injectFault('DELETE', 'OLD.id_segmento = ' + segment.id_segmento);

    const response = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`, { method: 'DELETE' });

    await assertCleanFailure(api, response, 500);
    assert.equal((await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`)).status, 200);
    await remove();
    assert.equal((await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`, { method: 'DELETE' })).status, 204);
  });
});
