// GET /api/v1/segmentos: filters (q, ubicacion, time ranges, bbox, near/radius_m), sort,
// keyset cursors with Link rel="next", skip/limit, X-Total-Count, and every 422.
//
// Expected results are computed here from the fixture by the documented rules (ASCII
// case-insensitive substring, exclusive instants, byte-wise text order with the id
// tie-break in the direction of the last sort field, haversine on R = 6371008.8 m), never
// read back from the API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import {
  createSegment,
  getPage,
  haversineM,
  ids,
  insertSegment,
  nextLink,
  problems,
  queryString,
  SEGMENTOS,
  validationErrors,
  walkPages,
} from './support/api.mjs';

/** Midnight UTC of a day of January 2026, as stored. */
const day = (n) => `2026-01-${String(n).padStart(2, '0')}T00:00:00.000Z`;
const at = (n, time) => `2026-01-${String(n).padStart(2, '0')}T${time}Z`;

const COLON = [-64.1888, -31.4135]; // Av. Colón, Córdoba
const FIJI = [179.95, -17.0]; // just west of the antimeridian

// Inserted in this order (ids 1..n). Equal names, instants and places on purpose: every
// order must fall back to the id. Creation order differs from id order.
const FIXTURE = [
  { nombre: 'Av. Colón', descripcion: 'Asfalto NUEVO en el centro', longitud: -64.1888, latitud: -31.4135, ubicacion: 'Córdoba', created_at: day(5), updated_at: day(31) },
  { nombre: 'Bv. San Juan', longitud: -64.185, latitud: -31.422, ubicacion: 'Córdoba', created_at: day(2), updated_at: day(5) },
  { nombre: 'Ruta 20', descripcion: 'Salida a Carlos Paz', longitud: -64.23, latitud: -31.43, ubicacion: 'Córdoba', created_at: day(5), updated_at: day(29) },
  { nombre: 'RUTA 9 norte', longitud: -64.17, latitud: -31.35, ubicacion: 'Córdoba Capital', created_at: day(1), updated_at: day(31) },
  { nombre: 'Gran Vía', descripcion: 'Centro de Madrid', longitud: -3.7038, latitud: 40.4168, ubicacion: 'Madrid', created_at: day(8) },
  { nombre: 'Calle Mayor', descripcion: 'Casco antiguo, sin ruta', longitud: -3.71, latitud: 40.415, ubicacion: 'Madrid', created_at: day(3), updated_at: day(20) },
  { nombre: 'Av. Colón', descripcion: 'Tramo de ruta urbana', longitud: -58.3816, latitud: -34.6037, ubicacion: 'Buenos Aires', created_at: day(7) },
  { nombre: "Queen's Road", longitud: 178.4419, latitud: -18.1416, ubicacion: 'Fiji', created_at: day(4) },
  { nombre: 'Kings Road', descripcion: 'Viti Levu norte', longitud: 179.9, latitud: -17.5, ubicacion: 'Fiji', created_at: day(6) },
  { nombre: 'Taveuni Road', longitud: -179.95, latitud: -16.8, ubicacion: 'Fiji', created_at: day(9), updated_at: day(10) },
  { nombre: '100% asfalto_nuevo', descripcion: 'promo', longitud: 0, latitud: 0, created_at: day(10) },
  { nombre: '100 asfalto nuevo', longitud: 0.001, latitud: 0, created_at: day(11) },
  { nombre: 'Camino\\viejo', longitud: 10, latitud: 10, created_at: day(12) },
  { nombre: 'av. colón', longitud: -64.19, latitud: -31.41, ubicacion: 'córdoba', created_at: day(5), updated_at: day(29) },
  // Same place as Av. Colón: an exact distance tie.
  { nombre: 'Esquina Colón', longitud: -64.1888, latitud: -31.4135, ubicacion: 'Córdoba', created_at: at(5, '00:00:00.001'), updated_at: at(5, '00:00:00.001') },
];

let api;
let seeded; // as the API shows them, in id order

before(async () => {
  api = await startWorker();
  seeded = [];
  for (const fields of FIXTURE) seeded.push(await insertSegment(api.db, fields));
});
after(() => api.close());

const byName = (...names) => names.map((nombre) => {
  const matches = seeded.filter((segment) => segment.nombre === nombre);
  assert.equal(matches.length, 1, `fixture name ${nombre}`);
  return matches[0];
});
const position = (segment) => [segment.longitud, segment.latitud];

/** Text compares as SQLite's BINARY collation does (UTF-8 bytes); numbers as numbers. */
function compareValues(a, b) {
  return typeof a === 'string' ? Buffer.compare(Buffer.from(a), Buffer.from(b)) : a - b;
}

