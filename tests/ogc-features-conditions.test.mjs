// OGC API - Features, Part 4 on the collection `segmentos`: the conditions on a write.
// Idempotency-Key on POST items (a replay, a reused key, a malformed one); If-Match on PUT,
// PATCH and DELETE of an item; one row written through both the OGC and the v1 API; and
// ACCESS_MODE=writes (a key for writes only). The writes themselves: ogc-features-writes.test.mjs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { bearer, createApiKey, createSegment, json, SEGMENTOS } from './support/api.mjs';
import {
  assertFeatureAnswer,
  createFeature,
  created,
  current,
  feature,
  FULL,
  invalid,
  itemPath,
  ITEMS,
  mergePatch,
  ogcEtag,
  point,
  read,
  send,
} from './support/ogc.mjs';

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

describe('Idempotency-Key on POST items', () => {
  const named = async (nombre) =>
    (await api.db.prepare('SELECT COUNT(*) AS n FROM segmentos WHERE nombre = ?1').bind(nombre).first()).n;

  it('replays the same 201 for the same key and body, with Idempotent-Replayed, and writes one row', async () => {
    const key = randomUUID();

    const first = await createFeature(api, { properties: { nombre: 'Reintento OGC' } }, { 'idempotency-key': key });
    const retry = await createFeature(api, { properties: { nombre: 'Reintento OGC' } }, { 'idempotency-key': key });

    assert.deepEqual([first.response.status, retry.response.status], [201, 201]);
    assert.equal(first.response.headers.get('idempotent-replayed'), null);
    assert.equal(retry.response.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.response.headers.get('location'), first.response.headers.get('location'));
    assert.deepEqual(retry.body, first.body);
    assert.equal(await named('Reintento OGC'), 1);
  });

  it('is a 400 on the header for a used key with another body, or a key of 256 characters', async () => {
    const key = randomUUID();
    await createFeature(api, { properties: { nombre: 'Primero OGC' } }, { 'idempotency-key': key });

    for (const [nombre, header] of [['Segundo OGC', key], ['Clave larga OGC', 'k'.repeat(256)]]) {
      const request = send('POST', feature({ properties: { nombre } }), { 'idempotency-key': header });
      const response = await api.fetch(ITEMS, request);
      assert.deepEqual((await invalid(response)).map((p) => p.loc), [['header', 'idempotency-key']], nombre);
      assert.equal(await named(nombre), 0);
    }
  });
});

describe('If-Match on PUT, PATCH and DELETE of an item', () => {
  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    const change = { properties: { nombre: 'Con condición' } };
    const write = (id, headers) => {
      if (method === 'PUT') return api.fetch(itemPath(id), send('PUT', feature(change), headers));
      if (method === 'PATCH') return api.fetch(itemPath(id), mergePatch(change, headers));
      return api.fetch(itemPath(id), { method, headers });
    };

    it(`lets ${method} through with the item's ETag, the v1 and GeoJSON tags, weak ones and *`, async () => {
      for (const tag of ['"ID.1.ogc"', '"ID.1"', '"ID.1.geojson"', 'W/"ID.1.ogc"', 'W/"ID.1"', '*']) {
        const id = await created(api);

        const response = await write(id, { 'if-match': tag.replace('ID', id) });

        if (method === 'DELETE') assert.deepEqual([response.status, (await current(api, id)).status], [204, 404], tag);
        else assert.equal((await assertFeatureAnswer(api, response, id, 2)).properties.nombre, 'Con condición', tag);
      }
    });

    it(`refuses ${method} with a stale tag: 412 with the current ETag, and nothing changes`, async () => {
      const id = await created(api);
      assert.equal((await api.fetch(itemPath(id), mergePatch({ properties: { nombre: 'Segunda' } }))).status, 200);
      const before = await current(api, id);

      const response = await write(id, { 'if-match': ogcEtag(id, 1) });

      assert.equal(response.status, 412);
      assert.equal(response.headers.get('etag'), ogcEtag(id, 2));
      assert.deepEqual(await current(api, id), before);
    });

    it(`answers ${method} of a missing item with 412 when If-Match is sent, else 404 (as for /items/abc)`, async () => {
      for (const tag of [ogcEtag(999999, 1), '*']) {
        assert.equal((await write(999999, { 'if-match': tag })).status, 412, tag);
      }
      assert.equal((await write(999999, {})).status, 404);
      assert.equal((await write('abc', {})).status, 404);
    });

    it(`is a 400 on the header for ${method} with a malformed If-Match, and nothing changes`, async () => {
      const id = await created(api);
      const before = await current(api, id);

      const detail = await invalid(await write(id, { 'if-match': 'abc' }));

      assert.deepEqual(detail.map((p) => p.loc), [['header', 'if-match']]);
      assert.deepEqual(await current(api, id), before);
    });
  }
});

