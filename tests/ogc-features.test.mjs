// OGC API - Features, Part 1 (Core, GeoJSON, OpenAPI 3.0), walked through the abstract
// test suite of the standard (OGC 17-069r4, Annex A.2): landing page, API definition,
// conformance, collections, one collection, items (limit, bbox, datetime, the declared
// filters, unknown and invalid parameters), one feature. The official test engine cannot
// be installed offline; its assertions are the checklist here, each test naming its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { assertSecurityHeaders, insertSegment, RFC3339_UTC, SEGMENT_COLUMNS, SEGMENTOS } from './support/api.mjs';

const JSON_TYPE = 'application/json';
const GEOJSON = 'application/geo+json';
const OPENAPI_30 = 'application/vnd.oai.openapi+json;version=3.0';
const ITEMS = '/collections/segmentos/items';
const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  // Part 4's, covered by ogc-features-writes.test.mjs and ogc-features-conditions.test.mjs.
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete',
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update',
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features',
];

// Updated on four days of November 2026, two of them across the antimeridian.
const PLACES = [
  { nombre: 'Av. Colón', longitud: -64.1888, latitud: -31.4135, ubicacion: 'Córdoba', created_at: '2026-11-19T08:00:00.000Z' },
  { nombre: 'Bv. San Juan', longitud: -64.185, latitud: -31.422, ubicacion: 'Córdoba', created_at: '2026-11-20T00:00:00.000Z' },
  { nombre: 'Ruta 20', longitud: -64.23, latitud: -31.43, ubicacion: 'Córdoba', created_at: '2026-11-20T23:59:59.999Z' },
  { nombre: 'Gran Vía', longitud: -3.7038, latitud: 40.4168, ubicacion: 'Madrid', created_at: '2026-11-21T12:00:00.000Z' },
  { nombre: 'Kings Road', longitud: 179.9, latitud: -17.5, ubicacion: 'Fiji', created_at: '2026-11-22T12:00:00.000Z' },
  { nombre: 'Taveuni Road', longitud: -179.95, latitud: -16.8, ubicacion: 'Fiji', created_at: '2026-11-22T23:00:00.000Z' },
];
// Twelve more, enough to page through with the default limit of 10.
const FILLER = Array.from({ length: 12 }, (_, n) => ({
  nombre: `Calle ${n}`,
  longitud: -58.4 + n / 100,
  latitud: -34.6,
  ubicacion: 'Buenos Aires',
  created_at: `2026-11-0${1 + (n % 9)}T10:00:00.000Z`,
}));

let api;
let segments; // every row, as stored

before(async () => {
  api = await startWorker();
  for (const place of [...PLACES, ...FILLER]) await insertSegment(api.db, place);
  segments = (await api.db.prepare(`SELECT ${SEGMENT_COLUMNS} FROM segmentos`).all()).results;
});
after(() => api.close());

async function get(path, headers = {}) {
  const response = await api.fetch(path, { headers });
  const text = await response.text();
  return { response, body: text ? JSON.parse(text) : null };
}

/** Asserts every link has a rel, a type and an absolute href on this server. */
function assertLinks(links) {
  assert.ok(Array.isArray(links) && links.length > 0);
  for (const link of links) {
    assert.equal(typeof link.rel, 'string', JSON.stringify(link));
    assert.equal(typeof link.type, 'string', JSON.stringify(link));
    assert.ok(link.href.startsWith(`${new URL(api.url).origin}/`), `${link.href} is absolute`);
  }
}

const linkOf = (resource, rel) => resource.links.find((link) => link.rel === rel);

/** Asserts a 400 in OGC's exception shape naming each of `parameters`. */
async function assertInvalid(path, parameters) {
  const { response, body } = await get(path);
  assert.equal(response.status, 400, `${path}: ${JSON.stringify(body)}`);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  assert.equal(body.code, 'InvalidParameterValue');
  assert.equal(typeof body.description, 'string');
  assert.deepEqual(
    body.detail.map((problem) => problem.loc[1]),
    parameters,
  );
}

/** Every feature of the items at `path`, following `next` links. */
async function walk(path) {
  const features = [];
  let next = path;
  for (let pages = 0; next; pages += 1) {
    assert.ok(pages < 100, 'the next links end');
    const { response, body } = await get(next);
    assert.equal(response.status, 200, JSON.stringify(body));
    features.push(...body.features);
    next = linkOf(body, 'next')?.href;
  }
  return features;
}

const idsOf = (rows) => rows.map((row) => row.id_segmento ?? row.id).sort((a, b) => a - b);
const matching = (predicate) => idsOf(segments.filter(predicate));

