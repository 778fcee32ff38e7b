// D1 read replicas through the Sessions API (issue 4): every /api/v1/segmentos* response
// that ran a query carries an `x-d1-bookmark`, and a request that sends one back reads at
// least the state it names (read-your-writes). Locally D1 has only its primary, so these
// tests check the header's contract and that a bookmarked read sees the write it follows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { createSegment, json, SEGMENTOS, validationErrors, validSegment } from './support/api.mjs';

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

const BOOKMARK = 'x-d1-bookmark';
// What the API accepts back, so what it must hand out.
const VALID_BOOKMARK = /^[A-Za-z0-9-]{1,256}$/;

const item = (segment) => `${SEGMENTOS}/${segment.id_segmento}`;
const withBookmark = (bookmark) => ({ headers: { [BOOKMARK]: bookmark } });

/** Asserts the response's status and returns its bookmark, asserting it is a valid one. */
async function bookmarkOf(response, status) {
  assert.equal(response.status, status, await response.clone().text());
  const bookmark = response.headers.get(BOOKMARK);
  assert.match(bookmark ?? '', VALID_BOOKMARK);
  return bookmark;
}

/** The 422's locations, each joined by '.'. */
async function locs(response) {
  return (await validationErrors(response)).map((error) => error.loc.join('.'));
}

async function countSegmentos() {
  return (await api.db.prepare('SELECT COUNT(*) AS count FROM segmentos').first()).count;
}

describe('the bookmark of a response', () => {
  const requests = [
    ['GET of the list', 200, () => [SEGMENTOS]],
    ['GET of a segment', 200, (segment) => [item(segment)]],
    ['GET of an absent segment (its 404 still ran a query)', 404, () => [`${SEGMENTOS}/99999`]],
    ['POST', 201, () => [SEGMENTOS, json('POST', validSegment())]],
    ['PUT', 200, (segment) => [item(segment), json('PUT', { nombre: 'Con marcador' })]],
    ['PATCH', 200, (segment) => [item(segment), json('PATCH', { nombre: 'Con marcador' })]],
    ['DELETE', 204, (segment) => [item(segment), { method: 'DELETE' }]],
  ];
  for (const [what, status, request] of requests) {
    it(`comes with the ${status} of a ${what}`, async () => {
      const segment = await createSegment(api);

      const response = await api.fetch(...request(segment));

      await bookmarkOf(response, status);
    });
  }

  it('is absent from /health, which runs no query', async () => {
    const response = await api.fetch('/health');

    assert.equal(response.status, 200);
    assert.equal(response.headers.get(BOOKMARK), null);
  });

  it('changes after a write', async () => {
    const segment = await createSegment(api);
    const read = await bookmarkOf(await api.fetch(item(segment)), 200);

    const written = await bookmarkOf(await api.fetch(item(segment), json('PATCH', { nombre: 'Otra' })), 200);
    const created = await bookmarkOf(await api.fetch(SEGMENTOS, json('POST', validSegment())), 201);

    assert.notEqual(written, read);
    assert.notEqual(created, written);
  });
});

// 422s found before any query: a bad path id and a bad query parameter.
describe('a 422 before any query', () => {
  const invalid = [
    ['a non-integer id', `${SEGMENTOS}/abc`, 'path.id_segmento'],
    ['a negative limit', `${SEGMENTOS}?limit=-1`, 'query.limit'],
  ];
  for (const [what, path, loc] of invalid) {
    it(`echoes the request's bookmark for ${what}`, async () => {
      const earlier = await bookmarkOf(await api.fetch(SEGMENTOS), 200);

      const response = await api.fetch(path, withBookmark(earlier));

      assert.deepEqual(await locs(response), [loc]);
      assert.equal(response.headers.get(BOOKMARK), earlier);
    });

    it(`has no bookmark for ${what} when the request sent none`, async () => {
      const response = await api.fetch(path);

      assert.deepEqual(await locs(response), [loc]);
      assert.equal(response.headers.get(BOOKMARK), null);
    });
  }
});

