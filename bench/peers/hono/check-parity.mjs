#!/usr/bin/env node
// Parity check: sends the same requests to the reference (the Rust worker) and to a peer, and
// compares their answers: status, body (parsed JSON, key order included) and the headers the
// contract defines. Exits 1 on any difference.
//
//   node check-parity.mjs <reference-base-url> <peer-base-url>
//
// Both servers may already hold data: everything this script creates carries a tag unique to
// the run (in `ubicacion`, `nombre` and a random spot on the globe), every list it compares is
// filtered by it, and ids are compared by creation order, not by value. Timestamps, request ids
// and list ETags differ by nature and are compared by shape only.
import { randomUUID } from 'node:crypto';

import { SEGMENTOS } from '../../../scripts/lib/api.mjs';

const [referenceUrl, peerUrl] = process.argv.slice(2).map((url) => url?.replace(/\/+$/, ''));
if (!referenceUrl || !peerUrl) {
  console.error('usage: node check-parity.mjs <reference-base-url> <peer-base-url>');
  process.exit(2);
}

const TAG = `parity-${randomUUID().slice(0, 8)}`;
const JSON_TYPE = { 'content-type': 'application/json' };
// A random spot for this run's segments, away from the poles and the antimeridian.
const CENTER = { lon: Math.round((Math.random() * 300 - 150) * 1e4) / 1e4, lat: Math.round((Math.random() * 100 - 50) * 1e4) / 1e4 };
const at = (dLon, dLat) => ({ longitud: round(CENTER.lon + dLon), latitud: round(CENTER.lat + dLat) });
const round = (value) => Math.round(value * 1e6) / 1e6;
const near = `${CENTER.lon},${CENTER.lat}`;
const box = (d) => `${round(CENTER.lon - d)},${round(CENTER.lat - d)},${round(CENTER.lon + d)},${round(CENTER.lat + d)}`;
// A latitude for the antimeridian pair, also unique to the run.
const FIJI_LAT = round(-20 + Math.random() * 10);

const SEGMENTS = [
  { nombre: `Av. Colón ${TAG}`, descripcion: 'Baches en el carril derecho', ...at(0, 0), ubicacion: TAG },
  { nombre: `bv. san juan ${TAG}`, descripcion: null, ...at(0.004, -0.008), ubicacion: TAG },
  { nombre: `Ruta 20 ${TAG}`, ...at(-0.04, -0.017), ubicacion: TAG },
  { nombre: `100% asfalto_nuevo ${TAG}`, descripcion: 'ñandú 🚧', ...at(0.3, 0.2), ubicacion: TAG },
  { nombre: `Ruta 9 ${TAG}`, ...at(0.0001, 0.0001), ubicacion: TAG },
  { nombre: `Fiji east ${TAG}`, longitud: 179.9, latitud: FIJI_LAT, ubicacion: TAG },
  { nombre: `Fiji west ${TAG}`, longitud: -179.9, latitud: FIJI_LAT, ubicacion: TAG },
];

const text = (value) => new TextEncoder().encode(value);
const post = (name, body, headers = JSON_TYPE) => ({ name, method: 'POST', path: SEGMENTOS, headers, body });
const get = (name, path, headers = {}) => ({ name, method: 'GET', path, headers });
const write = (name, method, path, body, headers = {}) => ({ name, method, path, headers: { ...JSON_TYPE, ...headers }, body });
const list = (query) => `${SEGMENTOS}?ubicacion=${TAG}&${query}`;

