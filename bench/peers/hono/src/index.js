// The RecWay v1 segment API as a JavaScript Worker: Hono on D1 (binding `DB`), with the
// same contract, schema, validation and per-request work as the Rust worker it is benchmarked
// against (see /docs/api.md).
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

import { errorResponse } from './errors.js';
import { requestLog } from './http.js';
import { health } from './routes/health.js';
import { COLLECTION_PATH, segmentos } from './routes/segmentos.js';
import { serverTiming } from './server-timing.js';

// Not strict: `/api/v1/segmentos/` is the same route as `/api/v1/segmentos` (the FastAPI
// server's path), served directly, with no redirect.
const app = new Hono({ strict: false });

app.use(requestLog());
// What D1 did for the request (round trips, rows read and written), as the reference reports it.
app.use(serverTiming());
// The reference's headers (OWASP's for APIs), and none of the middleware's other defaults.
app.use(secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  xContentTypeOptions: true,
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
}));

app.route('/health', health);
app.route(COLLECTION_PATH, segmentos);

app.notFound((c) => c.json({ detail: 'Not Found' }, 404));
app.onError(errorResponse);

export default app;
