// GET /api/v1/segmentos/{id} and the paginated list.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { createSegment, problems, rawExchange, SEGMENTOS } from './support/api.mjs';

// More than one default page (100), fewer than the largest (1000).
const SEEDED = 150;
let api;
let seeded; // oldest first

before(async () => {
  api = await startWorker();
  seeded = [];
  for (let i = 0; i < SEEDED; i += 1) {
    seeded.push(await createSegment(api, { nombre: `Segmento ${i}`, latitud: (i % 180) - 90 }));
  }
});
after(() => api.close());

const ids = (segments) => segments.map((segment) => segment.id_segmento);
const newestFirst = () => ids(seeded).reverse();

async function list(query = '') {
  const response = await api.fetch(`${SEGMENTOS}${query}`);
  assert.equal(response.status, 200);
  return { response, body: await response.json() };
}

describe('reading one segment', () => {
  it('returns 200 with the segment', async () => {
    const response = await api.fetch(`${SEGMENTOS}/${seeded[3].id_segmento}`);

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(await response.json(), seeded[3]);
  });

  it('accepts a trailing slash', async () => {
    const response = await api.fetch(`${SEGMENTOS}/${seeded[0].id_segmento}/`);

    assert.deepEqual(await response.json(), seeded[0]);
  });

  it('is a 404 naming the id when absent', async () => {
    const response = await api.fetch(`${SEGMENTOS}/99999`);

    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { detail: 'Segmento 99999 not found' });
  });

  it('is a 404 for ids that cannot exist', async () => {
    for (const id of ['0', '-5']) {
      const response = await api.fetch(`${SEGMENTOS}/${id}`);

      assert.equal(response.status, 404, id);
    }
  });

  for (const [name, id, type] of [
    ['a word', 'abc', 'int_parsing'],
    ['a fraction', '1.5', 'int_parsing'],
    ['an id past JavaScript integer precision', '9007199254740992', 'less_than_equal'],
  ]) {
    it(`is a 422 on the path parameter for ${name}`, async () => {
      const response = await api.fetch(`${SEGMENTOS}/${id}`);

      assert.deepEqual(await problems(response), [['path.id_segmento', type]]);
    });
  }

  it('answers HEAD with the headers and no body', async () => {
    const { head, after } = await rawExchange(api.url, 'HEAD', `${SEGMENTOS}/${seeded[0].id_segmento}`);

    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.match(head, /content-type: application\/json/i);
    assert.equal(after, '');
  });
});

describe('listing segments', () => {
  it('returns the newest 100 by default, with the total in X-Total-Count', async () => {
    const { response, body } = await list();

    assert.deepEqual(ids(body), newestFirst().slice(0, 100));
    assert.equal(response.headers.get('x-total-count'), String(SEEDED));
    assert.deepEqual(body[0], seeded.at(-1));
  });

  it('serves the trailing-slash path the same, without a redirect', async () => {
    const response = await api.fetch(`${SEGMENTOS}/`, { redirect: 'manual' });

    assert.equal(response.status, 200);
    assert.deepEqual(ids(await response.json()), newestFirst().slice(0, 100));
  });

  it('pages with skip and limit', async () => {
    const { response, body } = await list('?skip=2&limit=3');

    assert.deepEqual(ids(body), newestFirst().slice(2, 5));
    assert.equal(response.headers.get('x-total-count'), String(SEEDED));
  });

  it('walks every segment exactly once page by page', async () => {
    const walked = [];
    for (let skip = 0; skip < SEEDED; skip += 40) {
      walked.push(...(await list(`?skip=${skip}&limit=40`)).body);
    }

    assert.deepEqual(ids(walked), newestFirst());
  });

  it('returns an empty page past the end, still with the total', async () => {
    const { response, body } = await list(`?skip=${SEEDED}`);

    assert.deepEqual(body, []);
    assert.equal(response.headers.get('x-total-count'), String(SEEDED));
  });

  it('returns no rows but the total for limit=0', async () => {
    const { response, body } = await list('?limit=0');

    assert.deepEqual(body, []);
    assert.equal(response.headers.get('x-total-count'), String(SEEDED));
  });

  it('returns more than the default page for limit=1000', async () => {
    const { body } = await list('?limit=1000');

    assert.deepEqual(ids(body), newestFirst());
  });

  it('ignores unknown query parameters', async () => {
    const { body } = await list('?utm_source=mail&limit=1');

    assert.equal(body.length, 1);
  });

  for (const [query, loc, type] of [
    ['?limit=1001', 'query.limit', 'less_than_equal'],
    ['?limit=-1', 'query.limit', 'greater_than_equal'],
    ['?limit=ten', 'query.limit', 'int_parsing'],
    ['?limit=', 'query.limit', 'int_parsing'],
    ['?skip=-1', 'query.skip', 'greater_than_equal'],
    ['?skip=1.5', 'query.skip', 'int_parsing'],
  ]) {
    it(`is a 422 for ${query}`, async () => {
      const response = await api.fetch(`${SEGMENTOS}${query}`);

      assert.deepEqual(await problems(response), [[loc, type]]);
    });
  }

  it('reports a bad skip and a bad limit together', async () => {
    const response = await api.fetch(`${SEGMENTOS}?skip=x&limit=5000`);

    assert.deepEqual(await problems(response), [
      ['query.skip', 'int_parsing'],
      ['query.limit', 'less_than_equal'],
    ]);
  });

  it('says what the largest limit is', async () => {
    const response = await api.fetch(`${SEGMENTOS}?limit=1000000`);

    const [error] = (await response.json()).detail;
    assert.equal(error.msg, 'Input should be less than or equal to 1000');
  });
});