/** The documented order of a `sort` value: its fields, then the id in the last field's direction. */
function documentedOrder(sort) {
  const keys = sort
    .split(',')
    .map((item) => (item.startsWith('-') ? { field: item.slice(1), sign: -1 } : { field: item, sign: 1 }));
  if (!keys.some(({ field }) => field === 'id_segmento')) {
    keys.push({ field: 'id_segmento', sign: keys.at(-1).sign });
  }
  return (a, b) => {
    for (const { field, sign } of keys) {
      const order = compareValues(a[field], b[field]);
      if (order !== 0) return sign * order;
    }
    return 0;
  };
}

const sortedBy = (segments, sort) => [...segments].sort(documentedOrder(sort));
const newestFirst = (segments) => sortedBy(segments, '-id_segmento');

/** `q`'s rule: a substring of nombre, descripcion or ubicacion, ignoring ASCII case. */
function matchesQ(segment, q) {
  const fold = (text) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  return [segment.nombre, segment.descripcion, segment.ubicacion].some(
    (field) => field !== null && fold(field).includes(fold(q)),
  );
}

/** `bbox`'s rule, edges included; west > east crosses the antimeridian. */
function insideBox(segment, [west, south, east, north]) {
  const lonInside = west > east
    ? segment.longitud >= west || segment.longitud <= east
    : segment.longitud >= west && segment.longitud <= east;
  return lonInside && segment.latitud >= south && segment.latitud <= north;
}

/** `near`'s rule: within the radius, each row with its distance, nearest first. */
function nearRows(segments, center, radius) {
  return sortedBy(
    segments
      .map((segment) => ({ ...segment, distance_m: haversineM(center, position(segment)) }))
      .filter((segment) => segment.distance_m <= radius),
    'distance_m',
  );
}

/**
 * A page of the list. These tests hold each filter's matches against its rule, and their
 * count too: a filtered list counts only when asked (tests/segmentos-count.test.mjs).
 */
async function list(params, headers) {
  return getPage(api, `${SEGMENTOS}${queryString(params)}`, { prefer: 'count=exact', ...headers });
}

/** Asserts rows match expected segments and each measured distance is within 1 mm. */
function assertDistances(rows, expected) {
  assert.deepEqual(ids(rows), ids(expected));
  rows.forEach((row, index) => {
    assert.equal(typeof row.distance_m, 'number', JSON.stringify(row));
    assert.ok(
      Math.abs(row.distance_m - expected[index].distance_m) <= 0.001,
      `${row.nombre}: ${row.distance_m} m, haversine ${expected[index].distance_m} m`,
    );
    assert.equal(Math.round(row.distance_m * 1000) / 1000, row.distance_m, 'rounded to the millimetre');
  });
}

describe('searching with q', () => {
  it('matches a substring of nombre in any ASCII case', async () => {
    const { body } = await list({ q: 'rUtA 9' });

    assert.deepEqual(body, byName('RUTA 9 norte'));
  });

  it('matches descripcion and ubicacion as well as nombre', async () => {
    const { body } = await list({ q: 'madrid' });

    assert.deepEqual(ids(body), ids(newestFirst(byName('Gran Vía', 'Calle Mayor'))));
  });

  it('matches every field of every segment the rule keeps, newest first', async () => {
    const { response, body } = await list({ q: 'ruta' });

    const expected = newestFirst(seeded.filter((segment) => matchesQ(segment, 'ruta')));
    assert.deepEqual(ids(body), ids(expected));
    assert.equal(expected.length, 4); // two names, two descriptions
    assert.equal(response.headers.get('x-total-count'), '4');
  });

  it('treats percent, underscore and backslash literally', async () => {
    const percent = await list({ q: '0%' });
    const underscore = await list({ q: 'o_n' });
    const backslash = await list({ q: 'o\\v' });

    assert.deepEqual(percent.body, byName('100% asfalto_nuevo'));
    assert.deepEqual(underscore.body, byName('100% asfalto_nuevo'));
    assert.deepEqual(backslash.body, byName('Camino\\viejo'));
  });

  it('returns an empty page and a zero count when nothing matches', async () => {
    const { response, body } = await list({ q: 'autopista' });

    assert.deepEqual(body, []);
    assert.equal(response.headers.get('x-total-count'), '0');
    assert.equal(response.headers.get('link'), null);
  });

  for (const [what, q] of [
    ['48 ASCII letters', 'a'.repeat(48)],
    ['24 percent signs (counted twice)', '%'.repeat(24)],
    ['24 two-byte characters', 'ó'.repeat(24)],
  ]) {
    it(`accepts a q of ${what}, D1's 50-byte LIKE pattern exactly`, async () => {
      const { response, body } = await list({ q });

      assert.deepEqual(body, []);
      assert.equal(response.headers.get('x-total-count'), '0');
    });
  }

  it('runs against a D1 that really refuses LIKE patterns over 50 bytes', async () => {
    const like = (pattern) => api.db.prepare("SELECT 'x' LIKE ?1 ESCAPE '\\' AS hit").bind(pattern).first();

    assert.deepEqual(await like(`%${'a'.repeat(48)}%`), { hit: 0 });
    await assert.rejects(like(`%${'a'.repeat(49)}%`), /pattern too complex/);
  });
});

