// POST /api/v1/segmentos: the happy path and every way a create can be refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { json, problems, RFC3339_UTC, SEGMENTOS, validSegment } from './support/api.mjs';
import { clearedValues } from './support/fields.mjs';

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

async function segmentCount() {
  const { total } = await api.db.prepare('SELECT COUNT(*) AS total FROM segmentos').first();
  return total;
}

/** Asserts that a refused request wrote nothing. */
async function assertNothingWritten(request) {
  const before = await segmentCount();
  const response = await request();
  assert.equal(await segmentCount(), before);
  return response;
}

describe('creating a segment', () => {
  it('returns 201 with the stored segment and its Location', async () => {
    const response = await api.fetch(
      SEGMENTOS,
      json('POST', validSegment({ descripcion: 'Baches', ubicacion: 'Córdoba' })),
    );

    assert.equal(response.status, 201);
    const segment = await response.json();
    assert.equal(response.headers.get('location'), `${SEGMENTOS}/${segment.id_segmento}`);
    assert.ok(Number.isInteger(segment.id_segmento));
    assert.deepEqual(
      { ...segment, id_segmento: 0, created_at: '', updated_at: '' },
      {
        // Every optional field not sent, as `null`.
        ...clearedValues(),
        id_segmento: 0,
        nombre: 'Av. Colón',
        descripcion: 'Baches',
        longitud: -64.1811,
        latitud: -31.4135,
        ubicacion: 'Córdoba',
        created_at: '',
        updated_at: '',
        version: 1,
      },
    );
    assert.match(segment.created_at, RFC3339_UTC);
    assert.equal(segment.updated_at, segment.created_at);
  });

  it('stores optional fields left out as null', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment()));

    const segment = await response.json();
    assert.equal(segment.descripcion, null);
    assert.equal(segment.ubicacion, null);
  });

  it('accepts the trailing-slash collection path without a redirect', async () => {
    const response = await api.fetch(`${SEGMENTOS}/`, json('POST', validSegment()));

    assert.equal(response.status, 201);
  });

  it('is readable back exactly as it was returned', async () => {
    const created = await (await api.fetch(SEGMENTOS, json('POST', validSegment()))).json();

    const read = await (await api.fetch(`${SEGMENTOS}/${created.id_segmento}`)).json();

    assert.deepEqual(read, created);
  });

  it('ignores id_segmento, created_at and updated_at sent by the client', async () => {
    const body = validSegment({
      id_segmento: 424242,
      created_at: '1999-01-01T00:00:00Z',
      updated_at: '1999-01-01T00:00:00Z',
    });

    const segment = await (await api.fetch(SEGMENTOS, json('POST', body))).json();

    assert.notEqual(segment.id_segmento, 424242);
    assert.notEqual(segment.created_at, '1999-01-01T00:00:00Z');
    assert.equal((await api.fetch(`${SEGMENTOS}/424242`)).status, 404);
  });

  it('stores SQL metacharacters and unicode verbatim', async () => {
    const nombre = `Robert'); DROP TABLE segmentos;-- "ñandú" 🚧 %_\\`;

    const segment = await (await api.fetch(SEGMENTOS, json('POST', validSegment({ nombre })))).json();

    assert.equal(segment.nombre, nombre);
    assert.ok((await segmentCount()) > 0);
  });

  it('stores NUL characters verbatim and counts them as characters', async () => {
    const body = validSegment({ nombre: '\u0000abc', descripcion: 'ab\u0000c', ubicacion: '\u0000'.repeat(200) });

    const response = await api.fetch(SEGMENTOS, json('POST', body));

    assert.equal(response.status, 201);
    const segment = await response.json();
    assert.deepEqual(
      [segment.nombre, segment.descripcion, segment.ubicacion],
      [body.nombre, body.descripcion, body.ubicacion],
    );
    const tooLong = await api.fetch(SEGMENTOS, json('POST', validSegment({ ubicacion: '\u0000'.repeat(201) })));
    assert.deepEqual(await problems(tooLong), [['body.ubicacion', 'string_too_long']]);
  });

  it('accepts the exact coordinate bounds and integer coordinates', async () => {
    for (const [longitud, latitud] of [[180, 90], [-180, -90], [0, 0]]) {
      const response = await api.fetch(SEGMENTOS, json('POST', validSegment({ longitud, latitud })));

      assert.equal(response.status, 201);
      const segment = await response.json();
      assert.deepEqual([segment.longitud, segment.latitud], [longitud, latitud]);
    }
  });

  it('accepts the longest allowed strings, counted in characters', async () => {
    const body = validSegment({
      nombre: 'ñ'.repeat(200),
      descripcion: 'é'.repeat(2000),
      ubicacion: 'ü'.repeat(200),
    });

    const response = await api.fetch(SEGMENTOS, json('POST', body));

    assert.equal(response.status, 201);
    assert.equal((await response.json()).descripcion.length, 2000);
  });

  it('reads a body without a Content-Type as JSON, as the old server did', async () => {
    const response = await api.fetch(SEGMENTOS, {
      method: 'POST',
      body: new Blob([JSON.stringify(validSegment())]),
    });

    assert.equal(response.status, 201);
  });
});

