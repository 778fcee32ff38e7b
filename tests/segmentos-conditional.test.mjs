// Conditional requests on /api/v1/segmentos (issue 4): each segment's `version`, the ETags
// derived from it, If-None-Match on reads (304) and If-Match / If-None-Match on writes
// (412), including clients racing with the same If-Match.
//
// ETags are opaque: these tests compare them with each other, never with a format.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import {
  createSegment,
  json,
  problems,
  rawExchange,
  SEGMENT_COLUMNS,
  SEGMENTOS,
  validationErrors,
  validSegment,
} from './support/api.mjs';

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

// Template strings, so that a missing header (null) fails as a mismatch.
const assertStrongEtag = (etag) => assert.match(`${etag}`, /^"[^"]*"$/);
const assertWeakEtag = (etag) => assert.match(`${etag}`, /^W\/"[^"]*"$/);

const item = (segment) => `${SEGMENTOS}/${segment.id_segmento}`;

/** The segment as GET shows it, with its ETag, asserting the 200. */
async function current(segment) {
  const response = await api.fetch(item(segment));
  assert.equal(response.status, 200, await response.clone().text());
  return { body: await response.json(), etag: response.headers.get('etag') };
}

/** The segment's row in D1, or null. */
const row = (segment) =>
  api.db.prepare(`SELECT ${SEGMENT_COLUMNS} FROM segmentos WHERE id_segmento = ?1`).bind(segment.id_segmento).first();

/** A segment updated once (version 2), its current ETag, and the stale ETag of version 1. */
async function updatedOnce() {
  const created = await createSegment(api, { ubicacion: 'Córdoba' });
  const stale = (await current(created)).etag;
  const update = await api.fetch(item(created), json('PATCH', { descripcion: 'Segunda versión' }));
  assert.equal(update.status, 200);
  const { body: segment, etag } = await current(created);
  assert.notEqual(etag, stale);
  return { segment, etag, stale };
}

/** A GET list request's response for `query`. */
const list = (query, headers = {}) => api.fetch(`${SEGMENTOS}${query}`, { headers });

/**
 * One raw HTTP/1.1 GET with `headers`: fetch() never shows a 304's body, so only the raw
 * bytes can show that none was sent. Returns the status, the response headers (lowercase
 * names) and whatever followed the head.
 */
async function rawGet(path, headers) {
  const { head, after } = await rawExchange(api.url, 'GET', path, headers);
  const [statusLine, ...lines] = head.split('\r\n');
  const responseHeaders = new Map(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers: responseHeaders, after };
}

describe('the version of a segment', () => {
  it('is 1 on creation', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment()));

    assert.equal(response.status, 201);
    const created = await response.json();
    assert.equal(created.version, 1);
    assert.equal((await current(created)).body.version, 1);
  });

  it('goes up by one with every PUT or PATCH that sends a field', async () => {
    const segment = await createSegment(api);
    const updates = [['PUT', { nombre: 'Dos' }], ['PATCH', { latitud: 3 }], ['PUT', { ubicacion: null }]];

    const versions = [];
    for (const [method, change] of updates) {
      const response = await api.fetch(item(segment), json(method, change));
      assert.equal(response.status, 200);
      versions.push((await response.json()).version);
    }

    assert.deepEqual(versions, [2, 3, 4]);
    assert.equal((await current(segment)).body.version, 4);
    assert.equal((await row(segment)).version, 4);
  });

  for (const method of ['PUT', 'PATCH']) {
    it(`stays the same, and so does the ETag, for a ${method} of {}`, async () => {
      const segment = await createSegment(api);
      const initial = await current(segment);

      const response = await api.fetch(item(segment), json(method, {}));

      assert.equal(response.status, 200);
      assert.equal((await response.json()).version, 1);
      assert.equal(response.headers.get('etag'), initial.etag);
      assert.deepEqual(await current(segment), initial);
    });
  }

  it('is ignored when a POST sends one', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment({ version: 5 })));

    assert.equal(response.status, 201);
    const created = await response.json();
    assert.equal(created.version, 1);
    assert.equal((await row(created)).version, 1);
  });

  for (const method of ['PUT', 'PATCH']) {
    it(`is ignored when a ${method} echoes the whole segment back, which still bumps it once`, async () => {
      const original = await createSegment(api);

      const response = await api.fetch(item(original), json(method, { ...original, version: 1, nombre: 'Eco' }));

      assert.equal(response.status, 200);
      const updated = await response.json();
      assert.equal(updated.version, 2);
      assert.equal(updated.nombre, 'Eco');
      assert.equal((await row(original)).version, 2);
    });
  }
});

