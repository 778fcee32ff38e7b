// Helpers that speak the RecWay v1 API, shared by the integration and end-to-end tests.
import assert from 'node:assert/strict';
import { connect } from 'node:net';

import { json, SEGMENTOS, validSegment } from '../../scripts/lib/api.mjs';
import { CLIENT_FIELDS, clearedValues, STORED_FIELDS } from './fields.mjs';

// The API's paths and request shapes are the repository's (scripts/lib/api.mjs); the tests
// take them from here with the rest.
export { json, SEGMENTOS, validSegment };

/**
 * The columns of a segment as the API sends it (the OpenAPI document's `Segmento`), for
 * reading rows to compare with what the API answers: `SELECT *` also holds what is only
 * storage (`seq`, the changes feed's number).
 */
export const SEGMENT_COLUMNS = STORED_FIELDS.join(', ');

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Creates a segment and returns it, asserting the 201. */
export async function createSegment(api, overrides = {}, headers = {}) {
  const response = await api.fetch(SEGMENTOS, json('POST', validSegment(overrides), headers));
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

/** The `detail` list of a 422, asserting the status and shape. */
export async function validationErrors(response) {
  assert.equal(response.status, 422);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  const body = await response.json();
  assert.ok(Array.isArray(body.detail), JSON.stringify(body));
  for (const entry of body.detail) {
    assert.equal(typeof entry.type, 'string');
    assert.equal(typeof entry.msg, 'string');
    assert.ok(Array.isArray(entry.loc));
  }
  return body.detail;
}

/** `[loc joined by '.', type]` pairs of a 422, for compact assertions. */
export async function problems(response) {
  return (await validationErrors(response)).map((entry) => [entry.loc.join('.'), entry.type]);
}

/**
 * Sends one raw HTTP/1.1 request and returns everything the server wrote back, split into
 * the head and whatever followed it. fetch() hides the body of HEAD and 204 responses, so
 * only the raw bytes can show that none was sent.
 */
export function rawExchange(url, method, path, headers = {}) {
  const { hostname, port } = new URL(url);
  const fields = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.end(
        `${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n${fields.join('')}\r\n`,
      );
    });
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const end = raw.indexOf('\r\n\r\n');
      resolve({ head: raw.slice(0, end), after: raw.slice(end + 4) });
    });
  });
}

/**
 * Sends a request head that declares a body of `length` bytes, sends none of it, and returns
 * the server's answer as a fetch Response. This is how a client learns that a body is too
 * large before uploading it. fetch() cannot do this: it sends the whole body, and the
 * connection is reset when the server answers 413 early.
 */
export function declaredLengthRequest(url, method, path, length, headers = {}) {
  const { hostname, port } = new URL(url);
  const lines = Object.entries({ 'content-type': 'application/json', ...headers }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: ${length}\r\n` +
          `Connection: close\r\n${lines.join('')}\r\n`,
      );
    });
    const chunks = [];
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const raw = Buffer.concat(chunks);
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
      const responseHeaders = new Headers(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const body = raw.subarray(end + 4);
      if (body.length < Number(responseHeaders.get('content-length') ?? 0)) return;
      socket.destroy();
      resolve(new Response(body.length ? body : null, { status: Number(statusLine.split(' ')[1]), headers: responseHeaders }));
    });
    socket.on('error', reject);
  });
}

// ---- The segment list: its query, its pages, its data. ----

/** The `id_segmento` of each segment, in order. */
export const ids = (segments) => segments.map((segment) => segment.id_segmento);

/** `?a=1&b=2` for the defined values of `params` (in their order), or '' for none. */
export function queryString(params = {}) {
  const defined = Object.entries(params).filter(([, value]) => value !== undefined);
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined.map(([k, v]) => [k, String(v)]))}`;
}

/** A GET of a list path (or an absolute URL from a link), asserting the 200. */
export async function getPage(api, pathOrUrl, headers = {}) {
  const response = await api.fetch(pathOrUrl, { headers });
  assert.equal(response.status, 200, `${pathOrUrl}: ${await response.clone().text()}`);
  return { response, body: await response.json() };
}

/** The target of a `Link: <url>; rel="next"` header, or null when there is none. */
export function nextLink(response) {
  const header = response.headers.get('link');
  if (header === null) return null;
  const next = header.split(',').map((link) => link.trim().match(/^<([^>]*)>\s*;\s*rel="next"$/));
  const found = next.find(Boolean);
  assert.ok(found, `a Link header without rel="next": ${header}`);
  return found[1];
}

/**
 * Walks a list from `path` by following each page's `rel="next"` link to the last page.
 * `between(pageNumber, rowsSoFar)` runs after each page that has a next one (to change the
 * data mid-walk). Returns every page's rows and the URLs requested.
 */
export async function walkPages(api, path, { headers = {}, between = async () => {} } = {}) {
  const pages = [];
  const urls = [];
  for (let url = path; url !== null; ) {
    urls.push(url);
    const { response, body } = await getPage(api, url, headers);
    pages.push(body);
    url = nextLink(response);
    if (url !== null) await between(pages.length, pages.flat());
    assert.ok(pages.length <= 1000, 'the walk never ends');
  }
  return { pages, urls, rows: pages.flat() };
}

/**
 * Inserts a segment straight into D1, for the timestamps the API would set itself, and
 * returns it as the API shows it. `updated_at` defaults to `created_at`.
 */
export async function insertSegment(db, fields) {
  const row = {
    ...clearedValues(),
    updated_at: fields.created_at,
    ...validSegment(fields),
  };
  const columns = [...CLIENT_FIELDS, 'created_at', 'updated_at'];
  const placeholders = columns.map((_, index) => `?${index + 1}`);
  return db
    .prepare(
      `INSERT INTO segmentos (${columns.join(', ')})
       VALUES (${placeholders.join(', ')}) RETURNING ${SEGMENT_COLUMNS}`,
    )
    .bind(...columns.map((column) => row[column]))
    .first();
}

/** The mean Earth radius (IUGG) the API measures distances on, in metres. */
export const EARTH_RADIUS_M = 6371008.8;

/** Great-circle (haversine) distance in metres between two `[lon, lat]` positions. */
export function haversineM([lon1, lat1], [lon2, lat2]) {
  const radians = (degrees) => (degrees * Math.PI) / 180;
  const a =
    Math.sin(radians(lat2 - lat1) / 2) ** 2 +
    Math.cos(radians(lat1)) * Math.cos(radians(lat2)) * Math.sin(radians(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The headers every worker response carries (OWASP's secure headers for APIs). */
export function assertSecurityHeaders(response) {
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.match(response.headers.get('strict-transport-security'), /^max-age=\d{8,}; includeSubDomains$/);
  assert.ok(response.headers.get('content-security-policy'), 'a Content-Security-Policy');
}

/**
 * Stores an API key in the worker's D1 as `npm run keys -- create` does, and returns the
 * key with its id. `revoked: true` stores it revoked.
 */
export async function createApiKey(db, scopes, { name = 'test key', revoked = false } = {}) {
  const { mintKey } = await import('../../scripts/keys.mjs');
  const { key, prefix, hash } = mintKey();
  const now = new Date().toISOString();
  const { id } = await db
    .prepare(
      'INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id',
    )
    .bind(name, prefix, hash, JSON.stringify(scopes), now, revoked ? now : null)
    .first();
  return { key, id };
}

/** The `Authorization` header of a key. */
export const bearer = (key) => ({ authorization: `Bearer ${key}` });