describe('A.2.2 landing page (/conf/core/root-op, root-success)', () => {
  it('answers GET / with links to the API definition, its documentation, the conformance and the data', async () => {
    const { response, body } = await get('/');

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), JSON_TYPE);
    assertSecurityHeaders(response);
    assertLinks(body.links);
    assert.equal(linkOf(body, 'service-desc').type, OPENAPI_30);
    assert.equal(linkOf(body, 'service-doc').type, 'text/html');
    assert.equal(linkOf(body, 'conformance').href, new URL('/conformance', api.url).href);
    assert.equal(linkOf(body, 'data').href, new URL('/collections', api.url).href);
  });

  it('is JSON for */*, for no Accept at all, and with f=json', async () => {
    for (const [path, headers] of [['/', { accept: '*/*' }], ['/', {}], ['/?f=json', { accept: 'text/html' }]]) {
      const { response } = await get(path, headers);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), JSON_TYPE);
    }
  });
});

describe('A.2.3 API definition (/conf/core/api-definition-op, -success; /conf/oas30)', () => {
  it('serves the service-desc as an OpenAPI 3.0 document of its own media type, describing the items', async () => {
    const { body: landing } = await get('/');

    const { response, body } = await get(linkOf(landing, 'service-desc').href, { accept: OPENAPI_30 });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), OPENAPI_30);
    assert.match(body.openapi, /^3\.0\.\d+$/);
    const parameters = body.paths[ITEMS].get.parameters.map((p) => body.components.parameters[p.$ref.split('/').pop()]);
    for (const name of ['limit', 'bbox', 'datetime']) {
      const parameter = parameters.find((p) => p.name === name);
      assert.deepEqual([parameter.style, parameter.explode], ['form', false], name);
    }
  });

  it('serves the service-doc as an HTML page', async () => {
    const { body: landing } = await get('/');

    const response = await api.fetch(linkOf(landing, 'service-doc').href);

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/html/);
    assert.match(await response.text(), /data-document="\/ogc\/openapi.json"/);
  });
});

describe('A.2.4 conformance (/conf/core/conformance-op, -success)', () => {
  it('declares Core, GeoJSON, OpenAPI 3.0 and Part 4\'s classes, and nothing else, at the link and at /conformance', async () => {
    const { body: landing } = await get('/');

    for (const path of [linkOf(landing, 'conformance').href, '/conformance']) {
      const { response, body } = await get(path);
      assert.equal(response.status, 200);
      assert.deepEqual(body, { conformsTo: CONFORMANCE });
    }
  });
});

describe('A.2.5 and A.2.6 collections (/conf/core/fc-md-*, sfc-md-*)', () => {
  it('lists the one collection with its items link, item type and an extent holding every segment', async () => {
    const { response, body } = await get('/collections');

    assert.equal(response.status, 200);
    assertLinks(body.links);
    assert.equal(linkOf(body, 'self').type, JSON_TYPE);
    assert.equal(body.collections.length, 1);
    const [collection] = body.collections;
    assert.equal(collection.id, 'segmentos');
    assert.equal(collection.itemType, 'feature');
    assertLinks(collection.links);
    assert.deepEqual(linkOf(collection, 'items'), { href: new URL(ITEMS, api.url).href, rel: 'items', type: GEOJSON });
    const [[west, south, east, north]] = collection.extent.spatial.bbox;
    for (const segment of segments) {
      assert.ok(segment.longitud >= west && segment.longitud <= east, segment.nombre);
      assert.ok(segment.latitud >= south && segment.latitud <= north, segment.nombre);
    }
    const [[first, last]] = collection.extent.temporal.interval;
    for (const segment of segments) {
      assert.ok(segment.updated_at >= first && segment.updated_at <= last, segment.updated_at);
    }
  });

  it('describes the collection at its own path exactly as the list does', async () => {
    const { body: list } = await get('/collections');

    const { response, body } = await get('/collections/segmentos');

    assert.equal(response.status, 200);
    assert.deepEqual(body, list.collections[0]);
  });

  it('answers an unknown collection with 404', async () => {
    assert.equal((await get('/collections/roads')).response.status, 404);
    assert.equal((await get('/collections/roads/items')).response.status, 404);
  });
});

