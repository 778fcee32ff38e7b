// The changes feed, GET /api/v1/segmentos/changes: every write through any route in commit
// order, one entry per segment at its latest state, tombstones for deletes; pages and their
// `next` tokens; 304 on an unchanged page; tokens that are malformed, cut off, altered or
// from another deployment; the retention purge and the 410 that sends a client to resync.
// (tests/changes-model.test.mjs drives it with random writes and racing clients.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';
import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { createSegment, json, problems, SEGMENTOS, validSegment } from './support/api.mjs';

const CHANGES = `${SEGMENTOS}/changes`;
/** The cron of wrangler.toml's [triggers]. */
const CRON = readFileSync(`${rootDir}/wrangler.toml`, 'utf8').match(/crons = \["([^"]+)"\]/)[1];

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

/** One page of the feed, asserting the 200. */
async function feed(query = {}, headers = {}) {
  const response = await api.fetch(`${CHANGES}?${new URLSearchParams(query)}`, { headers });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return { response, body };
}

/** The token at the end of the feed as it is now. */
async function currentToken() {
  let since;
  for (;;) {
    const { body } = await feed(since ? { since, limit: 1000 } : { limit: 1000 });
    since = body.next;
    if (!body.more) return since;
  }
}

/** `[op, id]` of each change. */
const summary = (changes) => changes.map((change) => [change.op, change.segmento?.id_segmento ?? change.id_segmento]);

/** A token with one byte of its position changed, re-encoded: well formed, not signed. */
function altered(token) {
  const bytes = Buffer.from(token, 'base64url');
  bytes[7] ^= 1;
  return bytes.toString('base64url');
}

