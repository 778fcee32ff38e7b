// OGC API - Features, Part 4 (draft 20-002r1) on the collection `segmentos`: OPTIONS and 405
// on every OGC route; create (POST items), replace (PUT), update (PATCH, a JSON merge patch of
// the Feature) and delete an item; the conformance classes. A Feature is held to the v1 rules
// of a segment, and a 400 lists every problem at once, located in the Feature, in OGC's
// exception shape. Idempotency-Key, If-Match and access modes: ogc-features-conditions.test.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { assertSecurityHeaders, RFC3339_UTC, SEGMENTOS } from './support/api.mjs';
import {
  assertFeatureAnswer,
  assertProblems,
  createFeature,
  created,
  current,
  feature,
  FULL,
  GEOJSON,
  invalid,
  itemPath,
  ITEMS,
  mergePatch,
  ogcEtag,
  point,
  read,
  rowCount,
  send,
  v1,
} from './support/ogc.mjs';

const conf = (part, name) => `http://www.opengis.net/spec/ogcapi-features-${part}/1.0/conf/${name}`;
const PART_1 = ['core', 'geojson', 'oas30'].map((name) => conf(1, name));
const PART_4 = ['create-replace-delete', 'update', 'features'].map((name) => conf(4, name));

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

describe('OPTIONS and methods on the OGC routes', () => {
  it('answers OPTIONS with 200, no body and Allow exactly the route’s methods (v1 routes keep 204)', async () => {
    const id = await created(api);
    const routes = ['/', '/conformance', '/collections', '/collections/segmentos'].map((path) => [path, 'GET, HEAD']);
    routes.push([ITEMS, 'GET, HEAD, POST'], [itemPath(id), 'GET, HEAD, PUT, PATCH, DELETE']);
    for (const [path, allow] of routes) {
      const response = await api.fetch(path, { method: 'OPTIONS' });
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('allow'), allow, path);
      assert.equal(await response.text(), '', path);
    }
    const legacy = await api.fetch(SEGMENTOS, { method: 'OPTIONS' });
    assert.deepEqual([legacy.status, legacy.headers.get('allow')], [204, 'GET, HEAD, POST']);
  });

  it('answers a method a route does not take with 405 and its Allow, and writes nothing', async () => {
    const id = await created(api);
    const rows = await rowCount(api);
    for (const [method, path, allow] of [
      ['POST', itemPath(id), 'GET, HEAD, PUT, PATCH, DELETE'],
      ['PUT', ITEMS, 'GET, HEAD, POST'],
      ['PATCH', ITEMS, 'GET, HEAD, POST'],
      ['DELETE', ITEMS, 'GET, HEAD, POST'],
      ['POST', '/collections', 'GET, HEAD'],
    ]) {
      const response = await api.fetch(path, send(method, feature()));
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), allow, `${method} ${path}`);
    }
    assert.equal(await rowCount(api), rows);
    assert.equal((await current(api, id)).body.properties.version, 1);
  });
});

