// What a list costs at scale (issue 25): the total of the whole table comes from a kept count,
// exact under racing writers and across a crash; a filtered list counts only when asked; offset
// paging stops at 10,000 rows; the collection's extent reads a few index entries.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { createSegment, json, SEGMENTOS, validationErrors, validSegment } from './support/api.mjs';
import { migratedDatabase, startWorkerd } from './support/workerd.mjs';

const BULK = `${SEGMENTOS}/bulk`;

/** Rows read by the request, from its Server-Timing (tests/d1-cost.test.mjs checks it). */
const rowsRead = (response) => Number(/(\d+) rows read/.exec(response.headers.get('server-timing'))[1]);

/** The kept total, and a COUNT(*) of the table through the API (limit=0 counts). */
async function totals(server) {
  const kept = await server.fetch(SEGMENTOS);
  const counted = await server.fetch(`${SEGMENTOS}?limit=0&created_after=1970-01-01T00:00:00Z`);
  assert.equal(kept.status, 200);
  assert.equal(counted.status, 200);
  return { kept: Number(kept.headers.get('x-total-count')), counted: Number(counted.headers.get('x-total-count')) };
}

/** `count` writes at once: creates, bulk imports of three, and deletes of `ids`. */
function racingWrites(server, count, ids, key = () => ({})) {
  return Array.from({ length: count }, (_, i) => {
    if (i % 3 === 2 && ids.length > 0) {
      return server.fetch(`${SEGMENTOS}/${ids.pop()}`, { method: 'DELETE' });
    }
    if (i % 3 === 1) {
      const body = [0, 1, 2].map((n) => validSegment({ nombre: `Lote ${i}.${n}` }));
      return server.fetch(BULK, json('POST', body, key(i)));
    }
    return server.fetch(SEGMENTOS, json('POST', validSegment({ nombre: `Carrera ${i}` }), key(i)));
  });
}

describe('the total of the whole table', () => {
  let api;
  before(async () => {
    api = await startWorker();
  });
  after(() => api.close());

  it('is read from the kept count: a page of 5 reads a handful of rows, not the table', async () => {
    for (let i = 0; i < 4; i += 1) {
      await api.fetch(BULK, json('POST', Array.from({ length: 50 }, (_, n) => validSegment({ nombre: `Tramo ${i}.${n}` }))));
    }

    const response = await api.fetch(`${SEGMENTOS}?limit=5`);

    assert.equal(response.headers.get('x-total-count'), '200');
    // The page (6 rows: one more tells whether another follows) and the count's row and seeks.
    assert.ok(rowsRead(response) <= 12, `${rowsRead(response)} rows read`);
  });

  it('stays exact under racing creates, bulk imports and deletes', async () => {
    const existing = (await (await api.fetch(`${SEGMENTOS}?limit=60`)).json()).map((s) => s.id_segmento);

    const responses = await Promise.all(racingWrites(api, 90, existing));

    assert.deepEqual([...new Set(responses.map((r) => r.status))].sort(), [201, 204]);
    const { kept, counted } = await totals(api);
    assert.equal(kept, counted);
    const row = await api.db.prepare('SELECT counted FROM segment_count').first();
    assert.equal(row.counted, counted, 'the writes folded themselves in');
  });
});

describe('a filtered list', () => {
  let api;
  before(async () => {
    api = await startWorker();
    for (const ubicacion of ['Salta', 'Salta', 'Jujuy']) await createSegment(api, { ubicacion });
  });
  after(() => api.close());

  it('gives no count unless asked, and says that its answer varies with Prefer', async () => {
    const response = await api.fetch(`${SEGMENTOS}?ubicacion=Salta`);

    assert.equal(response.status, 200);
    assert.equal((await response.json()).length, 2);
    assert.equal(response.headers.get('x-total-count'), null);
    assert.equal(response.headers.get('preference-applied'), null);
    assert.match(response.headers.get('vary'), /\bprefer\b/);
  });

  it('counts its matches with Prefer: count=exact, and says it did', async () => {
    const response = await api.fetch(`${SEGMENTOS}?ubicacion=Salta&limit=1`, { headers: { prefer: 'return=minimal, count=exact' } });

    assert.equal(response.headers.get('x-total-count'), '2');
    assert.equal(response.headers.get('preference-applied'), 'count=exact');
  });

  it('counts with limit=0, which asks for nothing else', async () => {
    const response = await api.fetch(`${SEGMENTOS}?ubicacion=Jujuy&limit=0`);

    assert.equal(response.headers.get('x-total-count'), '1');
  });

  it('as GeoJSON omits numberMatched unless asked, as OGC API Features allows', async () => {
    const plain = await (await api.fetch(`${SEGMENTOS}?ubicacion=Salta&format=geojson`)).json();
    const asked = await (await api.fetch(`${SEGMENTOS}?ubicacion=Salta&format=geojson`, { headers: { prefer: 'count=exact' } })).json();
    const items = await (await api.fetch('/collections/segmentos/items?ubicacion=Salta', { headers: { prefer: 'count=exact' } })).json();

    assert.equal(plain.numberMatched, undefined);
    assert.equal(plain.numberReturned, 2);
    assert.equal(asked.numberMatched, 2);
    assert.equal(items.numberMatched, 2);
  });

  it('of the OGC items is not counted unless asked; the whole collection is', async () => {
    const filtered = await (await api.fetch('/collections/segmentos/items?ubicacion=Salta')).json();
    const whole = await (await api.fetch('/collections/segmentos/items')).json();

    assert.equal(filtered.numberMatched, undefined);
    assert.equal(whole.numberMatched, 3);
  });
});