/** The requests, in order; `{id3}` is the id the server gave the fourth segment, `{etag3}` its last ETag. */
const CASES = [
  get('health', '/health'),
  { name: 'health: wrong method', method: 'POST', path: '/health' },
  get('unknown path', '/nope'),
  get('unknown path under an item', `${SEGMENTOS}/1/extra`),
  { name: 'collection: OPTIONS', method: 'OPTIONS', path: SEGMENTOS },
  { name: 'collection: wrong method', method: 'DELETE', path: SEGMENTOS },
  { name: 'item: wrong method', method: 'POST', path: `${SEGMENTOS}/1` },
  ...SEGMENTS.map((segment, i) => post(`create ${i}`, JSON.stringify(segment))),
  post('create: server fields ignored, +json type', JSON.stringify({ ...SEGMENTS[0], id_segmento: 5, version: 9, created_at: 'x' }), { 'content-type': 'application/merge-patch+json; charset=utf-8' }),
  post('create: no content type is JSON', JSON.stringify({ nombre: `sin tipo ${TAG}`, longitud: 0, latitud: 0, ubicacion: `${TAG}-b` }), {}),
  post('create: every field wrong', JSON.stringify({ nombe: 'x', nombre: 42, descripcion: 5, longitud: '12.5', latitud: 91, ubicacion: [], zz: 1, 'é': 2, a: 3 })),
  post('create: missing fields, nulls', JSON.stringify({ nombre: null, descripcion: null, latitud: -90.5 })),
  post('create: blank and too long', JSON.stringify({ nombre: ' '.repeat(201), descripcion: 'é'.repeat(2001), longitud: -181, latitud: 0, ubicacion: 'ñ'.repeat(201) })),
  post('create: lengths count characters', JSON.stringify({ nombre: '🚧'.repeat(200), longitud: 180, latitud: -90, ubicacion: `${TAG}-c` })),
  post('create: blank unicode nombre', JSON.stringify({ nombre: '\u3000\u00a0\t', longitud: 0, latitud: 0 })),
  post('create: wrong content type', JSON.stringify(SEGMENTS[0]), { 'content-type': 'text/plain' }),
  post('create: body too large', JSON.stringify({ ...SEGMENTS[0], descripcion: 'x'.repeat(70_000) })),
  post('create: empty body', ''),
  post('create: blank body', ' \n\t'),
  post('create: array body', '[1, 2]'),
  post('create: string body', '"hola"'),
  post('json: bad literal on line 2', '{"nombre": "x",\n  "longitud": tru}'),
  post('json: trailing comma', '{"nombre": "x",}'),
  post('json: missing colon', '{"nombre" "x"}'),
  post('json: key not a string', '{nombre: "x"}'),
  post('json: truncated', '{"nombre": "x'),
  post('json: truncated object', '{"nombre": "x"'),
  post('json: trailing characters', '{"nombre": "x"} y'),
  post('json: bad escape', '{"nombre": "a\\qb"}'),
  post('json: control character', '{"nombre": "a\tb"}'),
  post('json: lone surrogate', '{"nombre": "\\ud800x", "longitud": 0, "latitud": 0}'),
  post('json: number out of range', '{"nombre": "x", "longitud": 1e400, "latitud": 0}'),
  post('json: bad number', '{"longitud": -x}'),
  post('json: leading zero', '{"longitud": 01}'),
  post('json: invalid UTF-8', Uint8Array.from([...text('{"nombre": "ab'), 0xff, ...text('"}')])),
  post('json: invalid UTF-8 outside an object', Uint8Array.from([0x22, 0xc3, 0x28, 0x22])),
  post('json: unterminated list outside an object', '[1, {"a": [tru'),
  post('json: byte order mark', Uint8Array.from([0xef, 0xbb, 0xbf, ...text('{}')])),
  get('read', `${SEGMENTOS}/{id0}`),
  get('read: trailing slash', `${SEGMENTOS}/{id0}/`),
  get('read: If-None-Match current', `${SEGMENTOS}/{id0}`, { 'if-none-match': '{etag0}' }),
  get('read: If-None-Match weak, in a list', `${SEGMENTOS}/{id0}`, { 'if-none-match': '"x", W/{etag0}' }),
  get('read: If-None-Match stale', `${SEGMENTOS}/{id0}`, { 'if-none-match': '"1.999"' }),
  get('read: If-None-Match malformed is ignored', `${SEGMENTOS}/{id0}`, { 'if-none-match': 'nope' }),
  { name: 'read: HEAD', method: 'HEAD', path: `${SEGMENTOS}/{id1}` },
  get('read: not an integer', `${SEGMENTOS}/abc`),
  get('read: beyond 64 bits', `${SEGMENTOS}/99999999999999999999`),
  get('read: beyond safe integers', `${SEGMENTOS}/9007199254740992`),
  get('read: missing', `${SEGMENTOS}/9007199254740991`),
  get('read: spaces around the id', `${SEGMENTOS}/%20{id0}`),
  get('list: tagged', list('')),
  get('list: trailing slash', `${SEGMENTOS}/?ubicacion=${TAG}&limit=3`),
  get('list: first page', list('limit=2')),
  { name: 'list: next page', follow: true },
  { name: 'list: page after that', follow: true },
  get('list: count only', list('limit=0')),
  get('list: skip', list('skip=2&limit=2')),
  get('list: q folds ASCII case only', `${SEGMENTOS}?q=${encodeURIComponent(`AV. COLÓN ${TAG}`.toUpperCase())}`),
  get('list: q ascii', `${SEGMENTOS}?q=${TAG.toUpperCase()}&sort=id_segmento`),
  get('list: q wildcards are literal', `${SEGMENTOS}?q=${encodeURIComponent(`0% asfalto_`)}&ubicacion=${TAG}`),
  get('list: sort by nombre then created_at', list('sort=nombre,-created_at&limit=3')),
  { name: 'list: sort by nombre, next page', follow: true },
  get('list: sort -nombre, repeated and unknown-to-near fields ignored', list('sort=-nombre,distance_m,-nombre')),
  get('list: sort by created_at', list('sort=created_at&limit=4')),
  { name: 'list: sort by created_at, next page', follow: true },
  get('list: last repeat wins', list('limit=1&limit=3')),
  get('list: bbox', list(`bbox=${box(0.05)}`)),
  get('list: bbox crossing the antimeridian', list(`bbox=179,${FIJI_LAT - 1},-179,${FIJI_LAT + 1}`)),
  get('list: bbox south above north', list(`bbox=${round(CENTER.lon - 1)},${round(CENTER.lat + 1)},${round(CENTER.lon + 1)},${round(CENTER.lat - 1)}`)),
  get('list: near within 5 km', list(`near=${near}&radius_m=5000`)),
  get('list: near, default radius, one per page', list(`near=${near}&limit=1`)),
  { name: 'list: near, next page', follow: true },
  get('list: near across the antimeridian', list(`near=179.95,${FIJI_LAT}&radius_m=20000`)),
  get('list: near sorted by -distance_m', list(`near=${near}&radius_m=50000&sort=-distance_m`)),
  get('list: every parameter wrong', `${SEGMENTOS}?limit=1001&skip=-1&bbox=1,2,x,4&near=200,0&radius_m=1000001&sort=name&q=${'a'.repeat(201)}`),
  get('list: more problems', `${SEGMENTOS}?limit=1.5&skip=99999999999999999999&bbox=1,2,3&near=0&radius_m=abc&q=a%00b`),
  get('list: bad latitudes and an empty sort field', `${SEGMENTOS}?bbox=0,-91,1,1&near=0,95&sort=nombre,,id_segmento`),
  get('list: cursor garbage', list('cursor=not-a-cursor')),
  get('list: cursor with padding', list('cursor=eyJrIjpbMV0sInMiOiItaWRfc2VnbWVudG8ifQ==')),
  get('list: cursor of another sort', list('sort=nombre&cursor=eyJrIjpbMV0sInMiOiItaWRfc2VnbWVudG8ifQ')),
  get('list: cursor of this sort', list('cursor=eyJrIjpbMV0sInMiOiItaWRfc2VnbWVudG8ifQ')),
  get('list: cursor values of the wrong type', list('cursor=eyJrIjpbIngiXSwicyI6Ii1pZF9zZWdtZW50byJ9')),
  { name: 'list: If-None-Match with its own ETag', method: 'GET', path: list('limit=2'), conditional: true },
  write('update: PUT one field', 'PUT', `${SEGMENTOS}/{id1}`, JSON.stringify({ descripcion: 'Bache reparado' })),
  write('update: PATCH clears a field', 'PATCH', `${SEGMENTOS}/{id1}`, JSON.stringify({ ubicacion: null, latitud: 10 })),
  write('update: empty patch changes nothing', 'PATCH', `${SEGMENTOS}/{id1}`, '{}'),
  write('update: If-Match current', 'PATCH', `${SEGMENTOS}/{id2}`, JSON.stringify({ nombre: `Ruta 20 bis ${TAG}` }), { 'if-match': '{etag2}' }),
  write('update: If-Match stale', 'PUT', `${SEGMENTOS}/{id2}`, JSON.stringify({ nombre: 'x' }), { 'if-match': '"{id2}.1"' }),
  write('update: If-Match weak and star lists', 'PUT', `${SEGMENTOS}/{id2}`, JSON.stringify({ latitud: 1 }), { 'if-match': 'W/"{id2}.2", "9.9"' }),
  write('update: If-Match star', 'PUT', `${SEGMENTOS}/{id2}`, JSON.stringify({ longitud: 1 }), { 'if-match': '*' }),
  write('update: If-None-Match star', 'PUT', `${SEGMENTOS}/{id2}`, JSON.stringify({ longitud: 2 }), { 'if-none-match': '*' }),
  write('update: empty patch with a stale If-Match', 'PATCH', `${SEGMENTOS}/{id2}`, '{}', { 'if-match': '"{id2}.1"' }),
  write('update: malformed conditions', 'PUT', `${SEGMENTOS}/{id2}`, '{}', { 'if-match': 'abc', 'if-none-match': '"a" "b"' }),
  write('update: bad id and bad body together', 'PATCH', `${SEGMENTOS}/x1`, JSON.stringify({ nombre: null, longitud: 500, foo: 1 })),
  write('update: bad id and unreadable body', 'PATCH', `${SEGMENTOS}/x1`, '{"nombre": }'),
  write('update: bad id and wrong content type', 'PATCH', `${SEGMENTOS}/x1`, '{}', { 'content-type': 'text/csv' }),
  write('update: missing', 'PUT', `${SEGMENTOS}/9007199254740991`, JSON.stringify({ nombre: 'x' })),
  write('update: missing with If-Match', 'PUT', `${SEGMENTOS}/9007199254740991`, JSON.stringify({ nombre: 'x' }), { 'if-match': '*' }),
  get('read: after updates', `${SEGMENTOS}/{id1}`),
  { name: 'delete: If-Match stale', method: 'DELETE', path: `${SEGMENTOS}/{id6}`, headers: { 'if-match': '"{id6}.7"' } },
  { name: 'delete', method: 'DELETE', path: `${SEGMENTOS}/{id6}`, headers: { 'if-match': '{etag6}' } },
  { name: 'delete: again', method: 'DELETE', path: `${SEGMENTOS}/{id6}` },
  { name: 'delete: bad id', method: 'DELETE', path: `${SEGMENTOS}/1.5` },
  get('list: after the delete', list('sort=id_segmento')),
  get('request id: a valid one is echoed', '/health', { 'x-request-id': 'abc-123_X.y' }),
  get('request id: an unsafe one is replaced', '/nope', { 'x-request-id': 'a b' }),
];

