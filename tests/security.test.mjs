// The OWASP API Security Top 10 (2023), item by item, against the worker in the mode the
// deployed environments use (ACCESS_MODE=writes). Items with nothing to test here:
// API6 (sensitive business flows: the API has none), API7 (SSRF: the worker fetches no
// URL a client gives), API10 (unsafe consumption: it consumes no third-party API).
// API4 and API8 are also covered by tests/rate-limits, cors and faults.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import {
  assertSecurityHeaders,
  bearer,
  createApiKey,
  createSegment,
  declaredLengthRequest,
  json,
  problems,
  SEGMENTOS,
  validSegment,
} from './support/api.mjs';

let api;
let keys;
before(async () => {
  api = await startWorker({ vars: { ACCESS_MODE: 'writes' } });
  keys = {
    read: (await createApiKey(api.db, ['read'])).key,
    write: (await createApiKey(api.db, ['write'])).key,
    revoked: (await createApiKey(api.db, ['write'], { revoked: true })).key,
  };
});
after(() => api.close());

const writeAs = (key) => (key ? bearer(key) : {});

describe('API1 broken object-level authorization', () => {
  it('a read-only key can change no segment, whichever id it names', async () => {
    const segment = await createSegment(api, {}, bearer(keys.write));
    const item = `${SEGMENTOS}/${segment.id_segmento}`;

    for (const init of [json('PUT', validSegment({ nombre: 'x' })), json('PATCH', { nombre: 'x' }), { method: 'DELETE' }]) {
      const response = await api.fetch(item, { ...init, headers: { ...init.headers, ...bearer(keys.read) } });
      assert.equal(response.status, 403, init.method);
    }
    const stored = await (await api.fetch(item)).json();
    assert.equal(stored.nombre, segment.nombre);
    assert.equal(stored.version, 1);
  });

  for (const id of ['1 OR 1=1', '1;DROP TABLE segmentos', '../1', '%2e%2e%2f1', '0x1', '1e3', '-1', '9007199254740993']) {
    it(`an id such as ${JSON.stringify(id)} reaches no other segment`, async () => {
      await createSegment(api, {}, bearer(keys.write));

      const response = await api.fetch(`${SEGMENTOS}/${encodeURIComponent(id)}`);

      assert.ok([404, 422].includes(response.status), `${response.status}`);
      assert.ok(!Array.isArray(await response.json()));
    });
  }
});

describe('API2 broken authentication', () => {
  const write = (headers, path = SEGMENTOS) => api.fetch(path, json('POST', validSegment({ nombre: 'intruso' }), headers));

  for (const [name, headers] of [
    ['the Basic scheme', () => ({ authorization: `Basic ${Buffer.from(`user:${keys.write}`).toString('base64')}` })],
    ['a Token scheme', () => ({ authorization: `Token ${keys.write}` })],
    ['the key with no scheme', () => ({ authorization: keys.write })],
    ['an empty Bearer', () => ({ authorization: 'Bearer ' })],
    ['the key with a character changed', () => bearer(`${keys.write.slice(0, -1)}${keys.write.endsWith('A') ? 'B' : 'A'}`)],
    ['the key truncated', () => bearer(keys.write.slice(0, -1))],
    ['the hash of the key instead of the key', () => bearer('f'.repeat(64))],
    ['a revoked key', () => bearer(keys.revoked)],
    ['the key in X-API-Key', () => ({ 'x-api-key': keys.write })],
    ['a method override to GET', () => ({ 'x-http-method-override': 'GET' })],
    ['a rewritten-URL header', () => ({ 'x-original-url': '/health', 'x-rewrite-url': '/health' })],
  ]) {
    it(`a write with ${name} is refused with 401 and writes nothing`, async () => {
      const response = await write(headers());

      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate'), /^Bearer realm="recway"/);
    });
  }

  for (const parameter of ['api_key', 'access_token', 'key', 'token']) {
    it(`ignores a key in the query string (?${parameter}=)`, async () => {
      const response = await write({}, `${SEGMENTOS}?${parameter}=${keys.write}`);

      assert.equal(response.status, 401);
    });
  }

  it('none of the refused writes above left a row', async () => {
    const { n } = await api.db.prepare("SELECT count(*) AS n FROM segmentos WHERE nombre = 'intruso'").first();
    assert.equal(n, 0);
  });
});

