// The published OpenAPI document (/openapi.json, generated from the Rust types) against the
// live worker: every documented response of every operation is produced and checked
// against its schema, and the limits the document states are the limits the API enforces.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import {
  bearer,
  createApiKey,
  createSegment,
  declaredLengthRequest,
  json,
  SEGMENTOS,
  validSegment,
} from './support/api.mjs';
import { Contract } from './support/contract.mjs';

describe('the OpenAPI document', () => {
  let api;
  let unmigrated;
  let guarded; // every API request needs a key, and a caller gets 2 requests a minute
  let contract;

  before(async () => {
    [api, unmigrated, guarded] = await Promise.all([
      startWorker(),
      startWorker({ database: 'empty' }),
      startWorker({ vars: { ACCESS_MODE: 'all' }, rateLimit: { limit: 2, period: 60 } }),
    ]);
    const response = await api.fetch('/openapi.json');
    assert.equal(response.status, 200);
    contract = new Contract(await response.json());
  });
  after(() => Promise.all([api.close(), unmigrated.close(), guarded.close()]));

  /** One request, checked against the document; returns the status and parsed body. */
  async function exchange(worker, method, path, init = {}) {
    const response = init.declaredLength
      ? await declaredLengthRequest(worker.url, method, path, init.declaredLength)
      : await worker.fetch(path, { method, ...init });
    const text = await response.text();
    const body = contract.check(method, new URL(path, worker.url), response, text);
    return { status: response.status, body, headers: response.headers };
  }

  it('is OpenAPI 3.1 and describes the segment schema clients rely on', () => {
    const { openapi, components } = contract.document;

    assert.match(openapi, /^3\.1\./);
    const { required, properties } = components.schemas.Segmento;
    // A stored segment always carries every member (`null` where it has no value): all
    // are required, the ones clients have always read among them.
    assert.deepEqual([...required].sort(), Object.keys(properties).sort());
    for (const name of ['created_at', 'id_segmento', 'latitud', 'longitud', 'nombre', 'updated_at', 'version']) {
      assert.ok(required.includes(name), name);
    }
  });

  it('documents every response the worker gives, and the worker gives every one documented', async () => {
    const { id_segmento: id } = await createSegment(api);
    const item = `${SEGMENTOS}/${id}`;
    const tooLarge = JSON.stringify(validSegment({ descripcion: 'x'.repeat(70 * 1024) }));
    const asText = { headers: { 'content-type': 'text/plain' }, body: '{}' };
    const bulk = `${SEGMENTOS}/bulk`;
    const stale = { 'if-match': `"${id}.999"` };
    const fresh = (await api.fetch(item)).headers.get('etag');
    // A list no create below changes, so that its tag is still current when sent back.
    const unchanging = `${SEGMENTOS}?ubicacion=nowhere`;
    const list = (await api.fetch(unchanging)).headers.get('etag');
    const inFlight = (path, body) => {
      const key = `in-flight ${path}`;
      const fingerprint = createHash('sha256').update(`POST ${path}\n${body}`).digest('hex');
      return [key, fingerprint];
    };
    const single = JSON.stringify(validSegment());
    const many = JSON.stringify([validSegment()]);
    for (const [path, body] of [[SEGMENTOS, single], [bulk, many]]) {
      const [key, fingerprint] = inFlight(path, body);
      await api.db
        .prepare(
          'INSERT INTO idempotency_keys (idempotency_key, fingerprint, token, claimed_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)',
        )
        .bind(key, fingerprint, 'elsewhere', Date.now(), Date.now() + 60_000)
        .run();
    }
    const keyed = (path, body) => json('POST', body, { 'idempotency-key': inFlight(path, body)[0] });
    const changes = `${SEGMENTOS}/changes`;
    const since = (await (await api.fetch(changes)).json()).next;
    const feedTag = (await api.fetch(`${changes}?since=${since}`)).headers.get('etag');

    const exchanges = [
      // First: the feed's page after `since` must still be unchanged for its 304.
      [api, 'GET', `${changes}?since=${since}`, { headers: { 'if-none-match': feedTag } }],
      [api, 'GET', `${changes}?limit=2`],
      [api, 'GET', `${changes}?since=forged&limit=0`],
      [api, 'GET', '/map'],
      [api, 'GET', '/health'],
      [api, 'GET', '/health/database'],
      [unmigrated, 'GET', '/health/database'],
      [api, 'POST', SEGMENTOS, json('POST', validSegment({ descripcion: 'nueva' }))],
      [api, 'POST', SEGMENTOS, json('POST', tooLarge)],
      [api, 'POST', SEGMENTOS, asText],
      [api, 'POST', SEGMENTOS, json('POST', { nombre: '' })],
      [api, 'POST', SEGMENTOS, keyed(SEGMENTOS, single)],
      [api, 'POST', bulk, json('POST', [validSegment(), validSegment({ nombre: 'Ruta 9' })])],
      [api, 'POST', bulk, { declaredLength: 10 * 1024 * 1024 + 1 }],
      [api, 'POST', bulk, asText],
      [api, 'POST', bulk, json('POST', [{ nombre: '' }])],
      [api, 'POST', bulk, keyed(bulk, many)],
      [api, 'GET', `${SEGMENTOS}?limit=1`],
      [api, 'GET', unchanging, { headers: { 'if-none-match': list } }],
      [api, 'GET', `${SEGMENTOS}?near=-64.18,-31.41&radius_m=5000`],
      [api, 'GET', `${SEGMENTOS}?near=-64.18,-31.41&radius_m=5000`, { headers: { prefer: 'count=exact' } }],
      [api, 'GET', `${SEGMENTOS}?skip=20000`],
      [api, 'GET', SEGMENTOS, { headers: { accept: 'application/geo+json' } }],
      [api, 'GET', `${SEGMENTOS}/?bbox=1,2,3&sort=nope`],
      [api, 'GET', item],
      [api, 'GET', item, { headers: { 'if-none-match': fresh } }],
      [api, 'GET', `${item}?format=geojson`],
      [api, 'GET', `${SEGMENTOS}/999999`],
      [api, 'GET', `${SEGMENTOS}/abc`],
      ...['PUT', 'PATCH'].flatMap((method) => [
        [api, method, item, json(method, { descripcion: method })],
        [api, method, `${SEGMENTOS}/999999`, json(method, { descripcion: 'x' })],
        [api, method, item, json(method, tooLarge)],
        [api, method, item, asText],
        [api, method, item, json(method, { latitud: 91 })],
        [api, method, item, json(method, { descripcion: 'stale' }, stale)],
      ]),
      [api, 'DELETE', `${SEGMENTOS}/abc`],
      [api, 'DELETE', item, { headers: stale }],
      [api, 'DELETE', item],
      [api, 'DELETE', item],
    ];
    for (const [worker, method, path, init] of exchanges) {
      await exchange(worker, method, path, init);
    }
    // As the cron purge leaves it after purging a delete made after `since`.
    await api.db.prepare('UPDATE change_feed SET horizon = 1000000').run();
    await exchange(api, 'GET', `${changes}?since=${since}`);
    await exchange(api, 'GET', '/metrics');

    // Access control and rate limits, on the guarded worker. Each caller (an IP, or a
    // key) is fresh, so that only the requests meant to be over the limit are.
    let callers = 0;
    const freshIp = () => ({ 'cf-connecting-ip': `192.0.2.${(callers += 1)}` });
    const guardedItem = `${SEGMENTOS}/${(await createSegment(guarded, {}, bearer((await createApiKey(guarded.db, ['write'])).key))).id_segmento}`;
    const operations = [
      ['GET', SEGMENTOS],
      ['GET', `${SEGMENTOS}/changes`],
      ['POST', SEGMENTOS, single],
      ['POST', bulk, many],
      ['GET', guardedItem],
      ['PUT', guardedItem, single],
      ['PATCH', guardedItem, single],
      ['DELETE', guardedItem],
      ['GET', '/metrics'],
      ['GET', '/health'],
      ['GET', '/health/database'],
      ['GET', '/map'],
    ];
    for (const [method, path, body] of operations) {
      const init = (headers) => (body ? json(method, body, headers) : { headers });
      const ip = freshIp();
      if (!path.startsWith('/health') && path !== '/map') {
        await exchange(guarded, method, path, init(ip));
      }
      if (method !== 'GET' || path === '/metrics') {
        const { key } = await createApiKey(guarded.db, ['read']);
        await exchange(guarded, method, path, init({ ...freshIp(), ...bearer(key) }));
      }
      const limited = freshIp();
      await guarded.fetch(path, { method, ...init(limited) });
      await guarded.fetch(path, { method, ...init(limited) });
      await exchange(guarded, method, path, init(limited));
    }

    assert.deepEqual([...contract.seen].sort(), contract.documented());
  });

  it('states the same limits for a new segment that the API enforces', async () => {
    const schema = contract.document.components.schemas.SegmentoCreate;
    for (const [field, rules] of Object.entries(schema.properties)) {
      // The server-owned fields take any value, which is ignored.
      if (rules.type === undefined) continue;
      const cases = [];
      if (rules.maxLength !== undefined) {
        cases.push(['x'.repeat(rules.maxLength), 201], ['x'.repeat(rules.maxLength + 1), 422]);
      }
      if (rules.minimum !== undefined) cases.push([rules.minimum, 201], [rules.minimum - 1, 422]);
      if (rules.maximum !== undefined) cases.push([rules.maximum, 201], [rules.maximum + 1, 422]);
      assert.ok(cases.length > 0, `${field} states no limit`);

      for (const [value, expected] of cases) {
        const { status, body } = await exchange(
          api,
          'POST',
          SEGMENTOS,
          json('POST', validSegment({ [field]: value })),
        );

        assert.equal(status, expected, `${field} = ${String(value).slice(0, 20)}…`);
        if (expected === 422) assert.deepEqual(body.detail[0].loc, ['body', field]);
      }
    }
  });

  it('requires exactly the fields the API requires', async () => {
    const { required } = contract.document.components.schemas.SegmentoCreate;
    const everything = validSegment({ descripcion: 'd', ubicacion: 'u' });
    for (const field of Object.keys(everything)) {
      const { [field]: _left, ...rest } = everything;

      const { status, body } = await exchange(api, 'POST', SEGMENTOS, json('POST', rest));

      if (required.includes(field)) {
        assert.equal(status, 422, field);
        assert.deepEqual(body.detail, [
          { type: 'missing', loc: ['body', field], msg: 'Field required' },
        ]);
      } else {
        assert.equal(status, 201, field);
      }
    }
  });
});