describe('filtering by ubicacion', () => {
  it('keeps only the exact place, not a longer or differently cased one', async () => {
    const { response, body } = await list({ ubicacion: 'Córdoba' });

    assert.deepEqual(
      ids(body),
      ids(newestFirst(seeded.filter((segment) => segment.ubicacion === 'Córdoba'))),
    );
    assert.ok(!ids(body).includes(byName('RUTA 9 norte')[0].id_segmento));
    assert.ok(!ids(body).includes(byName('av. colón')[0].id_segmento));
    assert.equal(response.headers.get('x-total-count'), String(body.length));
  });
});

describe('filtering by creation and update instants', () => {
  const CASES = [
    ['created_after', 'created_at', (value, bound) => value > bound],
    ['created_before', 'created_at', (value, bound) => value < bound],
    ['updated_after', 'updated_at', (value, bound) => value > bound],
    ['updated_before', 'updated_at', (value, bound) => value < bound],
  ];

  for (const [param, column, keeps] of CASES) {
    it(`${param} keeps the segments whose ${column} is strictly on its side`, async () => {
      const bound = day(5); // several segments have exactly this instant

      const { response, body } = await list({ [param]: bound, limit: 1000 });

      const expected = newestFirst(seeded.filter((segment) => keeps(segment[column], bound)));
      assert.deepEqual(ids(body), ids(expected));
      assert.ok(expected.length > 0 && expected.length < seeded.length);
      assert.ok(!body.some((segment) => segment[column] === bound), 'the bound itself is excluded');
      assert.equal(response.headers.get('x-total-count'), String(expected.length));
    });
  }

  it('combines an after and a before bound into an open range', async () => {
    const { body } = await list({ created_after: day(2), created_before: day(5) });

    assert.deepEqual(ids(body), ids(newestFirst(byName("Queen's Road", 'Calle Mayor'))));
  });

  it('reads an instant with an offset as the same moment in UTC', async () => {
    const utc = await list({ created_after: '2026-01-05T00:00:00Z' });
    const offset = await list({ created_after: '2026-01-05T02:00:00+02:00' });
    const westward = await list({ created_after: '2026-01-04T21:00:00-03:00' });

    assert.deepEqual(ids(offset.body), ids(utc.body));
    assert.deepEqual(ids(westward.body), ids(utc.body));
    assert.ok(utc.body.length > 0);
  });

  it('forgives an offset whose plus sign arrived unencoded, as a space', async () => {
    const encoded = await list({ created_after: '2026-01-05T02:00:00+02:00' });
    const unencoded = await getPage(api, `${SEGMENTOS}?created_after=2026-01-05T02:00:00+02:00`);

    assert.deepEqual(ids(unencoded.body), ids(encoded.body));
  });

  it('orders bounds whose UTC instant falls outside the years 0000-9999 in time', async () => {
    const late = '9999-12-31T23:59:59-01:00'; // year 10000 in UTC
    const early = '0000-01-01T00:30:00+01:00'; // year -1 in UTC
    const cases = [
      ['created_before', late, seeded.length],
      ['updated_before', '9999-12-31T23:59:59.9999Z', seeded.length], // rounds up into 10000
      ['updated_after', late, 0],
      ['created_after', early, seeded.length],
      ['updated_before', early, 0],
    ];
    for (const [param, bound, expected] of cases) {
      const { response } = await list({ [param]: bound, limit: 0 });

      assert.equal(response.headers.get('x-total-count'), String(expected), `${param}=${bound}`);
    }
  });

  it('tells apart instants one millisecond apart', async () => {
    const { body } = await list({ created_after: '2026-01-05T00:00:00.000Z', created_before: '2026-01-05T00:00:00.002Z' });

    assert.deepEqual(body, byName('Esquina Colón'));
  });
});