describe('offset paging', () => {
  let api;
  before(async () => {
    api = await startWorker();
    await createSegment(api);
  });
  after(() => api.close());

  it('reaches skip + limit = 10,000', async () => {
    for (const query of ['skip=9900', 'skip=9000&limit=1000', 'skip=10000&limit=0']) {
      assert.equal((await api.fetch(`${SEGMENTOS}?${query}`)).status, 200, query);
    }
  });

  it('refuses a skip past 10,000 rows with a 422 that names the cursor', async () => {
    const response = await api.fetch(`${SEGMENTOS}?skip=900000`);

    assert.equal(response.status, 422);
    const [error, ...others] = await validationErrors(response);
    assert.deepEqual(others, []);
    assert.deepEqual(error.loc, ['query', 'skip']);
    assert.match(error.msg, /at most 10000/);
    assert.match(error.msg, /cursor/);
  });
});

describe('the collection', () => {
  let api;
  before(async () => {
    api = await startWorker();
    await api.fetch(BULK, json('POST', Array.from({ length: 120 }, (_, n) => validSegment({ nombre: `Punto ${n}`, longitud: -70 + n / 10, latitud: -40 + n / 20 }))));
  });
  after(() => api.close());

  for (const path of ['/collections', '/collections/segmentos']) {
    it(`${path} reads its extent from a few index entries, not from every segment`, async () => {
      const response = await api.fetch(path);

      assert.equal(response.status, 200);
      assert.ok(rowsRead(response) <= 12, `${rowsRead(response)} rows read`);
      const body = await response.json();
      const collection = body.collections?.[0] ?? body;
      assert.deepEqual(collection.extent.spatial.bbox, [[-70, -40, -70 + 119 / 10, -40 + 119 / 20]]);
    });
  }
});

describe('a crash in the middle of writes (kill -9 of workerd)', () => {
  let database;
  let server;
  before(async () => {
    database = await migratedDatabase();
    server = await startWorkerd(database.dir);
  });
  after(async () => {
    await server?.stop();
    await database?.remove();
  });

  it('leaves the kept total and the text index equal to the table, and keyed retries keep them so', async (t) => {
    const created = await Promise.all(Array.from({ length: 30 }, () => server.fetch(SEGMENTOS, json('POST', validSegment()))));
    const ids = await Promise.all(created.map(async (r) => (await r.json()).id_segmento));
    const keys = Array.from({ length: 60 }, () => randomUUID());
    const keyed = (i) => ({ 'idempotency-key': keys[i] });

    const inFlight = racingWrites(server, 60, [...ids], keyed).map((p) => p.then((r) => r.status, () => 'cut off'));
    // D1 runs one write at a time: when the first is answered, most are still queued.
    await Promise.race(inFlight);
    await server.kill();
    const outcomes = await Promise.all(inFlight);
    server = await startWorkerd(database.dir);

    const cutOff = outcomes.filter((outcome) => outcome === 'cut off').length;
    t.diagnostic(`${cutOff} of ${outcomes.length} writes cut off by the kill`);
    const after = await totals(server);
    assert.equal(after.kept, after.counted, 'after the crash');
    // Clients retry what they sent with a key: a replay, a create, or a 409 for a key whose
    // request the crash cut off (its claim lapses after a minute). A delete of a gone
    // segment is a 404.
    const retried = await Promise.all(racingWrites(server, 60, [...ids], keyed));
    assert.ok(retried.every((r) => [201, 204, 404, 409].includes(r.status)), retried.map((r) => r.status).join());
    const settled = await totals(server);
    assert.equal(settled.kept, settled.counted);
    // The text index too: what `q` finds is what the table holds (the band index is
    // SQLite's own, kept by the writing statement itself).
    const all = await (await server.fetch(`${SEGMENTOS}?limit=1000`)).json();
    const found = await (await server.fetch(`${SEGMENTOS}?q=LOTE&limit=1000`)).json();
    const expected = all.filter((segment) => segment.nombre.toLowerCase().includes('lote'));
    assert.ok(expected.length > 0);
    assert.deepEqual(found.map((s) => s.id_segmento), expected.map((s) => s.id_segmento));
  });
});