describe('A.2.7 items (/conf/core/fc-op, fc-response, fc-links)', () => {
  it('answers with a GeoJSON FeatureCollection: counts, time stamp and links, for */* too', async () => {
    for (const accept of [GEOJSON, '*/*', undefined]) {
      const { response, body } = await get(ITEMS, accept ? { accept } : {});

      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), GEOJSON);
      assert.equal(body.type, 'FeatureCollection');
      assert.equal(body.numberMatched, segments.length);
      assert.equal(body.numberReturned, body.features.length);
      assert.match(body.timeStamp, RFC3339_UTC);
      assert.ok(Math.abs(Date.parse(body.timeStamp) - Date.now()) < 60_000);
      assertLinks(body.links);
      assert.deepEqual(body.links.map((link) => [link.rel, link.type]), [['self', GEOJSON], ['next', GEOJSON]]);
    }
  });

  it('pages through every feature exactly once by its next links, also when limit changes on the way', async () => {
    const all = idsOf(await walk(`${ITEMS}?limit=4`));
    assert.deepEqual(all, idsOf(segments));

    const { body: first } = await get(`${ITEMS}?limit=4`);
    const next = new URL(linkOf(first, 'next').href);
    next.searchParams.set('limit', '7');
    const rest = await walk(next.pathname + next.search);
    assert.deepEqual(idsOf([...first.features, ...rest]), idsOf(segments));
  });

  it('reads the items as the same rows the v1 API serves', async () => {
    const { body } = await get(`${ITEMS}?limit=1`);
    const [feature] = body.features;

    const { body: v1 } = await get(`${SEGMENTOS}/${feature.id}`);

    assert.deepEqual(feature.properties, v1);
    assert.deepEqual(feature.geometry, { type: 'Point', coordinates: [v1.longitud, v1.latitud] });
  });
});

describe('A.2.7 limit (/conf/core/fc-limit-definition, fc-limit-response)', () => {
  it('returns 10 features by default and at most limit', async () => {
    assert.equal((await get(ITEMS)).body.features.length, 10);
    assert.equal((await get(`${ITEMS}?limit=3`)).body.features.length, 3);
  });

  it('reads a limit above the maximum as the maximum, without an error', async () => {
    const { response, body } = await get(`${ITEMS}?limit=100000`);

    assert.equal(response.status, 200);
    assert.equal(body.features.length, segments.length);
    assert.equal(linkOf(body, 'next'), undefined);
  });

  it('answers a limit below 1 or not an integer with 400 (/conf/core/query-param-invalid)', async () => {
    for (const limit of ['0', '-1', 'unlimited', '2.5']) await assertInvalid(`${ITEMS}?limit=${limit}`, ['limit']);
  });
});

describe('A.2.7 bbox (/conf/core/fc-bbox-definition, fc-bbox-response)', () => {
  const inCordoba = (s) => s.longitud >= -64.3 && s.longitud <= -64.1 && s.latitud >= -31.5 && s.latitud <= -31.3;

  it('returns only the features inside the box, with four numbers or six', async () => {
    for (const bbox of ['-64.3,-31.5,-64.1,-31.3', '-64.3,-31.5,-100,-64.1,-31.3,100']) {
      // A filtered page has numberMatched when asked (the standard lets a server omit it).
      const { body } = await get(`${ITEMS}?bbox=${bbox}`, { prefer: 'count=exact' });
      assert.deepEqual(idsOf(body.features), matching(inCordoba), bbox);
      assert.equal(body.numberMatched, 3);
    }
  });

  it('reads a box whose west is east of its east as crossing the antimeridian', async () => {
    const { body } = await get(`${ITEMS}?bbox=179,-20,-179,-10`);

    assert.deepEqual(idsOf(body.features), matching((s) => s.ubicacion === 'Fiji'));
  });

  it('answers a box of three numbers, or outside the globe, with 400', async () => {
    await assertInvalid(`${ITEMS}?bbox=1,2,3`, ['bbox']);
    await assertInvalid(`${ITEMS}?bbox=-10,-100,10,10`, ['bbox']);
  });
});

