// POST /api/v1/segmentos/bulk: up to 1000 segments as a JSON array or a GeoJSON
// FeatureCollection, validated item by item, written all or nothing in one D1 batch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import {
  createSegment,
  declaredLengthRequest,
  json,
  problems,
  SEGMENTOS,
  validSegment,
} from './support/api.mjs';

const BULK = `${SEGMENTOS}/bulk`;
const GEOJSON = 'application/geo+json';
const MIB = 1024 * 1024;

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

async function rowCount() {
  const { n } = await api.db.prepare('SELECT COUNT(*) AS n FROM segmentos').first();
  return n;
}

/** `count` valid segments, named `prefix-0`, `prefix-1`, ... */
function segments(count, prefix = 'tramo') {
  return Array.from({ length: count }, (_, i) =>
    validSegment({ nombre: `${prefix}-${i}`, longitud: -64 + i / 1000, latitud: -31 - i / 1000 }),
  );
}

function geoRequest(body) {
  return {
    method: 'POST',
    headers: { 'content-type': GEOJSON },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

function point(coordinates, properties) {
  return { type: 'Feature', geometry: { type: 'Point', coordinates }, properties };
}

/** Runs `act` and asserts that the segment table holds as many rows afterwards. */
async function assertNothingWritten(act) {
  const before = await rowCount();
  const result = await act();
  assert.equal(await rowCount(), before, 'rows were written');
  return result;
}

describe('a bulk import of valid segments', () => {
  it('creates them all and returns them in input order', async () => {
    const input = segments(3, 'orden');

    const response = await api.fetch(BULK, json('POST', input));

    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), null);
    const created = await response.json();
    assert.deepEqual(
      created.map(({ nombre, longitud, latitud, version }) => ({ nombre, longitud, latitud, version })),
      input.map(({ nombre, longitud, latitud }) => ({ nombre, longitud, latitud, version: 1 })),
    );
    const ids = created.map((segment) => segment.id_segmento);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    for (const segment of created) {
      assert.deepEqual(await (await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`)).json(), segment);
    }
  });

  it('takes 1000 segments at once, with a trailing slash too', async () => {
    const before = await rowCount();

    const response = await api.fetch(`${BULK}/`, json('POST', segments(1000, 'mil')));

    assert.equal(response.status, 201);
    const created = await response.json();
    assert.equal(created.length, 1000);
    assert.equal(created[999].nombre, 'mil-999');
    assert.equal(await rowCount(), before + 1000);
  });

  it('keeps every field, null included, like a single create', async () => {
    const item = validSegment({ descripcion: null, ubicacion: 'Córdoba', id_segmento: 7, version: 9 });

    const [created] = await (await api.fetch(BULK, json('POST', [item]))).json();

    assert.equal(created.descripcion, null);
    assert.equal(created.ubicacion, 'Córdoba');
    assert.notEqual(created.id_segmento, 7);
    assert.equal(created.version, 1);
  });
});

describe('an invalid bulk import', () => {
  it('lists every problem of every item by index and writes nothing', async () => {
    const input = [
      { longitud: 1, latitud: 2 },
      validSegment(),
      validSegment(),
      { nombre: 'x', longitud: 200, latitud: 95, nombe: 'typo' },
    ];

    const response = await assertNothingWritten(() => api.fetch(BULK, json('POST', input)));

    assert.deepEqual(await problems(response), [
      ['body.0.nombre', 'missing'],
      ['body.3.longitud', 'less_than_equal'],
      ['body.3.latitud', 'less_than_equal'],
      ['body.3.nombe', 'extra_forbidden'],
    ]);
  });

  it('writes nothing when only the last of 1000 items is invalid', async () => {
    const input = segments(1000, 'casi');
    input[999] = validSegment({ latitud: 91 });

    const response = await assertNothingWritten(() => api.fetch(BULK, json('POST', input)));

    assert.deepEqual(await problems(response), [['body.999.latitud', 'less_than_equal']]);
  });

  it('locates an item that is not an object', async () => {
    const response = await api.fetch(BULK, json('POST', [validSegment(), 'texto', null]));

    assert.deepEqual(await problems(response), [
      ['body.1', 'model_attributes_type'],
      ['body.2', 'model_attributes_type'],
    ]);
  });

  it('is a 422 for a body that is not an array', async () => {
    for (const body of [validSegment(), 'texto', 12]) {
      const response = await api.fetch(BULK, json('POST', JSON.stringify(body)));

      assert.deepEqual(await problems(response), [['body', 'list_type']], JSON.stringify(body));
    }
  });

  it('is a 422 for an empty array and for 1001 items', async () => {
    const empty = await api.fetch(BULK, json('POST', []));
    const tooMany = await assertNothingWritten(() => api.fetch(BULK, json('POST', segments(1001))));

    assert.deepEqual(await problems(empty), [['body', 'too_short']]);
    const [entry] = (await tooMany.json()).detail;
    assert.deepEqual([entry.loc, entry.type, entry.ctx.max_length], [['body'], 'too_long', 1000]);
  });

  it('is a 422 located by byte offset for malformed JSON', async () => {
    const response = await api.fetch(BULK, json('POST', '[{"nombre": }]'));

    assert.deepEqual(await problems(response), [['body.12', 'json_invalid']]);
  });

  it('is a 413 when the declared length is over 10 MiB, before any byte of it is read', async () => {
    const response = await declaredLengthRequest(api.url, 'POST', BULK, 10 * MIB + 1);

    assert.equal(response.status, 413);
    assert.match((await response.json()).detail, /10485760 bytes/);
  });

  it('is a 413 for a chunked body over 10 MiB that declares no length', async () => {
    // Exactly one byte over: the worker has read all of it when it refuses, so the answer
    // is not lost to a connection reset while the client is still sending.
    const pieces = [...Array(10).fill(' '.repeat(MIB)), ' '].map((text) => new TextEncoder().encode(text));
    const stream = new ReadableStream({
      pull(controller) {
        const piece = pieces.shift();
        if (piece) controller.enqueue(piece);
        else controller.close();
      },
    });

    const response = await assertNothingWritten(() =>
      api.fetch(BULK, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      }),
    );

    assert.equal(response.status, 413);
  });

  it('accepts just under 10 MiB (the limit is the bulk one, not the 64 KiB of a single create)', async () => {
    const long = 'ñ'.repeat(2000);
    const input = Array.from({ length: 500 }, (_, i) => validSegment({ nombre: `grande-${i}`, descripcion: long }));
    const body = JSON.stringify(input);
    assert.ok(body.length > 64 * 1024 && Buffer.byteLength(body) < 10 * MIB);

    const response = await api.fetch(BULK, json('POST', body));

    assert.equal(response.status, 201);
  });

  it('is a 415 for a body that is not JSON', async () => {
    const response = await api.fetch(BULK, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'nombre,longitud,latitud',
    });

    assert.equal(response.status, 415);
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const response = await api.fetch(BULK);

    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });
});

describe('a GeoJSON bulk import', () => {
  it('creates a segment per Point feature, ignoring altitude and foreign members', async () => {
    const collection = {
      type: 'FeatureCollection',
      name: 'relevamiento',
      features: [
        point([-64.18, -31.41, 430.5], { nombre: 'Av. Colón', ubicacion: 'Córdoba', 'marker-color': '#f00' }),
        { ...point([-64.2, -31.42], { nombre: 'Ruta 20', descripcion: 'Bache' }), id: 'x1', bbox: [0, 0, 0, 0] },
      ],
    };

    const response = await api.fetch(BULK, geoRequest(collection));

    assert.equal(response.status, 201);
    const created = await response.json();
    assert.deepEqual(
      created.map(({ nombre, descripcion, ubicacion, longitud, latitud }) => [
        nombre,
        descripcion,
        ubicacion,
        longitud,
        latitud,
      ]),
      [
        ['Av. Colón', null, 'Córdoba', -64.18, -31.41],
        ['Ruta 20', 'Bache', null, -64.2, -31.42],
      ],
    );
  });

  it('round-trips what the API exports as GeoJSON', async () => {
    const originals = [
      await createSegment(api, { nombre: 'Exportado 1', descripcion: 'd', ubicacion: 'Rosario' }),
      await createSegment(api, { nombre: 'Exportado 2', longitud: 179.5, latitud: -89.9 }),
    ];
    const exported = await (
      await api.fetch(`${SEGMENTOS}?q=Exportado&sort=id_segmento&format=geojson`)
    ).text();

    const response = await api.fetch(BULK, geoRequest(exported));

    assert.equal(response.status, 201);
    const copies = await response.json();
    const fields = ({ nombre, descripcion, ubicacion, longitud, latitud }) => ({
      nombre,
      descripcion,
      ubicacion,
      longitud,
      latitud,
    });
    assert.deepEqual(copies.map(fields), originals.map(fields));
    assert.ok(copies.every((copy, i) => copy.id_segmento > originals[i].id_segmento));
  });

  it('locates each problem at the member that holds it and writes nothing', async () => {
    const collection = {
      type: 'FeatureCollection',
      features: [
        point([1, 2], { nombre: 'bien' }),
        point([1, 2], { descripcion: 'sin nombre' }),
        point([1, 95], { nombre: 'norte de más' }),
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[1, 2], [3, 4]] }, properties: { nombre: 'l' } },
        point([1], { nombre: 'corto' }),
      ],
    };

    const response = await assertNothingWritten(() => api.fetch(BULK, geoRequest(collection)));

    assert.deepEqual(await problems(response), [
      ['body.features.1.properties.nombre', 'missing'],
      ['body.features.2.geometry.coordinates.1', 'less_than_equal'],
      ['body.features.3.geometry.type', 'literal_error'],
      ['body.features.4.geometry.coordinates', 'too_short'],
    ]);
  });

  it('is a 422 for a document that is not a FeatureCollection with a features array', async () => {
    const wrongType = await api.fetch(BULK, geoRequest({ type: 'Feature', features: {} }));
    const noFeatures = await api.fetch(BULK, geoRequest({ type: 'FeatureCollection' }));
    const array = await api.fetch(BULK, geoRequest([]));

    assert.deepEqual(await problems(wrongType), [
      ['body.type', 'literal_error'],
      ['body.features', 'list_type'],
    ]);
    assert.deepEqual(await problems(noFeatures), [['body.features', 'missing']]);
    assert.deepEqual(await problems(array), [['body', 'model_attributes_type']]);
  });
});