describe('API3 broken object property-level authorization (mass assignment)', () => {
  const readOnly = { id_segmento: 424242, created_at: '2000-01-01T00:00:00Z', updated_at: '2000-01-01T00:00:00Z', version: 99 };

  it('a create cannot choose the id, timestamps or version', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment(readOnly), bearer(keys.write)));

    assert.equal(response.status, 201);
    const created = await response.json();
    assert.notEqual(created.id_segmento, readOnly.id_segmento);
    assert.notEqual(created.created_at, readOnly.created_at);
    assert.equal(created.version, 1);
  });

  it('an update cannot change them either', async () => {
    const segment = await createSegment(api, {}, bearer(keys.write));

    const response = await api.fetch(`${SEGMENTOS}/${segment.id_segmento}`, json('PUT', validSegment(readOnly), bearer(keys.write)));

    assert.equal(response.status, 200);
    const updated = await response.json();
    assert.equal(updated.id_segmento, segment.id_segmento);
    assert.equal(updated.created_at, segment.created_at);
    assert.equal(updated.version, 2);
  });

  it('an unknown property is refused, not stored', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment({ is_admin: true, owner: 'me' }), bearer(keys.write)));

    assert.deepEqual((await problems(response)).sort(), [['body.is_admin', 'extra_forbidden'], ['body.owner', 'extra_forbidden']]);
  });
});

describe('API4 unrestricted resource consumption', () => {
  it('refuses a body over 64 KiB by its declared length before reading it', async () => {
    const response = await declaredLengthRequest(api.url, 'POST', SEGMENTOS, 64 * 1024 + 1, bearer(keys.write));

    assert.equal(response.status, 413);
  });

  it('refuses deeply nested JSON with a 422, never a crash', async () => {
    for (const depth of [200, 5000]) {
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const response = await api.fetch(SEGMENTOS, json('POST', `{"nombre":"x","longitud":0,"latitud":0,"descripcion":${nested}}`, bearer(keys.write)));
      assert.equal(response.status, 422, `depth ${depth}`);
    }
  });

  it('refuses strings over their documented lengths', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment({ nombre: 'n'.repeat(201), descripcion: 'd'.repeat(2001) }), bearer(keys.write)));

    assert.deepEqual((await problems(response)).sort(), [['body.descripcion', 'string_too_long'], ['body.nombre', 'string_too_long']]);
  });

  it('refuses a bulk import of more than 1000 items', async () => {
    const items = Array.from({ length: 1001 }, () => validSegment());

    const response = await api.fetch(`${SEGMENTOS}/bulk`, json('POST', items, bearer(keys.write)));

    assert.deepEqual(await problems(response), [['body', 'too_long']]);
  });

  it('refuses more than 32 query parameters', async () => {
    const query = Array.from({ length: 33 }, (_, i) => `p${i}=1`).join('&');

    assert.deepEqual(await problems(await api.fetch(`${SEGMENTOS}?${query}`)), [['query', 'too_long']]);
  });

  it('refuses a query parameter value over 2048 characters', async () => {
    assert.deepEqual(await problems(await api.fetch(`${SEGMENTOS}?cursor=${'c'.repeat(2049)}`)), [['query.cursor', 'string_too_long']]);
  });

  it('refuses a page size over 1000', async () => {
    assert.deepEqual(await problems(await api.fetch(`${SEGMENTOS}?limit=1001`)), [['query.limit', 'less_than_equal']]);
  });

  it('refuses a header the API reads when it is over 4096 bytes', async () => {
    for (const name of ['if-none-match', 'idempotency-key', 'x-d1-bookmark', 'accept']) {
      const response = await api.fetch(SEGMENTOS, { headers: { [name]: 'a'.repeat(4097) } });
      assert.deepEqual(await problems(response), [[`header.${name}`, 'string_too_long']], name);
    }
  });
});