describe('sorting', () => {
  const FIELDS = ['id_segmento', 'nombre', 'created_at', 'updated_at'];

  for (const field of FIELDS) {
    for (const sort of [field, `-${field}`]) {
      it(`sort=${sort} orders every segment, ties broken by id in the same direction`, async () => {
        const { body } = await list({ sort, limit: 1000 });

        assert.deepEqual(ids(body), ids(sortedBy(seeded, sort)));
      });
    }
  }

  it('has ties to break in every field but the id', () => {
    for (const field of ['nombre', 'created_at', 'updated_at']) {
      const values = seeded.map((segment) => segment[field]);
      assert.ok(new Set(values).size < values.length, field);
    }
  });

  it('orders by several fields in the given priority', async () => {
    const { body } = await list({ sort: '-updated_at,nombre', limit: 1000 });

    assert.deepEqual(ids(body), ids(sortedBy(seeded, '-updated_at,nombre')));
  });

  it('orders text byte-wise, upper case before lower case', async () => {
    const { body } = await list({ sort: 'nombre', q: 'colón' });

    const [first, second] = seeded.filter((segment) => segment.nombre === 'Av. Colón');
    assert.deepEqual(ids(body), ids([first, second, ...byName('Esquina Colón', 'av. colón')]));
  });

  it('lists newest first by default', async () => {
    const { body } = await list({ limit: 1000 });

    assert.deepEqual(ids(body), ids(seeded).reverse());
  });
});

describe('filtering by bbox', () => {
  it('keeps the segments inside the box, edges included', async () => {
    const colon = seeded[0]; // Av. Colón in Córdoba
    const box = [-64.2, -31.43, colon.longitud, colon.latitud]; // Av. Colón on the NE corner

    const { response, body } = await list({ bbox: box.join(',') });

    const expected = newestFirst(seeded.filter((segment) => insideBox(segment, box)));
    assert.deepEqual(ids(body), ids(expected));
    assert.ok(ids(body).includes(colon.id_segmento));
    assert.ok(!ids(body).includes(byName('Ruta 20')[0].id_segmento));
    assert.equal(response.headers.get('x-total-count'), String(expected.length));
  });

  it('wraps around the antimeridian when west is east of east', async () => {
    const box = [178, -20, -179, -15];

    const { body } = await list({ bbox: box.join(',') });

    assert.deepEqual(ids(body), ids(newestFirst(byName("Queen's Road", 'Kings Road', 'Taveuni Road'))));
  });

  it('keeps nothing between the sides of a crossing box', async () => {
    const { body } = await list({ bbox: '179.95,-20,-179.99,-15' });

    assert.deepEqual(body, []);
  });

  it('keeps everything for the whole globe', async () => {
    const { response } = await list({ bbox: '-180,-90,180,90', limit: 0 });

    assert.equal(response.headers.get('x-total-count'), String(seeded.length));
  });

  it('accepts spaces around the numbers', async () => {
    const { body } = await list({ bbox: ' 178 , -20 , -179 , -15 ' });

    assert.equal(body.length, 3);
  });
});

describe('listing near a point', () => {
  it('keeps the segments within radius_m, nearest first, each with its haversine distance', async () => {
    const { response, body } = await list({ near: COLON.join(','), radius_m: 5000 });

    const expected = nearRows(seeded, COLON, 5000);
    assertDistances(body, expected);
    assert.deepEqual(
      body.map((row) => row.nombre),
      ['Av. Colón', 'Esquina Colón', 'av. colón', 'Bv. San Juan', 'Ruta 20'],
    );
    assert.equal(response.headers.get('x-total-count'), '5');
  });

  it('breaks a distance tie by id', async () => {
    const { body } = await list({ near: COLON.join(','), radius_m: 1 });

    assert.deepEqual(ids(body), ids([seeded[0], ...byName('Esquina Colón')]));
    assert.deepEqual(body.map((row) => row.distance_m), [0, 0]);
  });

  it('leaves out a segment just beyond the radius', async () => {
    const [sanJuan] = byName('Bv. San Juan');
    const distance = haversineM(COLON, position(sanJuan));

    const inside = await list({ near: COLON.join(','), radius_m: distance + 0.01 });
    const outside = await list({ near: COLON.join(','), radius_m: distance - 0.01 });

    assert.ok(ids(inside.body).includes(sanJuan.id_segmento));
    assert.ok(!ids(outside.body).includes(sanJuan.id_segmento));
  });

  it('finds segments on both sides of the antimeridian', async () => {
    const { body } = await list({ near: FIJI.join(','), radius_m: 100_000 });

    assertDistances(body, nearRows(seeded, FIJI, 100_000));
    assert.deepEqual(body.map((row) => row.nombre), ['Taveuni Road', 'Kings Road']);
  });

  it('measures distances to the millimetre over the largest radius', async () => {
    const center = [-60, -30];

    const { body } = await list({ near: center.join(','), radius_m: 1_000_000 });

    assertDistances(body, nearRows(seeded, center, 1_000_000));
    assert.ok(body.length >= 5);
  });

  it('orders farthest first with sort=-distance_m', async () => {
    const { body } = await list({ near: COLON.join(','), radius_m: 5000, sort: '-distance_m' });

    assertDistances(body, sortedBy(nearRows(seeded, COLON, 5000), '-distance_m'));
  });

  it('orders by another field on request, still with distances', async () => {
    const { body } = await list({ near: COLON.join(','), radius_m: 5000, sort: 'nombre' });

    assertDistances(body, sortedBy(nearRows(seeded, COLON, 5000), 'nombre'));
  });

  it('puts no distance_m on rows of a list without near', async () => {
    const { body } = await list({ limit: 1 });

    assert.equal('distance_m' in body[0], false);
  });
});