describe('the feed', () => {
  it('lists creates, updates and deletes from any route in commit order, each segment once, at its latest', async () => {
    const since = await currentToken();
    const a = await createSegment(api, { nombre: 'Feed A' });
    const b = await createSegment(api, { nombre: 'Feed B' });
    const bulk = await (await api.fetch(`${SEGMENTOS}/bulk`, json('POST', [validSegment({ nombre: 'Feed C' })]))).json();
    const ogc = await api.fetch('/collections/segmentos/items', {
      method: 'POST',
      headers: { 'content-type': 'application/geo+json' },
      body: JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: { nombre: 'Feed D' } }),
    });
    const d = (await ogc.json()).properties;
    await api.fetch(`${SEGMENTOS}/${a.id_segmento}`, json('PATCH', { nombre: 'Feed A2' }));
    await api.fetch(`${SEGMENTOS}/${b.id_segmento}`, { method: 'DELETE' });

    const { body } = await feed({ since });

    assert.deepEqual(summary(body.changes), [
      ['upsert', bulk[0].id_segmento],
      ['upsert', d.id_segmento],
      ['upsert', a.id_segmento],
      ['delete', b.id_segmento],
    ]);
    const seqs = body.changes.map((change) => change.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    const renamed = body.changes[2].segmento;
    assert.deepEqual(renamed, (await (await api.fetch(`${SEGMENTOS}/${a.id_segmento}`)).json()));
    assert.equal(renamed.version, 2);
    assert.deepEqual(body.changes[3], { op: 'delete', seq: seqs[3], id_segmento: b.id_segmento, version: 1 });
    assert.equal(body.more, false);
  });

  it('starts from the beginning without since, and an empty page keeps its token to poll', async () => {
    const { body: all } = await feed({ limit: 1000 });
    const live = (await api.db.prepare('SELECT COUNT(*) AS n FROM segmentos').first()).n;
    assert.equal(all.changes.filter((change) => change.op === 'upsert').length, live);

    const { body: polled } = await feed({ since: all.next });

    assert.deepEqual([polled.changes, polled.more, polled.next], [[], false, all.next]);
  });

  it('pages with a small limit: Link rel=next while more follow, and the pages add up to the whole feed', async () => {
    const { body: whole } = await feed({ limit: 1000 });
    const seen = [];
    let path = `${CHANGES}?limit=2`;
    let pages = 0;
    for (;;) {
      const response = await api.fetch(path);
      const body = await response.json();
      pages += 1;
      seen.push(...body.changes);
      const link = response.headers.get('link');
      assert.equal(Boolean(link), body.more);
      if (!body.more) break;
      const next = new URL(link.match(/^<([^>]+)>; rel="next"$/)[1]);
      assert.deepEqual([next.searchParams.get('since'), next.searchParams.get('limit')], [body.next, '2']);
      path = next.pathname + next.search;
    }
    assert.deepEqual(seen, whole.changes);
    assert.equal(pages, Math.max(1, Math.ceil(whole.changes.length / 2)));
  });

  it('answers an unchanged page with 304 to its ETag, and a changed one with 200', async () => {
    const since = await currentToken();
    const { response } = await feed({ since });
    const etag = response.headers.get('etag');
    assert.match(etag, /^W\/"/);

    const unchanged = await api.fetch(`${CHANGES}?since=${since}`, { headers: { 'if-none-match': etag } });
    assert.equal(unchanged.status, 304);
    await createSegment(api, { nombre: 'Feed after the ETag' });
    const changed = await api.fetch(`${CHANGES}?since=${since}`, { headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.equal((await changed.json()).changes[0].segmento.nombre, 'Feed after the ETag');
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await api.fetch(CHANGES, { method: 'HEAD' });

    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });
});

describe('tokens and limits', () => {
  it('refuses a limit outside 1 to 1000 with a 422 naming it', async () => {
    for (const limit of ['0', '1001', 'many']) {
      assert.deepEqual((await problems(await api.fetch(`${CHANGES}?limit=${limit}`)))[0][0], 'query.limit', limit);
    }
  });

  it('refuses an altered, a cut-off, a made-up and a list cursor token, each with a 422 on since', async () => {
    const token = await currentToken();
    const cursor = new URL(
      (await api.fetch(`${SEGMENTOS}?limit=1`)).headers.get('link').match(/^<([^>]+)>/)[1],
    ).searchParams.get('cursor');

    for (const [bad, says] of [
      [altered(token), 'did not issue it'],
      [token.slice(0, -1), 'cut off'],
      ['c2VxPTQy', 'cut off'],
      [cursor, 'another kind of token'],
    ]) {
      const response = await api.fetch(`${CHANGES}?since=${encodeURIComponent(bad)}`);
      const detail = (await problems(response.clone())).map(([loc]) => loc);
      assert.deepEqual(detail, ['query.since'], bad);
      assert.match((await response.json()).detail[0].msg, new RegExp(says), bad);
    }
  });

  it('refuses another deployment’s token: each database signs its own', async () => {
    const other = await startWorker();
    try {
      const foreign = (await (await other.fetch(CHANGES)).json()).next;

      const response = await api.fetch(`${CHANGES}?since=${foreign}`);

      assert.match((await response.json()).detail[0].msg, /did not issue it/);
      assert.equal(response.status, 422);
    } finally {
      await other.close();
    }
  });
});

describe('retention: the cron purge and 410 Gone', () => {
  it('purges tombstones past the retention, keeps younger ones, and sends older tokens to resync', async () => {
    const before = await currentToken();
    const old = await createSegment(api, { nombre: 'Borrado hace mucho' });
    const recent = await createSegment(api, { nombre: 'Borrado hoy' });
    await api.fetch(`${SEGMENTOS}/${old.id_segmento}`, { method: 'DELETE' });
    const between = await currentToken();
    await api.fetch(`${SEGMENTOS}/${recent.id_segmento}`, { method: 'DELETE' });
    await api.db
      .prepare("UPDATE segment_tombstones SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id_segmento = ?1")
      .bind(old.id_segmento)
      .run();
    api.clearLogs();

    await api.scheduled(CRON);

    const job = api.jobLog().find((entry) => entry.job === 'purge_tombstones');
    assert.deepEqual([job.level, job.affected], ['info', 1]);
    const left = await api.db
      .prepare('SELECT id_segmento FROM segment_tombstones WHERE id_segmento IN (?1, ?2)')
      .bind(old.id_segmento, recent.id_segmento)
      .all();
    assert.deepEqual(left.results.map((row) => row.id_segmento), [recent.id_segmento]);

    const gone = await api.fetch(`${CHANGES}?since=${before}`);
    assert.equal(gone.status, 410);
    assert.equal(gone.headers.get('link'), `<${CHANGES}>; rel="first"`);
    const body = await gone.json();
    assert.equal(body.start, CHANGES);
    assert.match(body.detail, /Resync in full/);

    const { body: later } = await feed({ since: between });
    assert.deepEqual(summary(later.changes), [['delete', recent.id_segmento]]);
    const { body: resync } = await feed({ limit: 1000 });
    const ids = summary(resync.changes).map(([, id]) => id);
    assert.ok(!ids.includes(old.id_segmento));
    assert.equal((await feed({ since: resync.next })).response.status, 200);
  });
});

describe('access', () => {
  it('needs a key under ACCESS_MODE=all, as every read does', async () => {
    const locked = await startWorker({ vars: { ACCESS_MODE: 'all' } });
    try {
      const response = await locked.fetch(CHANGES);

      assert.equal(response.status, 401);
      assert.ok(response.headers.get('www-authenticate'));
    } finally {
      await locked.close();
    }
  });
});
