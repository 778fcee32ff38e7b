// DELETE /api/v1/segmentos/{id}.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { createSegment, problems, rawExchange, SEGMENTOS } from './support/api.mjs';

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

const item = (segment) => `${SEGMENTOS}/${segment.id_segmento}`;

describe('deleting a segment', () => {
  it('returns 204 with no body and the segment is gone', async () => {
    const segment = await createSegment(api);

    const { head, after } = await rawExchange(api.url, 'DELETE', item(segment));

    assert.match(head, /^HTTP\/1\.1 204 /);
    assert.equal(after, '');
    assert.equal((await api.fetch(item(segment))).status, 404);
  });

  it('removes only that segment', async () => {
    const kept = await createSegment(api, { nombre: 'Se queda' });
    const removed = await createSegment(api, { nombre: 'Se va' });

    await api.fetch(item(removed), { method: 'DELETE' });

    assert.deepEqual(await (await api.fetch(item(kept))).json(), kept);
    const listed = await (await api.fetch(SEGMENTOS)).json();
    assert.ok(!listed.some((segment) => segment.id_segmento === removed.id_segmento));
  });

  it('is a 404 the second time', async () => {
    const segment = await createSegment(api);
    await api.fetch(item(segment), { method: 'DELETE' });

    const response = await api.fetch(item(segment), { method: 'DELETE' });

    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { detail: `Segmento ${segment.id_segmento} not found` });
  });

  it('never reuses the id of a deleted segment', async () => {
    const segment = await createSegment(api);
    await api.fetch(item(segment), { method: 'DELETE' });

    const next = await createSegment(api);

    assert.ok(next.id_segmento > segment.id_segmento);
  });

  it('is a 422 on the path for a non-integer id', async () => {
    const response = await api.fetch(`${SEGMENTOS}/uno`, { method: 'DELETE' });

    assert.deepEqual(await problems(response), [['path.id_segmento', 'int_parsing']]);
  });
});