describe('paging with skip and limit', () => {
  it('still pages with skip and limit under a filter and a sort', async () => {
    const { response, body } = await list({ ubicacion: 'Córdoba', sort: 'nombre', skip: 1, limit: 2 });

    const expected = sortedBy(seeded.filter((s) => s.ubicacion === 'Córdoba'), 'nombre');
    assert.deepEqual(ids(body), ids(expected.slice(1, 3)));
    assert.equal(response.headers.get('x-total-count'), String(expected.length));
  });

  it('counts every match in X-Total-Count whatever the page', async () => {
    const cases = [
      [{ q: 'ruta' }, seeded.filter((s) => matchesQ(s, 'ruta'))],
      [{ ubicacion: 'Fiji' }, seeded.filter((s) => s.ubicacion === 'Fiji')],
      [{ created_before: day(5) }, seeded.filter((s) => s.created_at < day(5))],
      [{ bbox: '178,-20,-179,-15' }, seeded.filter((s) => insideBox(s, [178, -20, -179, -15]))],
      [{ near: COLON.join(','), radius_m: 5000 }, nearRows(seeded, COLON, 5000)],
      [{ q: 'colón', ubicacion: 'Córdoba', updated_before: day(31) }, byName('Esquina Colón')],
    ];
    for (const [params, expected] of cases) {
      const { response, body } = await list({ ...params, limit: 1, skip: 1 });

      assert.equal(response.headers.get('x-total-count'), String(expected.length), JSON.stringify(params));
      assert.equal(body.length, Math.min(1, expected.length - 1), JSON.stringify(params));
    }
  });
});