/** What each server gave back so far: ids by creation order, their ETags, the last Link. */
class Server {
  constructor(base) {
    Object.assign(this, { base, ids: [], etags: new Map(), link: undefined, listEtags: new Map() });
  }

  fill(template) {
    return template
      .replace(/\{id(\d+)\}/g, (_, i) => String(this.ids[Number(i)]))
      .replace(/\{etag(\d+)\}/g, (_, i) => this.etags.get(this.ids[Number(i)]));
  }

  async send(step) {
    let path = step.path;
    if (step.follow) {
      if (!this.link) return { missing: 'no Link to follow' };
      path = this.link;
    }
    // count=exact: the reference counts a filtered list only when asked; the peer counts every list.
    const headers = { prefer: 'count=exact', ...Object.fromEntries(Object.entries(step.headers ?? {}).map(([k, v]) => [k, this.fill(v)])) };
    const url = path.startsWith('http') ? path : `${this.base}${this.fill(path)}`;
    if (step.conditional) headers['if-none-match'] = this.listEtags.get(pathOf(url)) ?? '"none"';
    const body = typeof step.body === 'string' ? this.fill(step.body) : step.body;
    const response = await fetch(url, { method: step.method ?? 'GET', headers, body, redirect: 'manual' });
    const raw = await response.text();
    const answer = { status: response.status, headers: response.headers, raw };
    try {
      answer.json = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      answer.json = `(not JSON) ${raw.slice(0, 200)}`;
    }
    this.learn(step, url, answer);
    return answer;
  }

