// Helpers that speak OGC API - Features (Parts 1 and 4) on the collection `segmentos`,
// shared by the OGC write tests. Those that need the worker take it (`api`) first.
import assert from 'node:assert/strict';

import { SEGMENTOS } from './api.mjs';
import { optionalValues } from './fields.mjs';

export const GEOJSON = 'application/geo+json';
export const ITEMS = '/collections/segmentos/items';
/** The optional properties of a segment, all set. */
export const FULL = optionalValues();

/** The path of the item `id`. */
export const itemPath = (id) => `${ITEMS}/${id}`;
/** The ETag of the item `id` at `version`, as the OGC routes write it. */
export const ogcEtag = (id, version) => `"${id}.${version}.ogc"`;
/** A GeoJSON Point. */
export const point = (...coordinates) => ({ type: 'Point', coordinates });

/** A valid Feature: `properties` merge into the defaults (null replaces them); other members replace. */
export function feature({ properties = {}, ...members } = {}) {
  return {
    type: 'Feature',
    geometry: point(-64.1811, -31.4135),
    properties: properties === null ? null : { nombre: 'Av. Colón', ...properties },
    ...members,
  };
}

/** A request with a GeoJSON body (a string is sent as it is). */
export function send(method, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { method, headers: { 'content-type': GEOJSON, ...headers }, body: text };
}

/** A PATCH request with a JSON merge patch body. */
export const mergePatch = (patch, headers = {}) =>
  send('PATCH', patch, { 'content-type': 'application/merge-patch+json', ...headers });

/** The body of a response as JSON, or null when it is empty. */
export async function read(response) {
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** POSTs a valid Feature (`overrides` as for `feature`) and returns the answer. */
export async function createFeature(api, overrides = {}, headers = {}) {
  const response = await api.fetch(ITEMS, send('POST', feature(overrides), headers));
  return { response, body: await read(response) };
}

/** Creates a feature asserting the 201, and returns its id. */
export async function created(api, overrides = {}) {
  const { response, body } = await createFeature(api, overrides);
  assert.equal(response.status, 201, JSON.stringify(body));
  return body.properties.id_segmento;
}

/** The item as GET shows it, or (with the v1 path) the segment as the v1 API does. */
export async function current(api, id, path = itemPath(id)) {
  const response = await api.fetch(path);
  return { status: response.status, etag: response.headers.get('etag'), body: await read(response) };
}

/** The segment `id` as the v1 API shows it. */
export const v1 = (api, id) => current(api, id, `${SEGMENTOS}/${id}`);

/** The number of rows in the table `segmentos`. */
export async function rowCount(api) {
  return (await api.db.prepare('SELECT COUNT(*) AS n FROM segmentos').first()).n;
}

/** Asserts a 400 in OGC's exception shape, and returns its problems. */
export async function invalid(response) {
  const body = await read(response);
  assert.equal(response.status, 400, JSON.stringify(body));
  assert.match(response.headers.get('content-type'), /^application\/json/);
  assert.equal(body.code, 'InvalidRequest');
  assert.equal(typeof body.description, 'string');
  assert.ok(Array.isArray(body.detail) && body.detail.length > 0, JSON.stringify(body));
  for (const { type, msg, loc } of body.detail) {
    assert.ok(typeof type === 'string' && typeof msg === 'string' && Array.isArray(loc), JSON.stringify(body));
    // A position in the coordinates is a number, as pydantic writes an index.
    const at = loc.indexOf('coordinates');
    if (at >= 0 && at < loc.length - 1) assert.equal(typeof loc[at + 1], 'number', JSON.stringify(loc));
  }
  return body.detail;
}

/** Asserts a 400 whose problems are `expected`: 'loc.joined.by.dots type' strings, in any order. */
export async function assertProblems(response, expected) {
  const actual = (await invalid(response)).map((problem) => `${problem.loc.join('.')} ${problem.type}`);
  assert.deepEqual(actual.sort(), expected.map((problem) => `body.${problem}`).sort());
}

/** Asserts a 200 with the whole feature at `version`, as GET and v1 now read it; returns the feature. */
export async function assertFeatureAnswer(api, response, id, version) {
  const body = await read(response);
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal(response.headers.get('content-type'), GEOJSON);
  assert.equal(response.headers.get('etag'), ogcEtag(id, version));
  assert.equal(body.properties.version, version);
  assert.deepEqual(await current(api, id), { status: 200, etag: ogcEtag(id, version), body });
  const { body: segment } = await v1(api, id);
  assert.deepEqual(body.properties, segment);
  assert.deepEqual(body.geometry, point(segment.longitud, segment.latitud));
  return body;
}