describe('POST items', () => {
  it('is a 201 with an absolute Location, the ETag, and the feature as GET and v1 then read it', async () => {
    const { response, body } = await createFeature(api, { properties: FULL });

    assert.equal(response.status, 201, JSON.stringify(body));
    assertSecurityHeaders(response);
    const id = body.properties.id_segmento;
    assert.ok(Number.isInteger(id));
    assert.equal(response.headers.get('location'), new URL(itemPath(id), api.url).href);
    assert.equal(response.headers.get('etag'), ogcEtag(id, 1));
    assert.equal(response.headers.get('content-type'), GEOJSON);
    assert.deepEqual([body.type, String(body.id)], ['Feature', String(id)]);
    assert.deepEqual(body.geometry, point(-64.1811, -31.4135));
    assert.deepEqual(body.links.map((link) => link.rel), ['self', 'alternate', 'collection']);
    const { nombre, descripcion, ubicacion, version, created_at, updated_at } = body.properties;
    assert.deepEqual([nombre, descripcion, ubicacion, version], ['Av. Colón', 'Bache grande', 'Córdoba', 1]);
    assert.match(created_at, RFC3339_UTC);
    assert.equal(updated_at, created_at);
    assert.deepEqual(await read(await api.fetch(response.headers.get('location'))), body);
    assert.deepEqual(await v1(api, id), { status: 200, etag: `"${id}.1"`, body: body.properties });
  });

  it('ignores a body id, an altitude, server-owned and foreign properties; absent optional ones are null', async () => {
    const properties = { id_segmento: 888888, version: 7, created_at: '1999-01-01T00:00:00Z', 'marker-color': '#f' };
    const geometry = point(-64.2, -31.42, 430.5);

    const { response, body } = await createFeature(api, { id: 999999, geometry, properties });

    assert.equal(response.status, 201, JSON.stringify(body));
    const id = body.properties.id_segmento;
    assert.ok(![999999, 888888].includes(id), `${id}`);
    assert.equal(String(body.id), String(id));
    assert.deepEqual(body.geometry, point(-64.2, -31.42));
    const { version, created_at, descripcion, ubicacion } = body.properties;
    assert.deepEqual([version, descripcion, ubicacion], [1, null, null]);
    assert.notEqual(created_at, '1999-01-01T00:00:00Z');
    assert.equal(body.properties['marker-color'], undefined);
    assert.equal((await current(api, 999999)).status, 404);
    assert.deepEqual((await v1(api, id)).body, body.properties);
  });

  it('takes application/json too, and answers text/xml with 415 and over 64 KiB with 413', async () => {
    const asJson = await createFeature(api, {}, { 'content-type': 'application/json' });
    const rows = await rowCount(api);

    const xml = await api.fetch(ITEMS, send('POST', '<Feature/>', { 'content-type': 'text/xml' }));
    const large = await createFeature(api, { properties: { descripcion: 'a'.repeat(64 * 1024) } });

    assert.deepEqual([asJson.response.status, xml.status, large.response.status], [201, 415, 413]);
    assert.equal(await rowCount(api), rows);
  });
});

describe('an invalid Feature on POST items', () => {
  const { properties: _, ...bare } = feature({ geometry: point(0, 91) });
  const withProperties = (properties) => feature({ properties });
  const lineString = { type: 'LineString', coordinates: [[1, 2], [3, 4]] };
  const cases = [
    ['without nombre', withProperties({ nombre: undefined }), ['properties.nombre missing']],
    ['with null properties', withProperties(null), ['properties.nombre missing']],
    ['with a blank nombre', withProperties({ nombre: '  ' }), ['properties.nombre string_blank']],
    ['with a 201-character nombre', withProperties({ nombre: 'a'.repeat(201) }), ['properties.nombre string_too_long']],
    [
      'with a 2001-character descripcion',
      withProperties({ descripcion: 'd'.repeat(2001) }),
      ['properties.descripcion string_too_long'],
    ],
    ['with a numeric ubicacion', withProperties({ ubicacion: 5 }), ['properties.ubicacion string_type']],
    ['with latitude 91', feature({ geometry: point(0, 91) }), ['geometry.coordinates.1 less_than_equal']],
    ['with longitude 181', feature({ geometry: point(181, 0) }), ['geometry.coordinates.0 less_than_equal']],
    ['with longitude -181', feature({ geometry: point(-181, 0) }), ['geometry.coordinates.0 greater_than_equal']],
    ['of type FeatureCollection', feature({ type: 'FeatureCollection' }), ['type literal_error']],
    ['with a LineString', feature({ geometry: lineString }), ['geometry.type literal_error']],
    [
      'with a blank nombre and latitude 91',
      feature({ properties: { nombre: '' }, geometry: point(0, 91) }),
      ['properties.nombre string_blank', 'geometry.coordinates.1 less_than_equal'],
    ],
    [
      'without properties, with latitude 91',
      bare,
      ['properties.nombre missing', 'geometry.coordinates.1 less_than_equal'],
    ],
  ];

  for (const [name, body, expected] of cases) {
    it(`is a 400 listing every problem of a Feature ${name}, and writes nothing`, async () => {
      const rows = await rowCount(api);

      const response = await api.fetch(ITEMS, send('POST', body));

      await assertProblems(response, expected);
      assert.equal(await rowCount(api), rows);
    });
  }

  it('is a 400 json_invalid in the body for malformed JSON, with the security headers', async () => {
    const rows = await rowCount(api);

    const response = await api.fetch(ITEMS, send('POST', '{"type": "Feature",'));

    assertSecurityHeaders(response);
    const [problem, ...more] = await invalid(response);
    assert.deepEqual([problem.type, problem.loc[0], more.length], ['json_invalid', 'body', 0]);
    assert.equal(await rowCount(api), rows);
  });
});

