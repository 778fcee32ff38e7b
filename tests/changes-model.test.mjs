// The changes feed, GET /api/v1/segmentos/changes, against a model: seeded random creates,
// bulk imports, PATCHes and DELETEs through the API, with clients that sync at random
// moments with small pages, also while two writers race them. Every page is in increasing
// seq order, above all the client saw before, each id once; after a final drain every
// client's copy equals the segment table field by field, and the table equals what the
// API answered to the writes. (tests/changes-feed.test.mjs covers the feed case by case.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { mulberry32 } from '../scripts/lib/mulberry32.mjs';
import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { json, SEGMENT_COLUMNS, SEGMENTOS } from './support/api.mjs';

const CHANGES = `${SEGMENTOS}/changes`;

// Sizes (quoted in the closing note): 3 seeds, each 150 writes (90 sequential
// with random syncs in between, then 2 writers × 30 racing the syncing clients), each
// write one single create, one bulk import of 1 to 5 segments, one PATCH or one DELETE;
// 3 clients per seed, each page with a limit of 1 to 7.
const SEEDS = [0x5eed01, 0x5eed02, 0x5eed03];
const SEQUENTIAL_WRITES = 90;
const RACING_WRITERS = 2;
const WRITES_PER_RACING_WRITER = 30;
const CLIENTS = 3;
const MAX_PAGE_LIMIT = 7;
/** Chance that a client syncs after a sequential write. */
const SYNC_CHANCE = 0.25;

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

/** An independent generator drawn from `rng`: its sequence does not depend on timing. */
const fork = (rng) => mulberry32(Math.floor(rng() * 4294967296));
const int = (rng, n) => Math.floor(rng() * n); // 0..n-1
const pick = (rng, items) => items[int(rng, items.length)];
const chance = (rng, p) => rng() < p;

// ---- Random valid segment fields. ----

const NAMES = ['Av. Colón', 'Ruta 9 norte', 'Bv. San Juan', 'Calle Ñandú', 'Gran Vía', "Queen's Road", 'Camino\\viejo'];
const PLACES = ['Córdoba', 'Madrid', 'Fiji', 'Buenos Aires', 'São Paulo'];

function nombre(rng, tag) {
  if (chance(rng, 0.05)) return 'ñ'.repeat(200); // the longest name
  return `${pick(rng, NAMES)} ${tag}`;
}
function coordinate(rng, bound) {
  if (chance(rng, 0.1)) return pick(rng, [-bound, bound, 0]);
  return Math.round((rng() * 2 - 1) * bound * 1e6) / 1e6;
}
const descripcion = (rng) => (chance(rng, 0.3) ? null : pick(rng, ['Bache', 'Asfalto nuevo 🚧', 'Tramo "urbano"', '']));
const ubicacion = (rng) => (chance(rng, 0.3) ? null : pick(rng, PLACES));

/** A new segment: the required fields, and each optional one sometimes (null, too). */
function newSegment(rng, tag) {
  const segment = { nombre: nombre(rng, tag), longitud: coordinate(rng, 180), latitud: coordinate(rng, 90) };
  if (chance(rng, 0.6)) segment.descripcion = descripcion(rng);
  if (chance(rng, 0.6)) segment.ubicacion = ubicacion(rng);
  return segment;
}

/** A PATCH body: a random non-empty subset of the writable fields. */
function patchBody(rng, tag) {
  const makers = {
    nombre: () => nombre(rng, tag),
    descripcion: () => descripcion(rng),
    longitud: () => coordinate(rng, 180),
    latitud: () => coordinate(rng, 90),
    ubicacion: () => ubicacion(rng),
  };
  const names = Object.keys(makers).filter(() => chance(rng, 0.4));
  if (names.length === 0) names.push(pick(rng, Object.keys(makers)));
  return Object.fromEntries(names.map((name) => [name, makers[name]()]));
}

// ---- The writers: random writes through the API, and the state their answers imply. ----

/** id → the segment as the last API answer about it showed it (every seed's, as the table). */
const answered = new Map();