describe('paging with cursors on a stable data set', () => {
  it('links every page but the last to the next with rel="next"', async () => {
    const { pages, rows } = await walkPages(api, `${SEGMENTOS}?limit=4`);

    assert.deepEqual(pages.map((page) => page.length), [4, 4, 4, 3]);
    assert.deepEqual(ids(rows), ids(seeded).reverse());
  });

  it('keeps every parameter of the next link but skip and cursor, and appends a cursor', async () => {
    const params = { ubicacion: 'Córdoba', sort: 'nombre', limit: 2, skip: 1, utm_source: 'mail' };
    const { response, body } = await list(params);

    const next = new URL(nextLink(response));
    assert.equal(next.origin, new URL(api.url).origin);
    assert.equal(next.pathname, SEGMENTOS);
    assert.deepEqual(
      [...next.searchParams.keys()],
      ['ubicacion', 'sort', 'limit', 'utm_source', 'cursor'],
    );
    assert.equal(next.searchParams.get('ubicacion'), 'Córdoba');
    const { body: second } = await getPage(api, next.href);
    const expected = sortedBy(seeded.filter((s) => s.ubicacion === 'Córdoba'), 'nombre');
    assert.deepEqual(ids([...body, ...second]), ids(expected.slice(1, 5)));
  });

  it('walks a filtered, sorted search inside a box page by page (q + bbox + sort + cursor)', async () => {
    const box = [-65, -32, -64, -31];
    const params = { q: 'N', bbox: box.join(','), sort: '-nombre', limit: 2 };

    const { rows, pages, urls } = await walkPages(api, `${SEGMENTOS}${queryString(params)}`);

    const expected = sortedBy(seeded.filter((s) => matchesQ(s, 'N') && insideBox(s, box)), '-nombre');
    assert.deepEqual(ids(rows), ids(expected));
    assert.equal(expected.length, 5); // the box holds 6, q leaves out Ruta 20
    assert.deepEqual(pages.map((page) => page.length), [2, 2, 1]);
    for (const url of urls.slice(1)) {
      const kept = new URL(url).searchParams;
      assert.deepEqual([kept.get('q'), kept.get('bbox'), kept.get('sort')], ['N', box.join(','), '-nombre']);
    }
  });

  for (const sort of ['distance_m', '-distance_m']) {
    it(`walks a near list by ${sort} one row a page, through a distance tie, with exact distances`, async () => {
      const params = { near: COLON.join(','), radius_m: 1_000_000, sort, limit: 1 };

      const { rows, pages } = await walkPages(api, `${SEGMENTOS}${queryString(params)}`);

      const expected = sortedBy(nearRows(seeded, COLON, 1_000_000), sort);
      assertDistances(rows, expected);
      assert.equal(rows.filter((row) => row.distance_m === 0).length, 2);
      assert.equal(pages.length, rows.length);
    });
  }

  it('composes near with created_after', async () => {
    const { response, body } = await list({ near: COLON.join(','), radius_m: 5000, created_after: day(2) });

    const expected = nearRows(seeded, COLON, 5000).filter((s) => s.created_at > day(2));
    assertDistances(body, expected);
    assert.ok(!body.some((row) => row.nombre === 'Bv. San Juan'), 'created exactly on the bound');
    assert.equal(response.headers.get('x-total-count'), String(expected.length));
  });

  it('composes near with bbox, q and a sort across cursor pages', async () => {
    const box = [-64.2, -31.43, -64.18, -31.4];
    const params = { near: COLON.join(','), radius_m: 5000, bbox: box.join(','), q: 'colón', sort: 'nombre', limit: 1 };

    const { rows, pages } = await walkPages(api, `${SEGMENTOS}${queryString(params)}`);

    const expected = sortedBy(
      nearRows(seeded, COLON, 5000).filter((s) => insideBox(s, box) && matchesQ(s, 'colón')),
      'nombre',
    );
    assertDistances(rows, expected);
    assert.deepEqual(rows.map((row) => row.nombre), ['Av. Colón', 'Esquina Colón', 'av. colón']);
    assert.equal(pages.length, 3);
  });

  it('composes ubicacion, an update range and a sort', async () => {
    const params = { ubicacion: 'Córdoba', updated_after: day(2), updated_before: day(31), sort: '-updated_at' };

    const { body } = await list(params);

    assert.deepEqual(ids(body), ids(byName('Ruta 20', 'Esquina Colón', 'Bv. San Juan')));
  });

  it('gives no next link for limit=0, only the count', async () => {
    const { response, body } = await list({ limit: 0 });

    assert.deepEqual(body, []);
    assert.equal(response.headers.get('x-total-count'), String(seeded.length));
    assert.equal(response.headers.get('link'), null);
  });
});

describe('paging with cursors while segments are added and removed', () => {
  let mutable;
  before(async () => {
    mutable = await startWorker();
  });
  after(() => mutable.close());

  const NAMES = ['Ruta b', 'Ruta a', 'Ruta c', 'Ruta a', 'Ruta b'];

  /** Creates segments through the API under their own `ubicacion`, `count` of them. */
  async function seed(tag, count, place) {
    const created = [];
    for (let i = 0; i < count; i += 1) {
      created.push(await createSegment(mutable, { nombre: NAMES[i % NAMES.length], ubicacion: tag, ...place(i) }));
    }
    return created;
  }

  async function remove(segment) {
    const response = await mutable.fetch(`${SEGMENTOS}/${segment.id_segmento}`, { method: 'DELETE' });
    assert.equal(response.status, 204);
  }

  /**
   * Walks `params` 3 rows at a time; after each of the first pages it adds two segments
   * and removes one already seen and one not yet seen. Asserts what keyset paging
   * promises: no duplicates, every segment that existed throughout is seen once, the
   * removed-before-reached never are, and the walk is in order.
   */
  async function assertStableWalk(tag, params, order, place) {
    const initial = await seed(tag, 14, place);
    const expectedFirst = sortedBy(initial, order);
    const removed = [];
    const added = [];
    const unseenRemoved = [];

    const { rows, pages } = await walkPages(mutable, `${SEGMENTOS}${queryString({ ...params, ubicacion: tag, limit: 3 })}`, {
      between: async (pageNumber, soFar) => {
        if (pageNumber > 2) return;
        const seenIds = new Set(ids(soFar));
        const seen = soFar.find((row) => !removed.some((r) => r.id_segmento === row.id_segmento));
        const unseen = expectedFirst.findLast(
          (s) => !seenIds.has(s.id_segmento) && !removed.some((r) => r.id_segmento === s.id_segmento),
        );
        await remove(seen);
        await remove(unseen);
        removed.push(seen, unseen);
        unseenRemoved.push(unseen);
        added.push(...(await seed(tag, 2, (i) => place(i + pageNumber * 7))));
      },
    });

    const walked = ids(rows);
    assert.equal(new Set(walked).size, walked.length, `duplicates in ${walked}`);
    const throughout = initial.filter((s) => !removed.some((r) => r.id_segmento === s.id_segmento));
    for (const segment of throughout) {
      assert.ok(walked.includes(segment.id_segmento), `segment ${segment.id_segmento} was skipped`);
    }
    for (const segment of unseenRemoved) {
      assert.ok(!walked.includes(segment.id_segmento), `removed segment ${segment.id_segmento} was listed`);
    }
    const known = new Set(ids([...initial, ...added]));
    assert.ok(walked.every((id) => known.has(id)));
    assert.deepEqual(walked, ids(sortedBy(rows, order)), 'the walk is in order');
    assert.ok(pages.length >= 4, `${pages.length} pages`);
    assert.equal(added.length, 4);
  }

  const inARow = (i) => ({ longitud: -64 + i * 0.01, latitud: -31 });

  for (const sort of [undefined, 'nombre', '-nombre', 'created_at', '-updated_at']) {
    it(`walks sort=${sort ?? '(default)'} without duplicates or gaps`, async () => {
      await assertStableWalk(`walk ${sort ?? 'default'}`, { sort }, sort ?? '-id_segmento', inARow);
    });
  }

  it('walks a near list by distance without duplicates or gaps', async () => {
    // Two segments at each place: equal distances, so the id tie-break matters.
    const inPairs = (i) => inARow(Math.floor(i / 2));

    await assertStableWalk('walk near', { near: '-64,-31', radius_m: 100_000 }, 'distance_m', inPairs);
  });
});