describe('the ETag of a segment', () => {
  it('is strong and the same on every GET of one version, HEAD included', async () => {
    const segment = await createSegment(api);

    const first = await current(segment);
    const second = await current(segment);
    const head = await api.fetch(item(segment), { method: 'HEAD' });

    assertStrongEtag(first.etag);
    assert.equal(second.etag, first.etag);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('etag'), first.etag);
  });

  it('differs between the JSON and the GeoJSON representation, both strong', async () => {
    const segment = await createSegment(api);

    const asJson = await current(segment);
    const asGeoJson = await api.fetch(`${item(segment)}?format=geojson`);

    assert.equal(asGeoJson.status, 200);
    const geoEtag = asGeoJson.headers.get('etag');
    assertStrongEtag(geoEtag);
    assert.notEqual(geoEtag, asJson.etag);
  });

  it('comes with the 201 of a POST, equal to the ETag a GET then gives', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment()));

    assert.equal(response.status, 201);
    const etag = response.headers.get('etag');
    assertStrongEtag(etag);
    assert.equal((await current(await response.json())).etag, etag);
  });

  for (const method of ['PUT', 'PATCH']) {
    it(`comes with the 200 of a ${method}, new, and equal to the ETag a GET then gives`, async () => {
      const segment = await createSegment(api);
      const initial = await current(segment);

      const response = await api.fetch(item(segment), json(method, { nombre: 'Nuevo nombre' }));

      assert.equal(response.status, 200);
      const etag = response.headers.get('etag');
      assertStrongEtag(etag);
      assert.notEqual(etag, initial.etag);
      assert.equal((await current(segment)).etag, etag);
    });
  }
});

describe('If-None-Match on GET of a segment', () => {
  const cases = [
    ['its current ETag', (etag) => etag],
    ['a list that holds its current ETag', (etag) => `"otro", ${etag}, W/"mas"`],
    ['the weak form of its current ETag', (etag) => `W/${etag}`],
    ['*', () => '*'],
  ];
  for (const [what, header] of cases) {
    it(`is a 304 for ${what}`, async () => {
      const segment = await createSegment(api);
      const { etag } = await current(segment);

      const response = await api.fetch(item(segment), { headers: { 'if-none-match': header(etag) } });

      assert.equal(response.status, 304);
      assert.equal(response.headers.get('etag'), etag);
    });
  }

  it('is a 304 with no body but with the ETag, Vary and X-Request-ID', async () => {
    const segment = await createSegment(api);
    const { etag } = await current(segment);

    const response = await rawGet(item(segment), { 'If-None-Match': etag, 'X-Request-ID': 'conditional-304' });

    assert.equal(response.status, 304);
    assert.equal(response.after, '');
    assert.equal(response.headers.get('etag'), etag);
    assert.equal(response.headers.get('vary'), 'accept');
    assert.equal(response.headers.get('x-request-id'), 'conditional-304');
  });

  it('is a 200 with the segment for the ETag of an older version', async () => {
    const { segment, etag, stale } = await updatedOnce();

    const response = await api.fetch(item(segment), { headers: { 'if-none-match': stale } });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('etag'), etag);
    assert.deepEqual(await response.json(), segment);
  });

  it('compares with the ETag of the representation asked for', async () => {
    const segment = await createSegment(api);
    const jsonEtag = (await current(segment)).etag;
    const geoEtag = (await api.fetch(`${item(segment)}?format=geojson`)).headers.get('etag');
    const get = (path, tag) => api.fetch(path, { headers: { 'if-none-match': tag } });

    const geoWithJsonTag = await get(`${item(segment)}?format=geojson`, jsonEtag);
    const geoWithGeoTag = await get(`${item(segment)}?format=geojson`, geoEtag);
    const jsonWithGeoTag = await get(item(segment), geoEtag);

    assert.deepEqual(
      [geoWithJsonTag.status, geoWithGeoTag.status, jsonWithGeoTag.status],
      [200, 304, 200],
    );
    assert.equal(geoWithGeoTag.headers.get('etag'), geoEtag);
    assert.equal(geoWithGeoTag.headers.get('vary'), 'accept');
  });

  it('answers HEAD the same way: 304 when it matches, 200 when not', async () => {
    const { segment, etag, stale } = await updatedOnce();

    const matching = await api.fetch(item(segment), { method: 'HEAD', headers: { 'if-none-match': etag } });
    const notMatching = await api.fetch(item(segment), { method: 'HEAD', headers: { 'if-none-match': stale } });

    assert.equal(matching.status, 304);
    assert.equal(matching.headers.get('etag'), etag);
    assert.equal(notMatching.status, 200);
    assert.equal(notMatching.headers.get('etag'), etag);
  });

  it('is still a 404 with * for an absent segment', async () => {
    const response = await api.fetch(`${SEGMENTOS}/99999`, { headers: { 'if-none-match': '*' } });

    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { detail: 'Segmento 99999 not found' });
  });
});