  /** Remembers created ids, current ETags, and each list's ETag and next-page link. */
  learn(step, url, { status, headers, json }) {
    if (step.method === 'POST' && status === 201) this.ids.push(json.id_segmento);
    const etag = headers.get('etag');
    if (json?.id_segmento !== undefined && etag) this.etags.set(json.id_segmento, etag);
    if (Array.isArray(json)) {
      this.link = /<([^>]+)>; rel="next"/.exec(headers.get('link') ?? '')?.[1];
      this.listEtags.set(pathOf(url), etag);
    }
  }

  /** An id as its creation index (`#3`), so that two servers' ids compare. */
  idToken(id) {
    const index = this.ids.indexOf(id);
    return index === -1 ? id : `#${index}`;
  }

  /** The parts of an answer that must match, with run-specific values replaced by their shape. */
  normalize({ status, headers, json, missing }) {
    if (missing) return { missing };
    const header = (name) => headers.get(name) ?? undefined;
    const requestId = header('x-request-id');
    return {
      status,
      body: this.normalizeValue(json),
      headers: {
        'content-type': header('content-type'),
        allow: header('allow'),
        location: header('location')?.replace(/\d+$/, (id) => this.idToken(Number(id))),
        etag: this.normalizeEtag(header('etag')),
        // The peer ignores Prefer, so it does not vary on it.
        vary: header('vary')?.toLowerCase().replace(/,\s*prefer\b/, ''),
        'cache-control': header('cache-control'),
        'retry-after': header('retry-after'),
        'x-total-count': header('x-total-count'),
        link: this.normalizeLink(header('link')),
        'x-content-type-options': header('x-content-type-options'),
        'x-frame-options': header('x-frame-options'),
        'referrer-policy': header('referrer-policy'),
        'strict-transport-security': header('strict-transport-security'),
        'content-security-policy': header('content-security-policy'),
        'x-request-id': /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(requestId ?? '')
          ? '<uuid v4>'
          : requestId,
      },
    };
  }