describe('reading with a bookmark', () => {
  it('sees the segment a POST created', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment({ nombre: 'Recién creado' })));
    const bookmark = await bookmarkOf(response, 201);
    const created = await response.json();

    const read = await api.fetch(item(created), withBookmark(bookmark));
    const listed = await api.fetch(SEGMENTOS, withBookmark(bookmark));

    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), created);
    assert.equal(listed.status, 200);
    assert.deepEqual((await listed.json())[0], created);
  });

  it('sees the change a PUT made', async () => {
    const segment = await createSegment(api);
    const response = await api.fetch(item(segment), json('PUT', { descripcion: 'Leída tras escribir' }));
    const bookmark = await bookmarkOf(response, 200);

    const read = await api.fetch(item(segment), withBookmark(bookmark));

    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), await response.json());
  });

  it('sees the absence a DELETE left', async () => {
    const segment = await createSegment(api);
    const bookmark = await bookmarkOf(await api.fetch(item(segment), { method: 'DELETE' }), 204);

    const read = await api.fetch(item(segment), withBookmark(bookmark));

    assert.equal(read.status, 404);
  });

  it('accepts the bookmark of an earlier response and still sees later writes', async () => {
    const first = await api.fetch(SEGMENTOS, json('POST', validSegment({ nombre: 'Antes' })));
    const earlier = await bookmarkOf(first, 201);
    const older = await first.json();
    const newer = await createSegment(api, { nombre: 'Después' });

    const response = await api.fetch(SEGMENTOS, withBookmark(earlier));

    await bookmarkOf(response, 200);
    assert.deepEqual((await response.json()).slice(0, 2), [newer, older]);
  });

  // Shaped like the bookmarks D1 hands out, but never issued by this database.
  const neverIssued = `00000000-00000000-00000000-${'0'.repeat(32)}`;
  for (const [what, bookmark] of [
    ['that this database never issued', neverIssued],
    ['of exactly 256 characters', 'a'.repeat(256)],
  ]) {
    it(`accepts a bookmark ${what}`, async () => {
      const segment = await createSegment(api);

      const response = await api.fetch(item(segment), withBookmark(bookmark));

      await bookmarkOf(response, 200);
      assert.deepEqual(await response.json(), segment);
    });
  }
});

describe('an invalid bookmark', () => {
  const invalid = [
    ['too long (257 characters)', 'a'.repeat(257)],
    ['with a space', 'abc def'],
    ['in double quotes', '"abc"'],
    ['with a non-ASCII letter', 'abcé'],
    ['with an underscore', 'abc_def'],
    ['with a dot', 'abc.def'],
  ];
  for (const [what, bookmark] of invalid) {
    it(`is a 422 on the header when ${what}`, async () => {
      const response = await api.fetch(SEGMENTOS, withBookmark(bookmark));

      assert.deepEqual(await locs(response), ['header.x-d1-bookmark']);
    });
  }

  it('is a 422 on a POST, which then writes nothing', async () => {
    const count = await countSegmentos();

    const response = await api.fetch(SEGMENTOS, json('POST', validSegment(), { [BOOKMARK]: 'a'.repeat(257) }));

    assert.deepEqual(await locs(response), ['header.x-d1-bookmark']);
    assert.equal(await countSegmentos(), count);
  });

  for (const [method, init] of [
    ['PUT', json('PUT', { nombre: 'No debería' }, { [BOOKMARK]: 'no valido' })],
    ['DELETE', { method: 'DELETE', headers: { [BOOKMARK]: 'no valido' } }],
  ]) {
    it(`is a 422 on a ${method}, which then leaves the segment as it was`, async () => {
      const segment = await createSegment(api);

      const response = await api.fetch(item(segment), init);

      assert.deepEqual(await locs(response), ['header.x-d1-bookmark']);
      const stored = await api.fetch(item(segment));
      assert.equal(stored.status, 200);
      assert.deepEqual(await stored.json(), segment);
    });
  }
});