describe('API5 broken function-level authorization', () => {
  it('metrics need an admin key; write and read keys are refused', async () => {
    assert.equal((await api.fetch('/metrics')).status, 401);
    assert.equal((await api.fetch('/metrics', { headers: bearer(keys.write) })).status, 403);
    assert.equal((await api.fetch('/metrics', { headers: bearer(keys.read) })).status, 403);
  });

  it('the bulk import needs the write scope like any write', async () => {
    const response = await api.fetch(`${SEGMENTOS}/bulk`, json('POST', [validSegment()], bearer(keys.read)));

    assert.equal(response.status, 403);
  });

  it('an unknown method is a 405, not a way around the key check', async () => {
    for (const method of ['PROPFIND', 'PURGE', 'REPORT']) {
      const response = await api.fetch(SEGMENTOS, json(method, validSegment({ nombre: 'intruso' })));
      assert.equal(response.status, 405, method);
    }
    // Methods workerd itself does not know (it knows only upper-case ones) never reach
    // the worker.
    for (const method of ['FOO', 'patch']) {
      assert.equal((await api.fetch(SEGMENTOS, { method })).status, 501, method);
    }
    assert.equal((await api.fetch(`${SEGMENTOS}/bulk`, { method: 'GET' })).status, 405);
  });
});

describe('API8 security misconfiguration', () => {
  it('error responses carry the security headers and reveal no stack or server', async () => {
    for (const response of [
      await api.fetch('/nowhere'),
      await api.fetch(SEGMENTOS, json('POST', '{', bearer(keys.write))),
      await api.fetch(SEGMENTOS, json('POST', validSegment())),
    ]) {
      assertSecurityHeaders(response);
      assert.equal(response.headers.get('x-powered-by'), null);
      assert.doesNotMatch(await response.text(), /at [\w.]+ \(|\.rs:\d+|panicked|wasm/);
    }
  });

  it('static assets carry the security headers, and the _headers file is not served', async () => {
    const asset = await api.fetch('/openapi.json');
    const headersFile = await api.fetch('/_headers');

    assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(asset.headers.get('x-frame-options'), 'DENY');
    assert.notEqual(headersFile.status, 200);
  });
});

describe('API8 injection: SQL metacharacters are data, never SQL', () => {
  const hostile = [
    "'; DROP TABLE segmentos; --",
    '" OR "1"="1',
    "1' OR '1'='1' /*",
    '%_\\%\\_',
    'Robert\'); DELETE FROM segmentos WHERE (\'1\'=\'1',
    'ñandú \u0000 nul? no: ✓',
  ].filter((text) => !text.includes('\u0000'));

  it('stores and returns every string field verbatim', async () => {
    for (const text of hostile) {
      const created = await createSegment(api, { nombre: text, descripcion: text, ubicacion: text }, bearer(keys.write));

      const fetched = await (await api.fetch(`${SEGMENTOS}/${created.id_segmento}`)).json();

      assert.deepEqual([fetched.nombre, fetched.descripcion, fetched.ubicacion], [text, text, text]);
    }
    const { n } = await api.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'segmentos'").first();
    assert.equal(n, 1);
  });

  it('matches query parameters literally: an injected condition matches nothing', async () => {
    await createSegment(api, { nombre: 'Calle normal', ubicacion: 'Rosario' }, bearer(keys.write));
    const total = Number((await api.fetch(`${SEGMENTOS}?limit=0`)).headers.get('x-total-count'));

    for (const [parameter, value] of [
      ['ubicacion', "' OR '1'='1"],
      ['ubicacion', 'Rosario\' --'],
      ['q', "' OR 1=1 --"],
      ['q', '%'],
      ['q', '_'],
    ]) {
      const response = await api.fetch(`${SEGMENTOS}?${parameter}=${encodeURIComponent(value)}&limit=1000`);
      assert.equal(response.status, 200, `${parameter}=${value}`);
      const found = await response.json();
      assert.ok(found.length < total, `${parameter}=${value} matched everything`);
      for (const segment of found) {
        const text = `${segment.nombre} ${segment.descripcion ?? ''} ${segment.ubicacion ?? ''}`.toLowerCase();
        assert.ok(parameter === 'q' ? text.includes(value.toLowerCase()) : segment.ubicacion === value, JSON.stringify(segment));
      }
    }
  });

  it('refuses SQL in the names of sort fields and in numeric parameters', async () => {
    for (const query of ['sort=nombre;DROP TABLE segmentos', 'sort=(SELECT 1)', 'limit=1 OR 1=1', 'skip=0;--', 'bbox=1,2,3,4) OR (1=1']) {
      const response = await api.fetch(`${SEGMENTOS}?${query}`);
      assert.equal(response.status, 422, query);
    }
  });
});
