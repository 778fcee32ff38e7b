// GeoJSON (RFC 7946) on GET /api/v1/segmentos and /api/v1/segmentos/{id}: a
// FeatureCollection with OGC API Features paging members, a Feature per segment, chosen by
// `Accept: application/geo+json` or `?format=geojson`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import {
  createSegment,
  getPage,
  ids,
  nextLink,
  problems,
  queryString,
  SEGMENTOS,
  walkPages,
} from './support/api.mjs';

const GEOJSON = 'application/geo+json';
const GEO_ACCEPT = { accept: GEOJSON };

const PLACES = [
  { nombre: 'Av. Colón', longitud: -64.1888, latitud: -31.4135, ubicacion: 'Córdoba', descripcion: 'Centro' },
  { nombre: 'Bv. San Juan', longitud: -64.185, latitud: -31.422, ubicacion: 'Córdoba' },
  { nombre: 'Ruta 20', longitud: -64.23, latitud: -31.43, ubicacion: 'Córdoba' },
  { nombre: 'Gran Vía', longitud: -3.7038, latitud: 40.4168, ubicacion: 'Madrid' },
  { nombre: 'Kings Road', longitud: 179.9, latitud: -17.5, ubicacion: 'Fiji' },
  { nombre: 'Taveuni Road', longitud: -179.95, latitud: -16.8, ubicacion: 'Fiji' },
  { nombre: 'Polo Sur', longitud: -180, latitud: -90 },
];

let api;
let seeded; // oldest first

before(async () => {
  api = await startWorker();
  seeded = [];
  for (const place of PLACES) seeded.push(await createSegment(api, place));
});
after(() => api.close());

/** Asserts a Feature per RFC 7946 §3.2 with a Point geometry (§3.1.2) of `[lon, lat]`. */
function assertPointFeature(feature) {
  assert.equal(feature.type, 'Feature');
  assert.ok(['number', 'string'].includes(typeof feature.id), 'a feature id is a number or a string');
  assert.equal(feature.geometry.type, 'Point');
  assert.deepEqual(Object.keys(feature.geometry).sort(), ['coordinates', 'type']);
  const { coordinates } = feature.geometry;
  assert.equal(coordinates.length, 2);
  assert.ok(coordinates.every(Number.isFinite), JSON.stringify(coordinates));
  const [lon, lat] = coordinates;
  assert.ok(lon >= -180 && lon <= 180, `longitude ${lon}`);
  assert.ok(lat >= -90 && lat <= 90, `latitude ${lat}`);
  assert.equal(typeof feature.properties, 'object');
  assert.notEqual(feature.properties, null);
  assert.deepEqual(coordinates, [feature.properties.longitud, feature.properties.latitud]);
  assert.equal(feature.id, feature.properties.id_segmento);
}

/** Asserts a FeatureCollection per RFC 7946 §3.3 with the OGC API Features members. */
function assertFeatureCollection(collection, response) {
  assert.equal(collection.type, 'FeatureCollection');
  assert.ok(Array.isArray(collection.features));
  collection.features.forEach(assertPointFeature);
  assert.equal(collection.numberReturned, collection.features.length);
  const total = response.headers.get('x-total-count');
  assert.equal(collection.numberMatched, total === null ? undefined : Number(total));
  for (const link of collection.links) {
    assert.equal(link.type, GEOJSON);
    assert.doesNotThrow(() => new URL(link.href), `${link.href} is absolute`);
  }
  const rels = collection.links.map((link) => link.rel);
  assert.equal(rels.filter((rel) => rel === 'self').length, 1);
  assert.ok(rels.every((rel) => rel === 'self' || rel === 'next'), rels.join());
}

const link = (collection, rel) => collection.links.find((candidate) => candidate.rel === rel)?.href ?? null;

async function fetchGeo(query, headers = GEO_ACCEPT) {
  const { response, body } = await getPage(api, `${SEGMENTOS}${queryString(query)}`, headers);
  return { response, collection: body };
}

