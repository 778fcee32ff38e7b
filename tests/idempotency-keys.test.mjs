// Idempotency-Key on POST /api/v1/segmentos and POST /api/v1/segmentos/bulk: a retry of the
// same request creates nothing and replays the first response; another request with the key
// is a 422; a retry while the first is running is a 409; crashed requests lose nothing and
// double nothing; the cron trigger purges expired keys.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';
import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { json, problems, SEGMENTOS, validSegment } from './support/api.mjs';

const BULK = `${SEGMENTOS}/bulk`;
const HOUR = 60 * 60 * 1000;
/** The cron of wrangler.toml's [triggers]. */
const CRON = readFileSync(`${rootDir}/wrangler.toml`, 'utf8').match(/crons = \["([^"]+)"\]/)[1];

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

/** A POST with an idempotency key; `body` is sent exactly as given when it is a string. */
function keyed(key, body) {
  return json('POST', body, { 'idempotency-key': key });
}

/** The documented fingerprint of a request: sha256 of "METHOD path\n" and the body. */
function fingerprint(path, body) {
  return createHash('sha256').update(`POST ${path}\n${body}`).digest('hex');
}

async function rowsNamed(nombre) {
  const { n } = await api.db
    .prepare('SELECT COUNT(*) AS n FROM segmentos WHERE nombre = ?1')
    .bind(nombre)
    .first();
  return n;
}

/** Puts a key row in a given state, as a request that crashed would have left it. */
async function seedKey(key, { path = SEGMENTOS, body, claimedAt = Date.now(), expiresAt, createdIds = null }) {
  await api.db
    .prepare(
      `INSERT INTO idempotency_keys
         (idempotency_key, fingerprint, token, claimed_at, expires_at, created_ids)
       VALUES (?1, ?2, 'a crashed request', ?3, ?4, ?5)`,
    )
    .bind(key, fingerprint(path, body), claimedAt, expiresAt ?? claimedAt + 24 * HOUR, createdIds)
    .run();
}

describe('a retried create with the same key and body', () => {
  it('creates exactly one segment and replays the first response', async () => {
    const key = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'Reintento' }));

    const first = await api.fetch(SEGMENTOS, keyed(key, body));
    const retry = await api.fetch(SEGMENTOS, keyed(key, body));

    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    for (const header of ['location', 'etag', 'content-type']) {
      assert.equal(retry.headers.get(header), first.headers.get(header), header);
    }
    assert.equal(await retry.text(), await first.text());
    assert.equal(await rowsNamed('Reintento'), 1);
  });

  it('returns the original row when the first response was lost, even after an update', async () => {
    const key = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'Respuesta perdida' }));
    const lost = await (await api.fetch(SEGMENTOS, keyed(key, body))).json();
    await api.fetch(`${SEGMENTOS}/${lost.id_segmento}`, json('PATCH', { descripcion: 'luego' }));

    const retry = await api.fetch(SEGMENTOS, keyed(key, body));

    assert.equal(retry.status, 201);
    assert.deepEqual(await retry.json(), lost);
    assert.equal(await rowsNamed('Respuesta perdida'), 1);
  });

  it('takes the key bare or as a quoted string alike', async () => {
    const key = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'Comillas' }));
    await api.fetch(SEGMENTOS, keyed(key, body));

    const retry = await api.fetch(SEGMENTOS, keyed(`"${key}"`, body));

    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(await rowsNamed('Comillas'), 1);
  });

  it('makes one segment when the same request is sent several times at once', async () => {
    const key = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'Concurrente' }));

    const responses = await Promise.all(
      Array.from({ length: 6 }, () => api.fetch(SEGMENTOS, keyed(key, body))),
    );

    const statuses = responses.map((response) => response.status);
    assert.ok(statuses.every((status) => status === 201 || status === 409), `${statuses}`);
    const bodies = new Set(
      await Promise.all(responses.filter((r) => r.status === 201).map((r) => r.text())),
    );
    assert.equal(bodies.size, 1, 'every 201 carries the same segment');
    assert.equal(await rowsNamed('Concurrente'), 1);
  });
});

