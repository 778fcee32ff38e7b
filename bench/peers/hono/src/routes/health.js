// `GET /health`: liveness for uptime monitors, with no I/O behind it.
import { Hono } from 'hono';

import { allowOnly, isolateStartedAt } from '../http.js';

const VERSION = '1.0.0';

export const health = new Hono();
const methods = allowOnly('GET, HEAD');

// Monitors must never see a cached answer, whatever its status.
health.use('/', async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
});

health.get('/', (c) => {
  const now = Date.now();
  return c.json({
    status: 'healthy',
    timestamp: new Date(now).toISOString(),
    uptime: (now - isolateStartedAt()) / 1000,
    version: VERSION,
  });
});
health.options('/', methods.options);
health.all('/', methods.notAllowed);