describe('A.2.7 datetime (/conf/core/fc-time-definition, fc-time-response): updated_at', () => {
  const day = (s) => s.updated_at.slice(0, 10);

  it('matches an instant exactly', async () => {
    const { body } = await get(`${ITEMS}?datetime=2026-11-20T00:00:00Z`);

    assert.deepEqual(idsOf(body.features), matching((s) => s.updated_at === '2026-11-20T00:00:00.000Z'));
  });

  it('includes both ends of a closed interval', async () => {
    const { body } = await get(`${ITEMS}?datetime=2026-11-20T00:00:00Z/2026-11-20T23:59:59.999Z`);

    assert.deepEqual(idsOf(body.features), matching((s) => day(s) === '2026-11-20'));
  });

  it('reads .. and an empty end alike as open', async () => {
    for (const value of ['2026-11-21T12:00:00Z/..', '2026-11-21T12:00:00Z/']) {
      const { body } = await get(`${ITEMS}?datetime=${value}`);
      assert.deepEqual(idsOf(body.features), matching((s) => s.updated_at >= '2026-11-21T12:00:00.000Z'), value);
    }
    for (const value of ['../2026-11-02T10:00:00Z', '/2026-11-02T10:00:00Z']) {
      const { body } = await get(`${ITEMS}?datetime=${value}&limit=100`);
      assert.deepEqual(idsOf(body.features), matching((s) => s.updated_at <= '2026-11-02T10:00:00.000Z'), value);
    }
  });

  it('reads the date-only bounds GDAL 3.6 sends as whole UTC days', async () => {
    const { body } = await get(`${ITEMS}?datetime=2026-11-20T/2026-11-21T`);

    assert.deepEqual(idsOf(body.features), matching((s) => ['2026-11-20', '2026-11-21'].includes(day(s))));
  });

  it('answers a value that is no instant nor interval with 400', async () => {
    await assertInvalid(`${ITEMS}?datetime=yesterday`, ['datetime']);
    await assertInvalid(`${ITEMS}?datetime=..`, ['datetime']);
  });
});

describe('A.2.7 declared filters and parameters (/conf/core/query-param-unknown, -invalid)', () => {
  it('filters by nombre and ubicacion, each an exact match', async () => {
    const byName = await get(`${ITEMS}?nombre=${encodeURIComponent('Gran Vía')}`);
    const byPlace = await get(`${ITEMS}?ubicacion=${encodeURIComponent('Córdoba')}`);

    assert.deepEqual(idsOf(byName.body.features), matching((s) => s.nombre === 'Gran Vía'));
    assert.deepEqual(idsOf(byPlace.body.features), matching((s) => s.ubicacion === 'Córdoba'));
  });

  it('answers a parameter the API definition does not declare with 400, on every resource', async () => {
    for (const path of ['/', '/conformance', '/collections', '/collections/segmentos', ITEMS, `${ITEMS}/1`]) {
      await assertInvalid(`${path}?sort=nombre`, ['sort']);
    }
  });

  it('lists every bad parameter of a request at once', async () => {
    await assertInvalid(`${ITEMS}?limit=0&bbox=x&datetime=no&f=xml&foo=1`, ['foo', 'limit', 'bbox', 'datetime', 'f']);
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await api.fetch(ITEMS, { method: 'HEAD' });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), GEOJSON);
    assert.equal(await response.text(), '');
  });
});

describe('A.2.8 feature (/conf/core/f-op, f-success, f-links; /conf/geojson/content)', () => {
  it('answers with the Feature whose id is the path’s, linked to itself, its collection and its v1 segment', async () => {
    const segment = segments[0];

    const { response, body } = await get(`${ITEMS}/${segment.id_segmento}`);

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), GEOJSON);
    assert.equal(String(body.id), String(segment.id_segmento));
    assert.equal(body.type, 'Feature');
    assertLinks(body.links);
    assert.deepEqual(
      body.links.map((link) => [link.rel, link.type]),
      [['self', GEOJSON], ['alternate', JSON_TYPE], ['collection', JSON_TYPE]],
    );
    const { body: v1 } = await get(linkOf(body, 'alternate').href);
    assert.deepEqual(body.properties, v1);
  });

  it('carries a strong ETag of its own, and answers If-None-Match with 304', async () => {
    const path = `${ITEMS}/${segments[1].id_segmento}`;
    const { response } = await get(path);
    const etag = response.headers.get('etag');

    const again = await api.fetch(path, { headers: { 'if-none-match': etag } });

    assert.match(etag, /^"\d+\.\d+\.ogc"$/);
    assert.notEqual(etag, (await get(`${SEGMENTOS}/${segments[1].id_segmento}?format=geojson`)).response.headers.get('etag'));
    assert.equal(again.status, 304);
  });

  it('answers an unknown or impossible id with 404', async () => {
    for (const id of ['999999', 'abc', '-1']) assert.equal((await get(`${ITEMS}/${id}`)).response.status, 404, id);
  });
});

describe('access: ACCESS_MODE=all', () => {
  let keyed;
  before(async () => {
    keyed = await startWorker({ vars: { ACCESS_MODE: 'all' } });
  });
  after(() => keyed.close());

  it('keeps the landing page and the conformance public, and the segments behind a key', async () => {
    for (const path of ['/', '/conformance']) assert.equal((await keyed.fetch(path)).status, 200, path);
    for (const path of ['/collections', '/collections/segmentos', ITEMS, `${ITEMS}/1`]) {
      const response = await keyed.fetch(path);
      assert.equal(response.status, 401, path);
      assert.match(response.headers.get('www-authenticate'), /^Bearer/);
    }
  });
});