describe('a key used for a different request', () => {
  it('is a 422 with a different body, and writes nothing', async () => {
    const key = randomUUID();
    await api.fetch(SEGMENTOS, keyed(key, validSegment({ nombre: 'Primero' })));

    const other = await api.fetch(SEGMENTOS, keyed(key, validSegment({ nombre: 'Segundo' })));

    assert.deepEqual(await problems(other), [['header.idempotency-key', 'value_error']]);
    assert.equal(await rowsNamed('Segundo'), 0);
  });

  it('is a 422 on the other endpoint', async () => {
    const key = randomUUID();
    await api.fetch(SEGMENTOS, keyed(key, validSegment({ nombre: 'Uno solo' })));

    const bulk = await api.fetch(BULK, keyed(key, [validSegment({ nombre: 'Uno solo' })]));

    assert.deepEqual(await problems(bulk), [['header.idempotency-key', 'value_error']]);
    assert.equal(await rowsNamed('Uno solo'), 1);
  });

  it('is not spent by an invalid body: the corrected request succeeds with it', async () => {
    const key = randomUUID();

    const invalid = await api.fetch(SEGMENTOS, keyed(key, validSegment({ nombre: 'Corregido', latitud: 91 })));
    const corrected = await api.fetch(SEGMENTOS, keyed(key, validSegment({ nombre: 'Corregido' })));

    assert.deepEqual(await problems(invalid), [['body.latitud', 'less_than_equal']]);
    assert.equal(corrected.status, 201);
    assert.equal(corrected.headers.get('idempotent-replayed'), null);
    assert.equal(await rowsNamed('Corregido'), 1);
  });
});

describe('an invalid key', () => {
  for (const [why, key] of [
    ['256 characters', 'k'.repeat(256)],
    ['257 characters, quoted', `"${'k'.repeat(257)}"`],
  ]) {
    it(`is a 422 when ${why}, reported with the body's problems`, async () => {
      const response = await api.fetch(SEGMENTOS, keyed(key, { nombre: 'Clave mala' }));

      assert.deepEqual(await problems(response), [
        ['body.longitud', 'missing'],
        ['body.latitud', 'missing'],
        ['header.idempotency-key', 'value_error'],
      ]);
    });
  }

  for (const [why, key] of [
    ['empty', ''],
    ['blank', '   '],
  ]) {
    it(`is no key at all when ${why}: the create happens, unkeyed`, async () => {
      const first = await api.fetch(SEGMENTOS, keyed(key, validSegment({ nombre: `sin clave ${why}` })));
      const second = await api.fetch(SEGMENTOS, keyed(key, validSegment({ nombre: `sin clave ${why}` })));

      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      assert.notEqual((await first.json()).id_segmento, (await second.json()).id_segmento);
    });
  }

  it('takes quotes around nothing valid as part of a bare key', async () => {
    const response = await api.fetch(SEGMENTOS, keyed('""', validSegment()));

    assert.equal(response.status, 201);
  });

  it('accepts 255 characters', async () => {
    const response = await api.fetch(SEGMENTOS, keyed('k'.repeat(255), validSegment()));

    assert.equal(response.status, 201);
  });
});

describe('a bulk import with a key', () => {
  it('replays the same array on retry and writes one set of rows', async () => {
    const key = randomUUID();
    const body = JSON.stringify([validSegment({ nombre: 'Lote' }), validSegment({ nombre: 'Lote' })]);

    const first = await api.fetch(BULK, keyed(key, body));
    const retry = await api.fetch(BULK, keyed(key, body));

    assert.equal(first.status, 201);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(await retry.text(), await first.text());
    assert.equal(await rowsNamed('Lote'), 2);
  });

  it('replays a response larger than one stored part (512 KiB)', async () => {
    const key = randomUUID();
    const items = Array.from({ length: 400 }, (_, i) =>
      validSegment({ nombre: 'Lote grande', descripcion: `${i}`.padEnd(2000, 'ñ') }),
    );
    const body = JSON.stringify(items);

    const first = await (await api.fetch(BULK, keyed(key, body))).text();
    const retry = await api.fetch(BULK, keyed(key, body));

    assert.ok(Buffer.byteLength(first) > 1024 * 1024, `${Buffer.byteLength(first)} bytes`);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(await retry.text(), first);
    assert.equal(await rowsNamed('Lote grande'), 400);
  });
});

