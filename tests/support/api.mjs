// Helpers that speak the RecWay v1 API, shared by the integration and end-to-end tests.
import assert from 'node:assert/strict';
import { connect } from 'node:net';

export const SEGMENTOS = '/api/v1/segmentos';

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function validSegment(overrides = {}) {
  return { nombre: 'Av. Colón', longitud: -64.1811, latitud: -31.4135, ...overrides };
}

/** A JSON request. `body` may be a string, sent as is. */
export function json(method, body, headers = {}) {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Creates a segment and returns it, asserting the 201. */
export async function createSegment(api, overrides = {}) {
  const response = await api.fetch(SEGMENTOS, json('POST', validSegment(overrides)));
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
export function rawExchange(url, method, path) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.end(`${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
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