describe('listing segments as GeoJSON', () => {
  it('answers Accept: application/geo+json with a FeatureCollection of Point features', async () => {
    const { response, collection } = await fetchGeo();

    assert.equal(response.headers.get('content-type'), GEOJSON);
    assertFeatureCollection(collection, response);
    assert.equal(collection.numberMatched, seeded.length);
    assert.deepEqual(collection.features.map((feature) => feature.id), ids(seeded).reverse());
  });

  it('puts each segment at [longitud, latitud] with its JSON representation as properties', async () => {
    const { collection } = await fetchGeo();
    const { body: asJson } = await getPage(api, SEGMENTOS);

    assert.deepEqual(collection.features.map((feature) => feature.properties), asJson);
    const [colon] = collection.features.filter((feature) => feature.properties.nombre === 'Av. Colón');
    assert.deepEqual(colon.geometry, { type: 'Point', coordinates: [-64.1888, -31.4135] });
  });

  it('answers ?format=geojson the same way without an Accept header', async () => {
    const { response, collection } = await fetchGeo({ format: 'geojson' }, {});

    assert.equal(response.headers.get('content-type'), GEOJSON);
    assertFeatureCollection(collection, response);
    assert.equal(collection.features.length, seeded.length);
  });

  it('links itself, and the next page while more follow, as GeoJSON', async () => {
    const { response, collection } = await fetchGeo({ sort: 'nombre', limit: 3 });

    assertFeatureCollection(collection, response);
    assert.deepEqual(collection.links.map((l) => l.rel), ['self', 'next']);
    assert.equal(link(collection, 'self'), new URL(`${SEGMENTOS}?sort=nombre&limit=3`, api.url).href);
    assert.equal(link(collection, 'next'), nextLink(response));
    assert.equal(collection.numberReturned, 3);
    assert.equal(collection.numberMatched, seeded.length);
  });

  it('yields the next page when its next link is followed', async () => {
    const query = { sort: 'nombre', limit: 3, format: 'geojson' };
    const { collection: first } = await fetchGeo(query, {});

    const { response, body: second } = await getPage(api, link(first, 'next'));

    assert.equal(response.headers.get('content-type'), GEOJSON);
    assertFeatureCollection(second, response);
    const { body: asJson } = await getPage(api, `${SEGMENTOS}?sort=nombre&limit=6`);
    assert.deepEqual(
      [...first.features, ...second.features].map((feature) => feature.properties),
      asJson,
    );
  });

  it('walks every page through next links to a last page that has only self', async () => {
    const pages = [];
    let url = `${SEGMENTOS}?format=geojson&limit=2&sort=-nombre`;
    while (url !== null) {
      const { response, body } = await getPage(api, url);
      assertFeatureCollection(body, response);
      pages.push(body);
      url = link(body, 'next');
    }

    assert.deepEqual(pages.map((page) => page.numberReturned), [2, 2, 2, 1]);
    assert.deepEqual(pages.at(-1).links.map((l) => l.rel), ['self']);
    const { rows } = await walkPages(api, `${SEGMENTOS}?limit=2&sort=-nombre`);
    assert.deepEqual(pages.flatMap((page) => page.features.map((feature) => feature.id)), ids(rows));
  });

  it('applies every filter: numberMatched counts them and the features match the JSON list', async () => {
    for (const query of [
      { q: 'road' },
      { ubicacion: 'Córdoba', sort: 'nombre' },
      { bbox: '179,-20,-179,-15' },
      { near: '-64.1888,-31.4135', radius_m: 5000 },
      { created_after: '2000-01-01T00:00:00Z', updated_before: '2100-01-01T00:00:00Z', limit: 2 },
    ]) {
      const counted = { prefer: 'count=exact' };
      const { response, collection } = await fetchGeo(query, { ...GEO_ACCEPT, ...counted });
      const { response: jsonResponse, body: asJson } = await getPage(api, `${SEGMENTOS}${queryString(query)}`, counted);

      assertFeatureCollection(collection, response);
      assert.equal(response.headers.get('x-total-count'), jsonResponse.headers.get('x-total-count'), JSON.stringify(query));
      assert.deepEqual(collection.features.map((feature) => feature.properties), asJson, JSON.stringify(query));
      assert.ok(collection.features.length > 0, JSON.stringify(query));
    }
  });

  it('carries distance_m in the properties of a near list', async () => {
    const { collection } = await fetchGeo({ near: '-64.1888,-31.4135', radius_m: 5000 });

    assert.deepEqual(
      collection.features.map((feature) => [feature.properties.nombre, typeof feature.properties.distance_m]),
      [['Av. Colón', 'number'], ['Bv. San Juan', 'number'], ['Ruta 20', 'number']],
    );
    assert.equal(collection.features[0].properties.distance_m, 0);
  });

  it('gives an empty FeatureCollection when nothing matches', async () => {
    const { response, collection } = await fetchGeo({ q: 'autopista' }, { ...GEO_ACCEPT, prefer: 'count=exact' });

    assertFeatureCollection(collection, response);
    assert.deepEqual(collection.features, []);
    assert.equal(collection.numberMatched, 0);
    assert.equal(response.headers.get('link'), null);
  });

  it('gives only the count for limit=0', async () => {
    const { response, collection } = await fetchGeo({ limit: 0 });

    assertFeatureCollection(collection, response);
    assert.deepEqual([collection.numberReturned, collection.numberMatched], [0, seeded.length]);
  });
});