describe('PUT an item', () => {
  it('replaces the whole feature: a PUT without descripcion and ubicacion clears them', async () => {
    const id = await created(api, { properties: FULL });
    const replacement = feature({ properties: { nombre: 'Reemplazado' }, geometry: point(1, 2) });

    const body = await assertFeatureAnswer(api, await api.fetch(itemPath(id), send('PUT', replacement)), id, 2);

    const { nombre, descripcion, ubicacion } = body.properties;
    assert.deepEqual([nombre, descripcion, ubicacion, body.geometry], ['Reemplazado', null, null, point(1, 2)]);
  });

  it('takes the feature GET returned, edited, ignoring its id and the stale properties it echoes', async () => {
    const id = await created(api, { properties: FULL });
    const { links, ...echoed } = (await current(api, id)).body;
    const properties = { ...echoed.properties, nombre: 'Eco' };
    const edited = { ...echoed, id: id + 1000, geometry: point(5, 6), properties };

    const body = await assertFeatureAnswer(api, await api.fetch(itemPath(id), send('PUT', edited)), id, 2);

    assert.ok(links.length > 0);
    assert.equal(String(body.id), String(id));
    const { nombre, descripcion } = body.properties;
    assert.deepEqual([nombre, descripcion, body.geometry], ['Eco', 'Bache grande', point(5, 6)]);
    assert.equal((await current(api, id + 1000)).status, 404);
  });

  it('is a 400 listing every problem of an invalid Feature, and leaves the row unchanged', async () => {
    const id = await created(api, { properties: FULL });
    const before = await current(api, id);
    const bad = feature({ properties: { nombre: ' ' }, geometry: point(0, 91) });

    const response = await api.fetch(itemPath(id), send('PUT', bad));

    await assertProblems(response, ['properties.nombre string_blank', 'geometry.coordinates.1 less_than_equal']);
    assert.deepEqual(await current(api, id), before);
  });
});

describe('PATCH an item (a JSON merge patch of the Feature)', () => {
  for (const [name, patch, change] of [
    ['changes only nombre', { properties: { nombre: 'Renombrado' } }, { nombre: 'Renombrado' }],
    ['clears descripcion with null', { properties: { descripcion: null } }, { descripcion: null }],
    ['moves the point with a new geometry', { geometry: point(1, 2) }, { longitud: 1, latitud: 2 }],
    ['ignores a foreign property', { properties: { ubicacion: 'Rosario', color: '#f' } }, { ubicacion: 'Rosario' }],
  ]) {
    it(`${name}, answering with the whole feature and its ETag`, async () => {
      const id = await created(api, { properties: FULL });
      const { body: before } = await v1(api, id);

      const body = await assertFeatureAnswer(api, await api.fetch(itemPath(id), mergePatch(patch)), id, 2);

      const { updated_at } = body.properties;
      assert.deepEqual(body.properties, { ...before, ...change, updated_at, version: 2 });
    });
  }

  it('changes nothing for {}: the same feature, version and ETag', async () => {
    const id = await created(api, { properties: FULL });
    const before = await current(api, id);

    const response = await api.fetch(itemPath(id), mergePatch({}));

    assert.deepEqual(await assertFeatureAnswer(api, response, id, 1), before.body);
  });

  for (const [name, patch, where] of [
    ['removes nombre', { properties: { nombre: null } }, 'body.properties.nombre'],
    ['removes the geometry', { geometry: null }, 'body.geometry'],
  ]) {
    it(`is a 400 at ${where} for a patch that ${name}, and leaves the row unchanged`, async () => {
      const id = await created(api, { properties: FULL });
      const before = await current(api, id);

      const detail = await invalid(await api.fetch(itemPath(id), mergePatch(patch)));

      assert.ok(detail.some((p) => `${p.loc.join('.')}.`.startsWith(`${where}.`)), JSON.stringify(detail));
      assert.deepEqual(await current(api, id), before);
    });
  }
});

describe('DELETE an item', () => {
  it('is a 204 without a body, after which OGC and v1 both answer 404', async () => {
    const id = await created(api);

    const response = await api.fetch(itemPath(id), { method: 'DELETE' });

    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
    assert.equal((await current(api, id)).status, 404);
    assert.equal((await v1(api, id)).status, 404);
  });
});

describe('/conformance', () => {
  it('declares the three Part 1 classes and exactly the three Part 4 ones', async () => {
    const { conformsTo } = await read(await api.fetch('/conformance'));

    for (const uri of PART_1) assert.ok(conformsTo.includes(uri), uri);
    assert.deepEqual(conformsTo.filter((uri) => uri.includes('/ogcapi-features-4/')).sort(), [...PART_4].sort());
  });
});