describe('paging with cursors refuses cursors it did not make for this order', () => {
  it('is a 422 on cursor for a cursor of another sort', async () => {
    const { response } = await list({ sort: 'nombre', limit: 1 });
    const cursor = new URL(nextLink(response)).searchParams.get('cursor');

    for (const sort of ['-nombre', 'created_at', undefined]) {
      const refused = await api.fetch(`${SEGMENTOS}${queryString({ sort, cursor })}`);

      assert.deepEqual(await problems(refused), [['query.cursor', 'value_error']], String(sort));
    }
  });

  it('is a 422 on cursor for a near cursor without near', async () => {
    const { response } = await list({ near: COLON.join(','), radius_m: 5000, limit: 1 });
    const cursor = new URL(nextLink(response)).searchParams.get('cursor');

    const refused = await api.fetch(`${SEGMENTOS}${queryString({ cursor })}`);

    assert.deepEqual(await problems(refused), [['query.cursor', 'value_error']]);
  });

  for (const [what, cursor] of [
    ['garbage', 'not a cursor!'],
    ['base64 of no JSON', 'bm9wZQ'],
    ['base64 of JSON of the wrong shape', Buffer.from('{"s":"-id_segmento","k":["7"]}').toString('base64url')],
    ['empty', ''],
  ]) {
    it(`is a 422 on cursor for a cursor that is ${what}`, async () => {
      const response = await api.fetch(`${SEGMENTOS}${queryString({ cursor })}`);

      assert.deepEqual(await problems(response), [['query.cursor', 'value_error']]);
    });
  }
});