// Each test lists only its own segments, through a `ubicacion` no other test uses.
describe('the ETag of the list', () => {
  it('is weak, stable while nothing changes, and gives a 304 with no body to If-None-Match', async () => {
    await createSegment(api, { ubicacion: 'Lista estable' });
    const query = '?ubicacion=Lista%20estable';

    const first = await list(query);
    const second = await list(query);
    const etag = first.headers.get('etag');
    const revalidated = await rawGet(`${SEGMENTOS}${query}`, { 'If-None-Match': etag });

    assert.equal(first.status, 200);
    assertWeakEtag(etag);
    assert.equal(second.headers.get('etag'), etag);
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.after, '');
    assert.equal(revalidated.headers.get('etag'), etag);
  });

  it('differs between the JSON and the GeoJSON list', async () => {
    await createSegment(api, { ubicacion: 'Lista formato' });

    const asJson = await list('?ubicacion=Lista%20formato');
    const asGeoJson = await list('?ubicacion=Lista%20formato&format=geojson');

    assertWeakEtag(asGeoJson.headers.get('etag'));
    assert.notEqual(asGeoJson.headers.get('etag'), asJson.headers.get('etag'));
  });

  it('changes after a create, and the old one no longer gives a 304', async () => {
    await createSegment(api, { ubicacion: 'Lista alta' });
    const query = '?ubicacion=Lista%20alta';
    const earlier = (await list(query)).headers.get('etag');

    await createSegment(api, { ubicacion: 'Lista alta' });
    const response = await list(query, { 'if-none-match': earlier });

    assert.equal(response.status, 200);
    assert.notEqual(response.headers.get('etag'), earlier);
    assert.equal((await response.json()).length, 2);
  });

  it('changes after an update of a listed segment, and the old one no longer gives a 304', async () => {
    const segment = await createSegment(api, { ubicacion: 'Lista cambio' });
    const query = '?ubicacion=Lista%20cambio';
    const earlier = (await list(query)).headers.get('etag');

    await api.fetch(item(segment), json('PATCH', { nombre: 'Cambiado' }));
    const response = await list(query, { 'if-none-match': earlier });

    assert.equal(response.status, 200);
    assert.notEqual(response.headers.get('etag'), earlier);
    assert.equal((await response.json())[0].nombre, 'Cambiado');
  });

  it('changes when only X-Total-Count does', async () => {
    // Oldest first, one per page: a new segment sorts last, so the first page's row and
    // its next link (a cursor after that row) stay the same; only the total grows.
    await createSegment(api, { ubicacion: 'Lista total', nombre: 'Primero' });
    await createSegment(api, { ubicacion: 'Lista total', nombre: 'Segundo' });
    // A filtered list has a total only when asked for one.
    const query = '?ubicacion=Lista%20total&sort=id_segmento&limit=1';
    const counted = { prefer: 'count=exact' };
    const earlier = await list(query, counted);

    await createSegment(api, { ubicacion: 'Lista total', nombre: 'Tercero' });
    const response = await list(query, { ...counted, 'if-none-match': earlier.headers.get('etag') });

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), await earlier.json());
    assert.ok(earlier.headers.get('link'));
    assert.equal(response.headers.get('link'), earlier.headers.get('link'));
    assert.deepEqual(
      [earlier.headers.get('x-total-count'), response.headers.get('x-total-count')],
      ['2', '3'],
    );
    assert.notEqual(response.headers.get('etag'), earlier.headers.get('etag'));
  });
});

