// The requests `npm run bench` measures (bench/run.mjs) and `bench/ab.mjs` compares.
import { SEGMENTOS } from '../../scripts/lib/api.mjs';

/**
 * What is measured, in this order. Reads first, so that writes never change what they see.
 * `sameFields`: the servers' answers must have the same fields (their values hold times or
 * new ids); otherwise the same JSON. `only`: the servers (target keys: recway, hono,
 * fastapi) that have the route, when not all do; the others are neither measured nor
 * compared on it, and the report shows "—" for them. `check(body, segments)`: what a sound
 * answer must hold, on the seeded data; a message when it does not.
 */
export const ENDPOINTS = [
  { key: 'health', label: 'health', method: 'GET', path: '/health', sameFields: true },
  { key: 'read', label: 'get one', method: 'GET', path: `${SEGMENTOS}/{id}` },
  { key: 'list', label: 'list 100', method: 'GET', path: `${SEGMENTOS}?limit=100` },
  { key: 'bbox', label: 'list in bbox', method: 'GET', path: `${SEGMENTOS}?bbox=-64.3,-31.5,-64.1,-31.3` },
  { key: 'near', label: 'near, 10 km', method: 'GET', path: `${SEGMENTOS}?near=-64.1811,-31.4135&radius_m=10000` },
  {
    key: 'changes',
    label: 'changes, 1000',
    method: 'GET',
    path: `${SEGMENTOS}/changes?limit=1000`,
    // The changes feed (issue 17) is RecWay's alone: no peer has it.
    only: ['recway'],
    // The seeded segments are the feed only through their `seq` (bench/lib/dataset.mjs);
    // a page short of them would measure an empty feed.
    check: (body, segments) => {
      const expected = Math.min(1000, segments);
      const got = body.changes?.length ?? 'no';
      return got === expected ? null : `${got} changes, not ${expected}: are the seeded segments without a seq?`;
    },
  },
  {
    key: 'create',
    label: 'create',
    method: 'POST',
    path: SEGMENTOS,
    body: '{"nombre":"Bench {n}","descripcion":"Medido","longitud":-64.1811,"latitud":-31.4135,"ubicacion":"Córdoba"}',
    sameFields: true,
  },
  { key: 'update', label: 'update', method: 'PUT', path: `${SEGMENTOS}/{id}`, body: '{"descripcion":"Bench {n}"}', sameFields: true },
];

/** Whether the server `targetKey` has `endpoint`'s route (see `only`). */
export const serves = (endpoint, targetKey) => !endpoint.only || endpoint.only.includes(targetKey);
