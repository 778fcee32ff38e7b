// PUT and PATCH /api/v1/segmentos/{id}: partial updates, validated like creates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { createSegment, json, problems, RFC3339_UTC, SEGMENTOS } from './support/api.mjs';
import { clearedValues, optionalValues } from './support/fields.mjs';

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

const item = (segment) => `${SEGMENTOS}/${segment.id_segmento}`;
const full = optionalValues();

async function stored(segment) {
  return (await api.fetch(item(segment))).json();
}

for (const method of ['PUT', 'PATCH']) {
  describe(`${method} of a segment`, () => {
    it('changes only the fields sent and returns the updated segment', async () => {
      const original = await createSegment(api, full);

      const response = await api.fetch(item(original), json(method, { nombre: 'Renombrado' }));

      assert.equal(response.status, 200);
      const updated = await response.json();
      assert.deepEqual(
        { ...updated, updated_at: '' },
        { ...original, nombre: 'Renombrado', updated_at: '', version: original.version + 1 },
      );
      assert.deepEqual(await stored(original), updated);
    });

    it('moves updated_at forward and keeps created_at', async () => {
      const original = await createSegment(api);
      await new Promise((resolve) => setTimeout(resolve, 5));

      const updated = await (await api.fetch(item(original), json(method, { latitud: 1 }))).json();

      assert.equal(updated.created_at, original.created_at);
      assert.match(updated.updated_at, RFC3339_UTC);
      assert.ok(updated.updated_at > original.updated_at, `${updated.updated_at}`);
    });

    it('updates several fields at once', async () => {
      const original = await createSegment(api, full);
      const change = { longitud: 10.5, latitud: -20.25, ubicacion: 'Rosario' };

      const updated = await (await api.fetch(item(original), json(method, change))).json();

      assert.deepEqual(
        [updated.longitud, updated.latitud, updated.ubicacion, updated.nombre, updated.descripcion],
        [10.5, -20.25, 'Rosario', original.nombre, original.descripcion],
      );
    });

    it('clears every optional field with null', async () => {
      const original = await createSegment(api, full);
      const cleared = clearedValues();

      const updated = await (await api.fetch(item(original), json(method, cleared))).json();

      assert.deepEqual(updated, { ...original, ...cleared, updated_at: updated.updated_at, version: original.version + 1 });
    });

    it('changes nothing for an empty object', async () => {
      const original = await createSegment(api, full);

      const response = await api.fetch(item(original), json(method, {}));

      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), original);
    });

    it('ignores server-owned fields echoed back by the client', async () => {
      const original = await createSegment(api);
      const echoed = { ...original, id_segmento: 1, created_at: 'x', nombre: 'Eco' };

      const updated = await (await api.fetch(item(original), json(method, echoed))).json();

      assert.equal(updated.id_segmento, original.id_segmento);
      assert.equal(updated.created_at, original.created_at);
      assert.equal(updated.nombre, 'Eco');
    });

    it('is a 404 for an absent segment', async () => {
      const response = await api.fetch(`${SEGMENTOS}/99999`, json(method, { nombre: 'x' }));

      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { detail: 'Segmento 99999 not found' });
    });

    it('is a 422 on the path for a non-integer id', async () => {
      const response = await api.fetch(`${SEGMENTOS}/abc`, json(method, { nombre: 'x' }));

      assert.deepEqual(await problems(response), [['path.id_segmento', 'int_parsing']]);
    });

    it('reports a bad id and a bad body together', async () => {
      const response = await api.fetch(`${SEGMENTOS}/abc`, json(method, { nombre: 5, latitud: 99 }));

      assert.deepEqual(await problems(response), [
        ['path.id_segmento', 'int_parsing'],
        ['body.nombre', 'string_type'],
        ['body.latitud', 'less_than_equal'],
      ]);
    });

    it('is a 422 listing every invalid field, and leaves the row unchanged', async () => {
      const original = await createSegment(api, full);
      const body = { nombre: ' ', longitud: 181, latitud: 'norte', descripcion: 'a'.repeat(2001), nombe: 'x' };

      const response = await api.fetch(item(original), json(method, body));

      assert.deepEqual(await problems(response), [
        ['body.nombre', 'string_blank'],
        ['body.descripcion', 'string_too_long'],
        ['body.longitud', 'less_than_equal'],
        ['body.latitud', 'float_type'],
        ['body.nombe', 'extra_forbidden'],
      ]);
      assert.deepEqual(await stored(original), original);
    });

    it('is a 422 for null in a required field, and leaves the row unchanged', async () => {
      const original = await createSegment(api);

      const response = await api.fetch(item(original), json(method, { nombre: null, longitud: null }));

      assert.deepEqual(await problems(response), [
        ['body.nombre', 'string_type'],
        ['body.longitud', 'float_type'],
      ]);
      assert.deepEqual(await stored(original), original);
    });

    it('is a 422 for malformed JSON', async () => {
      const original = await createSegment(api);

      const response = await api.fetch(item(original), json(method, '{"nombre": '));

      const [[, type]] = await problems(response);
      assert.equal(type, 'json_invalid');
    });

    it('is a 415 for a non-JSON body and a 413 for one over 64 KiB', async () => {
      const original = await createSegment(api);

      const unsupported = await api.fetch(item(original), {
        method,
        headers: { 'content-type': 'text/plain' },
        body: '{"nombre": "x"}',
      });
      const tooLarge = await api.fetch(
        item(original),
        json(method, { descripcion: 'a'.repeat(70 * 1024) }),
      );

      assert.equal(unsupported.status, 415);
      assert.equal(tooLarge.status, 413);
      assert.deepEqual(await stored(original), original);
    });
  });
}