describe('refusing invalid parameters', () => {
  const NEAR = '-64.18,-31.41';
  const INVALID = [
    ['a bbox of three numbers', { bbox: '1,2,3' }, 'bbox', 'value_error'],
    ['a bbox of five numbers', { bbox: '1,2,3,4,5' }, 'bbox', 'value_error'],
    ['an empty bbox', { bbox: '' }, 'bbox', 'value_error'],
    ['a bbox with a word', { bbox: 'west,-32,-64,-31' }, 'bbox', 'value_error'],
    ['a bbox with an empty number', { bbox: '-65,,-64,-31' }, 'bbox', 'value_error'],
    ['a bbox with an infinity', { bbox: '-65,-32,Infinity,-31' }, 'bbox', 'value_error'],
    ['a bbox with NaN', { bbox: 'NaN,-32,-64,-31' }, 'bbox', 'value_error'],
    ['a bbox split by semicolons', { bbox: '-65;-32;-64;-31' }, 'bbox', 'value_error'],
    ['a bbox longitude beyond 180', { bbox: '-181,-32,-64,-31' }, 'bbox', 'value_error'],
    ['a bbox latitude beyond 90', { bbox: '-65,-91,-64,-31' }, 'bbox', 'value_error'],
    ['a q of 201 characters', { q: 'ó'.repeat(201) }, 'q', 'string_too_long'],
    ['a q with a NUL character', { q: 'Ruta\u00009' }, 'q', 'value_error'],
    ...['created_after', 'created_before', 'updated_after', 'updated_before'].flatMap((param) => [
      [`${param} without a time`, { [param]: '2026-01-05' }, param, 'datetime_parsing'],
      [`${param} without an offset`, { [param]: '2026-01-05T00:00:00' }, param, 'datetime_parsing'],
      [`${param} that is a word`, { [param]: 'yesterday' }, param, 'datetime_parsing'],
      [`${param} on a day that does not exist`, { [param]: '2026-02-30T00:00:00Z' }, param, 'datetime_parsing'],
    ]),
    ['an unknown sort field', { sort: 'longitud' }, 'sort', 'value_error'],
    ['an empty sort', { sort: '' }, 'sort', 'value_error'],
    ['a radius of 0 without near', { radius_m: '0' }, 'radius_m', 'greater_than'],
    ['a radius of 0', { near: NEAR, radius_m: '0' }, 'radius_m', 'greater_than'],
    ['a negative radius', { near: NEAR, radius_m: '-5' }, 'radius_m', 'greater_than'],
    ['a radius of 1000001', { near: NEAR, radius_m: '1000001' }, 'radius_m', 'less_than_equal'],
    ['a radius that is a word', { near: NEAR, radius_m: 'far' }, 'radius_m', 'float_parsing'],
    ['a near of one number', { near: '-64.18', radius_m: '1000' }, 'near', 'value_error'],
    ['a near latitude beyond 90', { near: '-64.18,91', radius_m: '1000' }, 'near', 'value_error'],
    ['a near longitude beyond 180', { near: '181,-31.41', radius_m: '1000' }, 'near', 'value_error'],
    ['format=xml', { format: 'xml' }, 'format', 'literal_error'],
  ];

  for (const [what, params, param, type] of INVALID) {
    it(`is a 422 naming ${param} for ${what}`, async () => {
      const response = await api.fetch(`${SEGMENTOS}${queryString(params)}`);

      const [error, ...others] = await validationErrors(response);
      assert.deepEqual(others, [], JSON.stringify(others));
      assert.deepEqual(error.loc, ['query', param]);
      assert.equal(error.type, type);
      assert.ok(error.msg.length > 0);
    });
  }

  it('accepts the largest radius, 1000000', async () => {
    await list({ near: NEAR, radius_m: '1000000', limit: 0 });
  });

  it('reports every bad parameter of one request together', async () => {
    const response = await api.fetch(
      `${SEGMENTOS}${queryString({ q: 'a'.repeat(201), created_after: 'x', sort: 'longitud', bbox: '1,2,3', near: '1', radius_m: '0', format: 'xml', limit: '5000' })}`,
    );

    const found = (await problems(response)).map(([loc]) => loc).sort();
    assert.deepEqual(found, ['query.bbox', 'query.created_after', 'query.format', 'query.limit', 'query.near', 'query.q', 'query.radius_m', 'query.sort']);
  });
});

// OpenAPI cannot say "both or neither", so every combination of valid parameters has a
// meaning (and Schemathesis checks that every request the document allows is served).
describe('combinations that have a meaning instead of an error', () => {
  it('near alone searches the largest radius, 1000 km', async () => {
    const alone = await (await api.fetch(`${SEGMENTOS}${queryString({ near: '-64.18,-31.41', limit: 1000 })}`)).json();
    const widest = await (await api.fetch(`${SEGMENTOS}${queryString({ near: '-64.18,-31.41', radius_m: '1000000', limit: 1000 })}`)).json();

    assert.ok(alone.length > 0);
    assert.deepEqual(alone, widest);
  });

  it('radius_m without near is ignored', async () => {
    const ignored = await api.fetch(`${SEGMENTOS}${queryString({ radius_m: '10', limit: 0 })}`);
    const all = await api.fetch(`${SEGMENTOS}${queryString({ limit: 0 })}`);

    assert.equal(ignored.status, 200);
    assert.equal(ignored.headers.get('x-total-count'), all.headers.get('x-total-count'));
  });

  it('a sort field listed again, and distance_m without near, are ignored', async () => {
    const repeated = await (await api.fetch(`${SEGMENTOS}${queryString({ sort: 'nombre,-nombre,distance_m', limit: 1000 })}`)).json();
    const once = await (await api.fetch(`${SEGMENTOS}${queryString({ sort: 'nombre', limit: 1000 })}`)).json();

    assert.deepEqual(repeated, once);
  });

  it('a bbox whose south is north of its north holds nothing', async () => {
    const { response, body } = await list({ bbox: '-180,10,180,-10' });

    assert.deepEqual(body, []);
    assert.equal(response.headers.get('x-total-count'), '0');
  });

  it('q matches % and _ literally, with no length limit but 200 characters', async () => {
    const response = await api.fetch(`${SEGMENTOS}${queryString({ q: '%'.repeat(200) })}`);

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), []);
  });
});
