// End to end: the local D1 migrated by `wrangler d1 migrations apply --local`, the API
// served by `wrangler dev` (build included) on a free port, a whole client workflow over
// real HTTP, and a clean stop. This is the path `npm start` takes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWranglerDev } from '../../scripts/lib/wrangler-dev.mjs';
import { json, SEGMENTOS, validSegment } from '../support/api.mjs';

describe('wrangler dev, end to end', () => {
  let dev;
  let url;

  before(async () => {
    dev = await startWranglerDev();
    url = dev.url;
  });

  after(() => dev?.stop());

  const call = (path, init) => fetch(new URL(path, url), init);

  it('serves a full create, read, list, update, delete workflow', async () => {
    const createdResponse = await call(SEGMENTOS, json('POST', validSegment({ ubicacion: 'Córdoba' })));
    assert.equal(createdResponse.status, 201);
    const created = await createdResponse.json();
    const location = createdResponse.headers.get('location');
    assert.equal(location, `${SEGMENTOS}/${created.id_segmento}`);

    const fetched = await call(location, {
      headers: { 'x-d1-bookmark': createdResponse.headers.get('x-d1-bookmark') },
    });
    assert.equal(fetched.status, 200);
    assert.deepEqual(await fetched.json(), created);
    const etag = fetched.headers.get('etag');
    assert.equal(etag, createdResponse.headers.get('etag'));

    const listed = await call(`${SEGMENTOS}/?skip=0&limit=100`);
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('x-total-count'), '1');
    assert.deepEqual(await listed.json(), [created]);

    const updated = await call(location, json('PUT', { descripcion: 'Repavimentado' }, { 'if-match': etag }));
    assert.equal(updated.status, 200);
    assert.deepEqual(
      { ...(await updated.json()), updated_at: '' },
      { ...created, descripcion: 'Repavimentado', updated_at: '', version: 2 },
    );
    const stale = await call(location, json('PATCH', { descripcion: 'Tarde' }, { 'if-match': etag }));
    assert.equal(stale.status, 412);
    assert.equal(stale.headers.get('etag'), updated.headers.get('etag'));

    const deleted = await call(location, { method: 'DELETE' });
    assert.equal(deleted.status, 204);

    const gone = await call(location);
    assert.equal(gone.status, 404);
    assert.deepEqual(await gone.json(), { detail: `Segmento ${created.id_segmento} not found` });
  });

  it('answers both health checks', async () => {
    const health = await call('/health');
    const database = await call('/health/database');

    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, 'healthy');
    assert.equal(database.status, 200);
    assert.equal((await database.json()).database.status, 'connected');
  });

  it('stops cleanly, releasing its port', async () => {
    const { code, signal } = await dev.stop();

    assert.ok(code === 0 || signal === 'SIGTERM' || code === 130 || code === 143, `${code} ${signal}`);
    await assert.rejects(call('/health'));
  });
});