describe('a create with one invalid field', () => {
  const cases = [
    ['a missing nombre', { nombre: undefined }, 'body.nombre', 'missing'],
    ['a blank nombre', { nombre: '   ' }, 'body.nombre', 'string_blank'],
    ['an empty nombre', { nombre: '' }, 'body.nombre', 'string_blank'],
    ['a nombre of 201 characters', { nombre: 'a'.repeat(201) }, 'body.nombre', 'string_too_long'],
    ['a numeric nombre', { nombre: 12 }, 'body.nombre', 'string_type'],
    ['a null nombre', { nombre: null }, 'body.nombre', 'string_type'],
    ['a missing longitud', { longitud: undefined }, 'body.longitud', 'missing'],
    ['a longitud above 180', { longitud: 180.5 }, 'body.longitud', 'less_than_equal'],
    ['a longitud below -180', { longitud: -181 }, 'body.longitud', 'greater_than_equal'],
    ['a string longitud', { longitud: '12.5' }, 'body.longitud', 'float_type'],
    ['a missing latitud', { latitud: undefined }, 'body.latitud', 'missing'],
    ['a latitud above 90', { latitud: 91 }, 'body.latitud', 'less_than_equal'],
    ['a latitud below -90', { latitud: -90.0001 }, 'body.latitud', 'greater_than_equal'],
    ['a boolean latitud', { latitud: true }, 'body.latitud', 'float_type'],
    ['a descripcion of 2001 characters', { descripcion: 'a'.repeat(2001) }, 'body.descripcion', 'string_too_long'],
    ['an object descripcion', { descripcion: { a: 1 } }, 'body.descripcion', 'string_type'],
    ['a ubicacion of 201 characters', { ubicacion: 'a'.repeat(201) }, 'body.ubicacion', 'string_too_long'],
    ['an array ubicacion', { ubicacion: ['x'] }, 'body.ubicacion', 'string_type'],
    ['an unknown field (a typo)', { nombe: 'x' }, 'body.nombe', 'extra_forbidden'],
  ];

  for (const [name, change, loc, type] of cases) {
    it(`is a 422 for ${name}, and writes nothing`, async () => {
      const response = await assertNothingWritten(() =>
        api.fetch(SEGMENTOS, json('POST', validSegment(change))),
      );

      assert.deepEqual(await problems(response), [[loc, type]]);
    });
  }

  it('says what the limit is', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment({ latitud: 95 })));

    const [error] = (await response.json()).detail;
    assert.equal(error.msg, 'Input should be less than or equal to 90');
    assert.deepEqual(error.ctx, { le: 90 });
  });
});

describe('a create with several problems', () => {
  it('lists every invalid field at once', async () => {
    const body = { nombre: '', descripcion: 5, longitud: 'x', latitud: 100, ubicacion: false, nombe: 1 };

    const response = await assertNothingWritten(() => api.fetch(SEGMENTOS, json('POST', body)));

    assert.deepEqual(await problems(response), [
      ['body.nombre', 'string_blank'],
      ['body.descripcion', 'string_type'],
      ['body.longitud', 'float_type'],
      ['body.latitud', 'less_than_equal'],
      ['body.ubicacion', 'string_type'],
      ['body.nombe', 'extra_forbidden'],
    ]);
  });

  it('lists every required field of an empty object', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', {}));

    assert.deepEqual(await problems(response), [
      ['body.nombre', 'missing'],
      ['body.longitud', 'missing'],
      ['body.latitud', 'missing'],
    ]);
  });
});

describe('a create whose body cannot be read', () => {
  it('is a 422 json_invalid, located, for malformed JSON', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', '{"nombre": "x",'));

    const [error] = (await response.clone().json()).detail;
    assert.deepEqual(await problems(response), [['body.14', 'json_invalid']]);
    assert.equal(error.msg, 'JSON decode error');
    assert.equal(typeof error.ctx.error, 'string');
  });

  for (const [name, body] of [['an array', '[1, 2, 3]'], ['a string', '"segmento"'], ['a number', '42'], ['null', 'null']]) {
    it(`is a 422 for ${name} instead of an object`, async () => {
      const response = await api.fetch(SEGMENTOS, json('POST', body));

      assert.deepEqual(await problems(response), [['body', 'model_attributes_type']]);
    });
  }

  it('is a 422 for a number too large to be finite', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', '{"nombre": "x", "longitud": 1e400, "latitud": 0}'));

    const [[loc, type]] = await problems(response);
    assert.equal(type, 'json_invalid');
    assert.match(loc, /^body\.\d+$/);
  });

  it('is a 422 missing body for an empty body', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', ''));

    assert.deepEqual(await problems(response), [['body', 'missing']]);
  });

  it('is a 422 for deeply nested JSON, not a crash', async () => {
    const deep = `{"descripcion": ${'['.repeat(5000)}${']'.repeat(5000)}}`;

    const response = await api.fetch(SEGMENTOS, json('POST', deep));

    const [[loc, type]] = await problems(response);
    assert.equal(type, 'json_invalid');
    assert.match(loc, /^body\.\d+$/);
  });

  it('is a 415 for a form-encoded body', async () => {
    const response = await assertNothingWritten(() =>
      api.fetch(SEGMENTOS, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'nombre=x&longitud=1&latitud=1',
      }),
    );

    assert.equal(response.status, 415);
    assert.equal(typeof (await response.json()).detail, 'string');
  });

  it('is a 413 for a body over 64 KiB', async () => {
    const body = JSON.stringify(validSegment({ descripcion: 'a'.repeat(64 * 1024) }));

    const response = await assertNothingWritten(() => api.fetch(SEGMENTOS, json('POST', body)));

    assert.equal(response.status, 413);
    assert.equal(typeof (await response.json()).detail, 'string');
  });

  it('is a 413 for a chunked body over 64 KiB that declares no length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i += 1) controller.enqueue(chunk);
        controller.close();
      },
    });

    const response = await api.fetch(SEGMENTOS, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });

    assert.equal(response.status, 413);
  });
});