describe('preconditions on writes', () => {
  const change = { nombre: 'Cambiado con condición' };

  /** A write of `method` with `headers`: PUT and PATCH send `change`, DELETE nothing. */
  const write = (method, headers) => (method === 'DELETE' ? { method, headers } : json(method, change, headers));

  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    const success = method === 'DELETE' ? 204 : 200;

    /** Asserts the write went through: changed (PUT, PATCH) or gone (DELETE). */
    async function assertWritten(response, segment, previousEtag) {
      assert.equal(response.status, success, await response.clone().text());
      if (method === 'DELETE') {
        assert.equal((await api.fetch(item(segment))).status, 404);
        assert.equal(await row(segment), null);
      } else {
        const updated = await response.json();
        assert.equal(updated.nombre, change.nombre);
        assert.equal(updated.version, segment.version + 1);
        assert.notEqual(response.headers.get('etag'), previousEtag);
        assert.deepEqual(await current(segment), { body: updated, etag: response.headers.get('etag') });
      }
    }

    /** Asserts a 412 naming the current ETag, with the segment untouched. */
    async function assertRefused(response, segment, etag) {
      assert.equal(response.status, 412);
      assert.equal(typeof (await response.json()).detail, 'string');
      assert.equal(response.headers.get('etag'), etag);
      assert.deepEqual(await current(segment), { body: segment, etag });
      assert.deepEqual(await row(segment), segment);
    }

    describe(`${method} with If-Match`, () => {
      it('goes through with the current ETag', async () => {
        const { segment, etag } = await updatedOnce();

        const response = await api.fetch(item(segment), write(method, { 'if-match': etag }));

        await assertWritten(response, segment, etag);
      });

      it('goes through with a list that holds the current ETag', async () => {
        const { segment, etag, stale } = await updatedOnce();

        const response = await api.fetch(item(segment), write(method, { 'if-match': `${stale}, ${etag}` }));

        await assertWritten(response, segment, etag);
      });

      it('goes through with the weak form of the current ETag', async () => {
        const { segment, etag } = await updatedOnce();

        const response = await api.fetch(item(segment), write(method, { 'if-match': `W/${etag}` }));

        await assertWritten(response, segment, etag);
      });

      it('goes through with * on an existing segment', async () => {
        const { segment, etag } = await updatedOnce();

        const response = await api.fetch(item(segment), write(method, { 'if-match': '*' }));

        await assertWritten(response, segment, etag);
      });

      it('is a 412 with the current ETag for a stale one, and changes nothing', async () => {
        const { segment, etag, stale } = await updatedOnce();

        const response = await api.fetch(item(segment), write(method, { 'if-match': stale }));

        await assertRefused(response, segment, etag);
      });

      for (const header of ['"no-existe"', '*']) {
        it(`is a 404, not a 412, for an absent segment with If-Match: ${header}`, async () => {
          const response = await api.fetch(`${SEGMENTOS}/99999`, write(method, { 'if-match': header }));

          assert.equal(response.status, 404);
          assert.deepEqual(await response.json(), { detail: 'Segmento 99999 not found' });
        });
      }

      it('is a 422 on the header for a malformed value, and changes nothing', async () => {
        const { segment, etag } = await updatedOnce();

        const response = await api.fetch(item(segment), write(method, { 'if-match': 'abc' }));

        assert.deepEqual((await validationErrors(response)).map((error) => error.loc), [['header', 'if-match']]);
        assert.deepEqual(await current(segment), { body: segment, etag });
      });

      it('reports a bad path id as a 422 before evaluating If-Match', async () => {
        const response = await api.fetch(`${SEGMENTOS}/abc`, write(method, { 'if-match': '"no-coincide"' }));

        assert.deepEqual(await problems(response), [['path.id_segmento', 'int_parsing']]);
      });

      if (method !== 'DELETE') {
        it('reports an invalid body as a 422 before evaluating a stale If-Match', async () => {
          const { segment, etag, stale } = await updatedOnce();

          const response = await api.fetch(item(segment), json(method, { latitud: 99 }, { 'if-match': stale }));

          assert.deepEqual(await problems(response), [['body.latitud', 'less_than_equal']]);
          assert.deepEqual(await current(segment), { body: segment, etag });
        });
      }
    });

    describe(`${method} with If-None-Match`, () => {
      for (const [what, header] of [['*', () => '*'], ['the current ETag', (etag) => etag]]) {
        it(`is a 412 for ${what} on an existing segment, and changes nothing`, async () => {
          const { segment, etag } = await updatedOnce();

          const response = await api.fetch(item(segment), write(method, { 'if-none-match': header(etag) }));

          await assertRefused(response, segment, etag);
        });
      }
    });
  }
});

