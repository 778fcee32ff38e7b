// The v1 API as the clients in this repository address it: the tests, the benchmarks, the
// smoke check, the demo data and the Hono peer's parity check.

/** The segments collection; an item is `${SEGMENTOS}/{id_segmento}`. */
export const SEGMENTOS = '/api/v1/segmentos';

/** A segment the API accepts (the fields it requires), with `overrides`. */
export function validSegment(overrides = {}) {
  return { nombre: 'Av. Colón', longitud: -64.1811, latitud: -31.4135, ...overrides };
}

/** A JSON request's init for fetch(). `body` may be a string, sent as is. */
export function json(method, body, headers = {}) {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}