describe('choosing between JSON and GeoJSON', () => {
  const CASES = [
    ['no Accept header', {}, {}, 'application/json'],
    ['Accept: application/json', {}, { accept: 'application/json' }, 'application/json'],
    ['Accept: */*', {}, { accept: '*/*' }, 'application/json'],
    ['a browser Accept', {}, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, 'application/json'],
    ['Accept: application/geo+json', {}, GEO_ACCEPT, GEOJSON],
    ['geo+json preferred over json by q', {}, { accept: 'application/json;q=0.5, application/geo+json' }, GEOJSON],
    ['geo+json preferred over */*', {}, { accept: 'application/geo+json, */*;q=0.1' }, GEOJSON],
    ['json preferred over geo+json by q', {}, { accept: 'application/geo+json;q=0.5, application/json' }, 'application/json'],
    ['geo+json refused with q=0', {}, { accept: 'application/geo+json;q=0, */*' }, 'application/json'],
    ['geo+json ranked below */*', {}, { accept: 'application/geo+json;q=0.5, */*' }, 'application/json'],
    ['geo+json ranked below application/*', {}, { accept: 'application/*, application/geo+json;q=0.2' }, 'application/json'],
    ['format=json over Accept: application/geo+json', { format: 'json' }, GEO_ACCEPT, 'application/json'],
    ['format=geojson over Accept: application/json', { format: 'geojson' }, { accept: 'application/json' }, GEOJSON],
  ];

  for (const [what, query, headers, expected] of CASES) {
    it(`answers ${expected} for ${what}, varying on Accept`, async () => {
      const { response, body } = await getPage(api, `${SEGMENTOS}${queryString({ ...query, limit: 1 })}`, headers);

      assert.equal(response.headers.get('content-type'), expected);
      // And on Prefer, which may ask a filtered list to count (tests/segmentos-count.test.mjs).
      assert.equal(response.headers.get('vary'), 'accept, prefer');
      if (expected === GEOJSON) assert.equal(body.type, 'FeatureCollection');
      else assert.ok(Array.isArray(body));
    });
  }

  for (const format of ['xml', 'GeoJSON', '']) {
    it(`is a 422 naming format for format=${JSON.stringify(format)}, in JSON even when GeoJSON is accepted`, async () => {
      const response = await api.fetch(`${SEGMENTOS}?format=${format}`, { headers: GEO_ACCEPT });

      assert.deepEqual(await problems(response), [['query.format', 'literal_error']]);
    });
  }
});

describe('reading one segment as GeoJSON', () => {
  it('answers Accept: application/geo+json with a Feature of the segment', async () => {
    const segment = seeded[0];

    const response = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`, { headers: GEO_ACCEPT });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), GEOJSON);
    assert.equal(response.headers.get('vary'), 'accept');
    const feature = await response.json();
    assertPointFeature(feature);
    assert.deepEqual(feature, {
      type: 'Feature',
      id: segment.id_segmento,
      geometry: { type: 'Point', coordinates: [segment.longitud, segment.latitud] },
      properties: segment,
    });
  });

  it('answers ?format=geojson with the same Feature', async () => {
    const segment = seeded.at(-1); // at the south pole, on the antimeridian

    const viaFormat = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}?format=geojson`);
    const viaAccept = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`, { headers: GEO_ACCEPT });

    assert.equal(viaFormat.headers.get('content-type'), GEOJSON);
    const feature = await viaFormat.json();
    assertPointFeature(feature);
    assert.deepEqual(feature, await viaAccept.json());
    assert.deepEqual(feature.geometry.coordinates, [-180, -90]);
  });

  it('answers JSON for format=json even when GeoJSON is accepted', async () => {
    const segment = seeded[1];

    const response = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}?format=json`, { headers: GEO_ACCEPT });

    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(await response.json(), segment);
  });

  it('keeps a 404 a JSON error when GeoJSON is asked for', async () => {
    for (const request of [
      [`${SEGMENTOS}/99999`, { headers: GEO_ACCEPT }],
      [`${SEGMENTOS}/99999?format=geojson`, {}],
    ]) {
      const response = await api.fetch(...request);

      assert.equal(response.status, 404);
      assert.match(response.headers.get('content-type'), /^application\/json/);
      assert.deepEqual(await response.json(), { detail: 'Segmento 99999 not found' });
    }
  });

  it('is a 422 naming format for format=xml on one segment', async () => {
    const response = await api.fetch(`${SEGMENTOS}/${seeded[0].id_segmento}?format=xml`);

    assert.deepEqual(await problems(response), [['query.format', 'literal_error']]);
  });
});