async function send(path, init, status) {
  const response = await api.fetch(path, init);
  const text = await response.text();
  assert.equal(response.status, status, `${init.method} ${path} ${init.body ?? ''} → ${response.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

/**
 * One random write by a writer that owns the ids in `live` (no other writer touches them,
 * so the answers alone say what the table must hold).
 */
async function randomWrite(rng, live, tag) {
  const roll = live.length === 0 ? rng() * 0.5 : rng();
  if (roll < 0.3) {
    const created = await send(SEGMENTOS, json('POST', newSegment(rng, tag)), 201);
    answered.set(created.id_segmento, created);
    live.push(created.id_segmento);
  } else if (roll < 0.5) {
    const input = Array.from({ length: 1 + int(rng, 5) }, (_, i) => newSegment(rng, `${tag}.${i}`));
    const created = await send(`${SEGMENTOS}/bulk`, json('POST', input), 201);
    assert.equal(created.length, input.length);
    for (const segment of created) {
      answered.set(segment.id_segmento, segment);
      live.push(segment.id_segmento);
    }
  } else if (roll < 0.8) {
    const id = pick(rng, live);
    const updated = await send(`${SEGMENTOS}/${id}`, json('PATCH', patchBody(rng, tag)), 200);
    assert.equal(updated.version, answered.get(id).version + 1);
    answered.set(id, updated);
  } else {
    const id = live.splice(int(rng, live.length), 1)[0];
    await send(`${SEGMENTOS}/${id}`, { method: 'DELETE' }, 204);
    answered.delete(id);
  }
}

// ---- The clients: the mobile algorithm, with the feed's promises checked on every page. ----

function newClient(name, rng) {
  // maxSeq: the highest seq seen; gone: ids seen deleted (ids are never reused).
  return { name, rng, token: undefined, copy: new Map(), maxSeq: 0, gone: new Set(), pages: 0 };
}

/** Reads one page after the client's token, checks it, applies it; returns `more`. */
async function syncPage(client, limit) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (client.token !== undefined) query.set('since', client.token);
  const url = `${CHANGES}?${query}`;
  const response = await api.fetch(url);
  const text = await response.text();
  const where = `${client.name}, GET ${url} → ${response.status} ${text}`;
  assert.equal(response.status, 200, where);
  const page = JSON.parse(text);
  client.pages += 1;

  assert.deepEqual(Object.keys(page).sort(), ['changes', 'more', 'next'], where);
  assert.ok(Array.isArray(page.changes) && typeof page.more === 'boolean', where);
  assert.ok(typeof page.next === 'string' && page.next.length > 0, where);
  assert.ok(page.changes.length <= limit, `more than limit changes: ${where}`);
  if (page.more) assert.equal(page.changes.length, limit, `a short page says more follow: ${where}`);
  if (page.changes.length === 0 && client.token !== undefined) {
    assert.equal(page.next, client.token, `an empty page moved the token: ${where}`);
  }

  const ids = new Set();
  let previous = client.maxSeq;
  for (const change of page.changes) {
    assert.ok(Number.isInteger(change.seq), where);
    assert.ok(change.seq > previous, `seq ${change.seq} after ${previous} (seq not increasing, or not past the token): ${where}`);
    previous = change.seq;
    const id = change.op === 'upsert' ? change.segmento?.id_segmento : change.id_segmento;
    assert.ok(Number.isInteger(id), `a change without an id: ${where}`);
    assert.ok(!ids.has(id), `id ${id} twice in one page: ${where}`);
    ids.add(id);
    const held = client.copy.get(id);
    if (change.op === 'upsert') {
      assert.deepEqual(Object.keys(change).sort(), ['op', 'segmento', 'seq'], where);
      assert.deepEqual(Object.keys(change.segmento).sort(), SEGMENT_COLUMNS.split(', ').sort(), where);
      assert.ok(!client.gone.has(id), `upsert of deleted id ${id}: ${where}`);
      if (held) assert.ok(change.segmento.version > held.version, `id ${id} went back from version ${held.version}: ${where}`);
      client.copy.set(id, change.segmento);
    } else {
      assert.deepEqual(Object.keys(change).sort(), ['id_segmento', 'op', 'seq', 'version'], where);
      assert.equal(change.op, 'delete', where);
      if (held) assert.ok(change.version >= held.version, `id ${id} deleted at an older version: ${where}`);
      client.copy.delete(id);
      client.gone.add(id);
    }
  }
  client.maxSeq = previous;
  client.token = page.next;
  return page.more;
}

/** Syncs until `more` is false, with one page limit. */
async function drain(client, limit) {
  for (let pages = 0; await syncPage(client, limit); pages += 1) {
    assert.ok(pages < 10_000, `${client.name}: the feed never ends`);
  }
}

/** A sync at a random moment: one page or a full drain, with a random small limit. */
async function randomSync(client) {
  const limit = 1 + int(client.rng, MAX_PAGE_LIMIT);
  if (chance(client.rng, 0.5)) await syncPage(client, limit);
  else await drain(client, limit);
}

// ---- The server's state, and comparisons that say what differs. ----

async function tableRows() {
  const { results } = await api.db.prepare(`SELECT ${SEGMENT_COLUMNS} FROM segmentos ORDER BY id_segmento`).all();
  return results;
}

async function lastSeq() {
  const { top } = await api.db
    .prepare(
      'SELECT max(coalesce((SELECT max(seq) FROM segmentos), 0), coalesce((SELECT max(seq) FROM segment_tombstones), 0)) AS top',
    )
    .first();
  return top;
}

/** Asserts that `copy` (id → segment) holds exactly `rows`, naming the ids that differ. */
function assertSameSegments(copy, rows, what) {
  const table = new Map(rows.map((row) => [row.id_segmento, row]));
  const missing = [...table.keys()].filter((id) => !copy.has(id));
  const extra = [...copy.keys()].filter((id) => !table.has(id));
  const differing = [...table.keys()].filter(
    (id) => copy.has(id) && JSON.stringify(sorted(copy.get(id))) !== JSON.stringify(sorted(table.get(id))),
  );
  const first = differing[0];
  assert.deepEqual(
    { missing, extra, differing, first: first === undefined ? null : copy.get(first) },
    { missing: [], extra: [], differing: [], first: first === undefined ? null : table.get(first) },
    `${what}: missing ids are in the table but not the copy; extra, the other way round`,
  );
  for (const [id, row] of table) assert.deepEqual(copy.get(id), row, `${what}: id ${id}`);
}
const sorted = (object) => Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));

// ---- The runs. ----

describe('the changes feed against a model of random writes and syncing clients', () => {
  for (const [index, seed] of SEEDS.entries()) {
    it(`seed ${seed.toString(16)}: every client that applies every page ends with exactly the table, while writers race it too`, async () => {
      const rng = mulberry32(seed);
      const tag = `s${index}`;
      const live = [];
      // Each seed's clients start from scratch, so they also see the earlier seeds' rows.
      const clients = Array.from({ length: CLIENTS }, (_, i) => newClient(`${tag} client ${i}`, fork(rng)));

      // Sequential: one write at a time, a random client syncing after some of them.
      for (let n = 0; n < SEQUENTIAL_WRITES; n += 1) {
        await randomWrite(rng, live, `${tag}-${n}`);
        if (chance(rng, SYNC_CHANCE)) await randomSync(pick(rng, clients));
      }

      // Racing: writers on disjoint ids, and every client reading one small page after
      // another until the last write has been answered.
      const owned = Array.from({ length: RACING_WRITERS }, (_, w) => live.filter((_, i) => i % RACING_WRITERS === w));
      const writerRngs = owned.map(() => fork(rng));
      const beforeRace = await lastSeq();
      let writing = true;
      let racedPagesWithChanges = 0;
      const writers = Promise.all(
        owned.map(async (ids, w) => {
          for (let n = 0; n < WRITES_PER_RACING_WRITER; n += 1) {
            await randomWrite(writerRngs[w], ids, `${tag}-w${w}-${n}`);
          }
        }),
      ).finally(() => {
        writing = false;
      });
      const readers = clients.map(async (client) => {
        while (writing) {
          await syncPage(client, 1 + int(client.rng, MAX_PAGE_LIMIT));
          if (writing && client.maxSeq > beforeRace) racedPagesWithChanges += 1;
        }
      });
      await Promise.all([writers, ...readers]);
      live.splice(0, live.length, ...owned.flat());
      assert.ok(racedPagesWithChanges > 0, 'no page read during the race held a write of the race');

      // The end: every client drains; then the feed has nothing more for it.
      const rows = await tableRows();
      assertSameSegments(answered, rows, `seed ${tag}: the table against the API's answers`);
      const top = await lastSeq();
      for (const client of clients) {
        await drain(client, 1 + int(client.rng, MAX_PAGE_LIMIT));
        const token = client.token;
        const more = await syncPage(client, MAX_PAGE_LIMIT);
        assert.deepEqual([more, client.token, client.maxSeq], [false, token, top], `${client.name}: after a drain`);
        assertSameSegments(client.copy, rows, client.name);
      }
    });
  }
});