describe('clients racing with the same If-Match', () => {
  const RACERS = 10;

  it('lets exactly one of ten concurrent PUTs win; the others get a 412 and the winner is stored', async () => {
    const segment = await createSegment(api);
    const { etag } = await current(segment);
    const names = Array.from({ length: RACERS }, (_, i) => `Corredor ${i}`);

    const responses = await Promise.all(
      names.map((nombre) => api.fetch(item(segment), json('PUT', { nombre }, { 'if-match': etag }))),
    );
    const outcomes = await Promise.all(
      responses.map(async (response) => ({
        status: response.status,
        etag: response.headers.get('etag'),
        body: await response.json(),
      })),
    );

    assert.deepEqual(
      outcomes.map(({ status }) => status).sort((a, b) => a - b),
      [200, ...Array(RACERS - 1).fill(412)],
    );
    const winner = outcomes.find(({ status }) => status === 200);
    assert.ok(names.includes(winner.body.nombre), winner.body.nombre);
    assert.deepEqual(winner.body, {
      ...segment,
      nombre: winner.body.nombre,
      updated_at: winner.body.updated_at,
      version: 2,
    });
    // Every loser was checked against the winner's version, and is told its ETag.
    for (const loser of outcomes.filter(({ status }) => status === 412)) {
      assert.equal(loser.etag, winner.etag);
    }
    assert.deepEqual(await current(segment), { body: winner.body, etag: winner.etag });
    assert.deepEqual(await row(segment), winner.body);
  });

  it('lets exactly one of ten concurrent DELETEs win; the others lose and the row is gone', async () => {
    const segment = await createSegment(api);
    const { etag } = await current(segment);

    const responses = await Promise.all(
      Array.from({ length: RACERS }, () =>
        api.fetch(item(segment), { method: 'DELETE', headers: { 'if-match': etag } }),
      ),
    );
    const statuses = await Promise.all(
      responses.map(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }),
    );

    // A loser sees either the deleted row's absence (404) or a failed precondition (412).
    assert.equal(statuses.filter((status) => status === 204).length, 1, `${statuses}`);
    assert.ok(statuses.every((status) => [204, 404, 412].includes(status)), `${statuses}`);
    const { count } = await api.db
      .prepare('SELECT COUNT(*) AS count FROM segmentos WHERE id_segmento = ?1')
      .bind(segment.id_segmento)
      .first();
    assert.equal(count, 0);
  });
});
