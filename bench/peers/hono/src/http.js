// HTTP plumbing the routes share: request ids, the per-request log line, raw paths and headers,
// and the answers every path gives to methods it does not serve.
import { HTTPException } from 'hono/http-exception';

import { ApiError, Kind, fieldError } from './errors.js';
import { metered } from './server-timing.js';

/** When this isolate served its first request: what `/health` reports its uptime from. */
let isolateStartedMs;

export function isolateStartedAt() {
  return isolateStartedMs;
}

/** A caller's `X-Request-ID` is echoed (and logged) only if it cannot forge a log line or header. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The outermost middleware: gives every response its `X-Request-ID` (the caller's, if
 * acceptable, else a new UUID) and writes one JSON log line per request. Only unexpected
 * failures carry their cause, and only here.
 */
export function requestLog() {
  return async (c, next) => {
    const receivedMs = Date.now();
    isolateStartedMs ??= receivedMs;
    const callerId = c.req.header('x-request-id');
    const requestId = callerId !== undefined && ACCEPTABLE_REQUEST_ID.test(callerId) ? callerId : crypto.randomUUID();
    await next();
    c.res.headers.set('X-Request-ID', requestId);
    const { status } = c.res;
    const cause = c.error && !(c.error instanceof HTTPException) ? String(c.error.message ?? c.error) : undefined;
    console.log(JSON.stringify({
      level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
      request_id: requestId,
      method: c.req.method,
      path: rawPath(c.req.url),
      status,
      duration_ms: Date.now() - receivedMs,
      error: cause,
    }));
  };
}

const BOOKMARK_HEADER = 'x-d1-bookmark';
/** D1's bookmarks are hex groups and dashes; nothing else reaches D1 or a response header. */
const ACCEPTABLE_BOOKMARK = /^[A-Za-z0-9-]{1,256}$/;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every segment request runs in one D1 session (the Sessions API), as the reference does:
 * reads start at any replica, or at least as new as the client's bookmark; writes at the
 * primary. The response carries the session's latest bookmark (or the client's, when no
 * query ran) in `x-d1-bookmark`. Routes take the session as `c.get('db')`.
 */
export function d1Session() {
  return async (c, next) => {
    const requested = header(c, BOOKMARK_HEADER);
    if (requested !== undefined && !ACCEPTABLE_BOOKMARK.test(requested)) {
      throw ApiError.validation([
        fieldError(['header', BOOKMARK_HEADER], Kind.valueError('a bookmark is 1 to 256 characters of A-Z, a-z, 0-9 and -')),
      ]);
    }
    const constraint = READS.has(c.req.method) ? requested ?? 'first-unconstrained' : 'first-primary';
    const session = c.env.DB.withSession(constraint);
    // Every query's D1 meta goes to the request's Server-Timing (server-timing.js).
    c.set('db', metered(session, c.get('d1')));
    await next();
    const bookmark = session.getBookmark() ?? requested;
    if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark);
  };
}

/** The URL's path as sent (percent-encoding kept), which Hono's `c.req.path` decodes. */
export function rawPath(url) {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const end = url.indexOf('?', start);
  return url.slice(start, end === -1 ? undefined : end);
}

/** The last segment of the path as sent (the `{id}` of an item path), trailing slash ignored. */
export function rawLastSegment(url) {
  const path = rawPath(url).replace(/\/$/, '');
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A request header the API reads; a blank one is no value, as clients sending `If-Match:` mean. */
export function header(c, name) {
  const value = c.req.header(name);
  return value === undefined || /^[ \t]*$/.test(value) ? undefined : value;
}

/** `OPTIONS` and every method a path does not serve (`405`), for a path serving `allow`. */
export function allowOnly(allow) {
  return {
    options: (c) => c.body(null, 204, { Allow: allow }),
    notAllowed: () => {
      throw ApiError.methodNotAllowed(allow);
    },
  };
}