describe('a key left behind by a request that never finished', () => {
  it('is a 409 with Retry-After while that request may still be running', async () => {
    const key = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'En curso' }));
    await seedKey(key, { body });

    const response = await api.fetch(SEGMENTOS, keyed(key, body));

    assert.equal(response.status, 409);
    assert.equal(response.headers.get('retry-after'), '1');
    assert.equal(typeof (await response.json()).detail, 'string');
    assert.equal(await rowsNamed('En curso'), 0);
  });

  it('is taken over after a minute when nothing was written: exactly one row', async () => {
    const key = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'Abandonado' }));
    await seedKey(key, { body, claimedAt: Date.now() - 61_000 });

    const response = await api.fetch(SEGMENTOS, keyed(key, body));
    const retry = await api.fetch(SEGMENTOS, keyed(key, body));

    assert.equal(response.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(await rowsNamed('Abandonado'), 1);
  });

  it('answers with the rows it wrote when it died before storing its response', async () => {
    const key = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'Escrito sin respuesta' }));
    const written = await (await api.fetch(SEGMENTOS, json('POST', body))).json();
    await seedKey(key, {
      body,
      claimedAt: Date.now() - 61_000,
      createdIds: JSON.stringify([written.id_segmento]),
    });

    const response = await api.fetch(SEGMENTOS, keyed(key, body));

    assert.equal(response.status, 201);
    assert.equal(response.headers.get('idempotent-replayed'), 'true');
    assert.equal(response.headers.get('location'), `${SEGMENTOS}/${written.id_segmento}`);
    assert.deepEqual(await response.json(), written);
    assert.equal(await rowsNamed('Escrito sin respuesta'), 1);
  });

  it('is free again once expired: the request is new', async () => {
    const key = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'Vencido' }));
    await seedKey(key, { body: 'another body', claimedAt: Date.now() - 25 * HOUR, expiresAt: Date.now() - HOUR });

    const response = await api.fetch(SEGMENTOS, keyed(key, body));

    assert.equal(response.status, 201);
    assert.equal(response.headers.get('idempotent-replayed'), null);
    assert.equal(await rowsNamed('Vencido'), 1);
  });
});

describe('the cron trigger', () => {
  it('deletes expired keys with their stored responses and keeps live ones', async () => {
    const live = randomUUID();
    const expired = randomUUID();
    const body = JSON.stringify(validSegment({ nombre: 'Purga' }));
    await api.fetch(SEGMENTOS, keyed(live, body));
    await api.fetch(SEGMENTOS, keyed(expired, body));
    await api.db
      .prepare('UPDATE idempotency_keys SET expires_at = ?1 WHERE idempotency_key = ?2')
      .bind(Date.now() - 1, expired)
      .run();

    await api.scheduled(CRON);

    const keys = await api.db
      .prepare('SELECT idempotency_key AS k FROM idempotency_keys WHERE idempotency_key IN (?1, ?2)')
      .bind(live, expired)
      .all();
    assert.deepEqual(keys.results.map((row) => row.k), [live]);
    const parts = await api.db
      .prepare('SELECT COUNT(*) AS n FROM idempotency_response_parts WHERE idempotency_key = ?1')
      .bind(expired)
      .first();
    assert.equal(parts.n, 0);
    const job = api.jobLog().find((entry) => entry.job === 'purge_idempotency_keys');
    assert.ok(job, 'the job writes its log line');
    assert.equal(job.level, 'info');
    assert.ok(job.affected >= 1);
  });
});