  normalizeValue(value, key) {
    if (Array.isArray(value)) return value.map((item) => this.normalizeValue(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.normalizeValue(v, k)]));
    }
    if (key === 'id_segmento') return this.idToken(value);
    if (['created_at', 'updated_at', 'timestamp'].includes(key)) {
      return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) ? '<RFC 3339 ms>' : value;
    }
    if (key === 'uptime') return typeof value === 'number' && value >= 0 ? '<seconds>' : value;
    if (key === 'detail' && typeof value === 'string') {
      return value.replace(/^Segmento (\d+) not found$/, (_, id) => `Segmento ${this.idToken(Number(id))} not found`);
    }
    return value;
  }

  normalizeEtag(etag) {
    if (etag === undefined) return undefined;
    if (etag.startsWith('W/"')) return /^W\/"[0-9a-f]+"$/.test(etag) ? '<weak list tag>' : etag;
    return etag.replace(/^"(\d+)\./, (_, id) => `"${this.idToken(Number(id))}.`);
  }

  /** The next link as a path and query, its cursor decoded with its ids and times normalized. */
  normalizeLink(link) {
    const url = /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];
    if (url === undefined) return link;
    const parsed = new URL(url);
    const cursor = parsed.searchParams.get('cursor');
    parsed.searchParams.delete('cursor');
    const token = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const fields = token.s.split(',').map((field) => field.replace(/^-/, ''));
    const keys = token.k.map((value, i) => this.normalizeValue(value, fields[i]));
    return { path: parsed.pathname + parsed.search, cursor: { k: keys, s: token.s } };
  }
}

function pathOf(url) {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/** `[part, reference, peer]` for each part of two normalized answers that differs. */
function differencesOf(expected, actual) {
  const parts = [['status', (a) => a.status], ['body', (a) => a.body], ['missing', (a) => a.missing]];
  for (const name of Object.keys({ ...expected.headers, ...actual.headers })) parts.push([name, (a) => a.headers?.[name]]);
  return parts
    .map(([part, pick]) => [part, JSON.stringify(pick(expected)), JSON.stringify(pick(actual))])
    .filter(([, want, got]) => want !== got);
}

const reference = new Server(referenceUrl);
const peer = new Server(peerUrl);
let failures = 0;
for (const step of CASES) {
  const expected = reference.normalize(await reference.send(step));
  const actual = peer.normalize(await peer.send(step));
  const differences = differencesOf(expected, actual);
  if (differences.length === 0) {
    console.log(`ok   ${step.name}`);
    continue;
  }
  failures++;
  console.log(`FAIL ${step.name}`);
  for (const [part, want, got] of differences) console.log(`  ${part}\n    reference: ${want}\n    peer:      ${got}`);
}
console.log(`\n${CASES.length - failures} of ${CASES.length} requests answered alike (run tag ${TAG})`);
process.exit(failures === 0 ? 0 : 1);
