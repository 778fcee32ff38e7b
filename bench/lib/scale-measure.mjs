// One request of bench/lib/scale-requests.mjs against a running server: sequential samples
// on a warmed server, each answer's Server-Timing D1 figures, latency, and the server's
// process CPU over the samples.
import { median } from '../../scripts/lib/stats.mjs';
import { cpuSeconds } from './processes.mjs';
import { parseServerTiming } from './server-timing.mjs';

// Enough samples for a p50 and for CPU above /proc's 10 ms ticks; fewer when each takes long.
const MIN_SAMPLES = { read: 20, write: 20 };
const MAX_SAMPLES = 100;
const TARGET_MS = 2_000;
const SLOW_MS = 500;
const SLOW_BUDGET_MS = 10_000;
const WARM_UPS = 5;

/** How many samples for a request whose warm-up took `warmMs`. */
function sampleCount(kind, warmMs) {
  if (warmMs > SLOW_MS) return Math.max(3, Math.min(MIN_SAMPLES[kind], Math.floor(SLOW_BUDGET_MS / warmMs)));
  return Math.min(MAX_SAMPLES, Math.max(MIN_SAMPLES[kind], Math.ceil(TARGET_MS / Math.max(warmMs, 0.1))));
}

/** One request, its body read to the end. */
async function call(server, request, context, url) {
  const started = performance.now();
  const response = await fetch(new URL(url, server.url), {
    method: request.method,
    headers: request.body ? { 'content-type': 'application/json' } : {},
    body: request.body?.(context),
  });
  await response.arrayBuffer();
  const ms = performance.now() - started;
  const totalCount = response.headers.get('x-total-count');
  return { status: response.status, ms, timing: parseServerTiming(response.headers.get('server-timing')), totalCount };
}

const figure = (samples, pick) => {
  const values = samples.map(pick).filter((value) => value !== null && value !== undefined);
  return values.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values) } : null;
};

/** Measures `request` on `server` (from startOnWorkerd) at table size `size`. */
export async function measureRequest(server, request, size) {
  let i = 0;
  const context = () => ({ size, i: i++, server });
  const fixedUrl = request.once ? await request.url(context()) : undefined;
  let firstUrl;
  const next = async () => {
    const ctx = context();
    const url = fixedUrl ?? (await request.url(ctx));
    firstUrl ??= url;
    return call(server, request, ctx, url);
  };
  // Warm-up: the isolate's code paths (V8 tiers a function up after some calls) and the
  // database pages this request touches. One only for a slow request.
  const warm = await next();
  if (warm.ms < SLOW_MS) for (let n = 0; n < WARM_UPS; n += 1) await next();
  const count = sampleCount(request.kind, warm.ms);
  const pids = server.pids();
  const cpuBefore = cpuSeconds(pids);
  const samples = [];
  for (let n = 0; n < count; n += 1) samples.push(await next());
  const cpuMs = ((cpuSeconds(pids) - cpuBefore) * 1000) / count;
  const statuses = {};
  for (const { status } of samples) statuses[status] = (statuses[status] ?? 0) + 1;
  return {
    samples: count,
    statuses,
    ok: samples.every(({ status }) => status >= 200 && status < 300),
    rowsRead: figure(samples, (s) => s.timing?.rowsRead),
    rowsWritten: figure(samples, (s) => s.timing?.rowsWritten),
    roundTrips: figure(samples, (s) => s.timing?.roundTrips),
    d1Ms: figure(samples, (s) => s.timing?.d1Ms),
    p50Ms: median(samples.map((s) => s.ms)),
    cpuMs,
    // X-Total-Count as the last sample had it; null when the answer carries none.
    totalCount: samples.at(-1).totalCount === null ? null : Number(samples.at(-1).totalCount),
    // The first URL asked, as the report shows it (rel="next" links are absolute).
    url: firstUrl.replace(server.url.replace(/\/$/, ''), ''),
  };
}