describe('one row, two APIs', () => {
  it('PATCHes through OGC a segment created through v1, and v1 shows the change', async () => {
    const segment = await createSegment(api, FULL);

    const patch = mergePatch({ properties: { nombre: 'Desde OGC' } });
    const response = await api.fetch(itemPath(segment.id_segmento), patch);

    const { properties } = await assertFeatureAnswer(api, response, segment.id_segmento, 2);
    assert.deepEqual(properties, { ...segment, nombre: 'Desde OGC', updated_at: properties.updated_at, version: 2 });
  });

  it('shows through OGC a v1 PATCH of a feature created through OGC', async () => {
    const id = await created(api, { properties: FULL });

    const response = await api.fetch(`${SEGMENTOS}/${id}`, json('PATCH', { nombre: 'Desde v1', latitud: 3 }));

    assert.equal(response.status, 200);
    const { etag, body } = await current(api, id);
    assert.equal(etag, ogcEtag(id, 2));
    const { nombre, version } = body.properties;
    assert.deepEqual([nombre, version, body.geometry], ['Desde v1', 2, point(-64.1811, 3)]);
  });
});

describe('access: ACCESS_MODE=writes', () => {
  let keyed;
  let keys;
  before(async () => {
    keyed = await startWorker({ vars: { ACCESS_MODE: 'writes' } });
    keys = { read: await createApiKey(keyed.db, ['read']), write: await createApiKey(keyed.db, ['write']) };
  });
  after(() => keyed.close());

  it('keeps GET items public, asks writes for a key (401), refuses a read key (403), takes a write key', async () => {
    assert.equal((await keyed.fetch(ITEMS)).status, 200);
    const post = (headers) => keyed.fetch(ITEMS, send('POST', feature(), headers));
    const first = await post(bearer(keys.write.key));
    assert.equal(first.status, 201);
    const id = (await read(first)).properties.id_segmento;
    const path = itemPath(id);
    const state = async () => [
      (await keyed.db.prepare('SELECT COUNT(*) AS n FROM segmentos').first()).n,
      (await keyed.db.prepare('SELECT version FROM segmentos WHERE id_segmento = ?1').bind(id).first())?.version,
    ];
    const writes = [
      ['POST', post, 201],
      ['PUT', (headers) => keyed.fetch(path, send('PUT', feature(), headers)), 200],
      ['PATCH', (headers) => keyed.fetch(path, mergePatch({ properties: { ubicacion: 'Con clave' } }, headers)), 200],
      ['DELETE', (headers) => keyed.fetch(path, { method: 'DELETE', headers }), 204],
    ];

    for (const [method, request, success] of writes) {
      const before = await state();
      const anonymous = await request({});
      assert.equal(anonymous.status, 401, method);
      assert.match(anonymous.headers.get('www-authenticate'), /^Bearer/, method);
      assert.equal((await request(bearer(keys.read.key))).status, 403, method);
      assert.deepEqual(await state(), before, method);
      assert.equal((await request(bearer(keys.write.key))).status, success, method);
    }
  });
});
