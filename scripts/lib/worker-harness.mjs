// Runs the built worker in workerd through wrangler's test harness (Miniflare underneath),
// with a real local D1 that is fresh for every startWorker() call: one per test file, or
// one for `npm run bench:bulk`.
//
// scripts/test.sh builds the worker once (`wrangler deploy --dry-run --outdir build/dist`),
// so starting a harness does not rebuild it.
import { createTestHarness } from 'wrangler';

import { PREBUILT_DIR, rootDir } from './paths.mjs';
import { wranglerConfig } from './worker-config.mjs';

/**
 * The worker as wrangler.toml configures it (top level), inline, so that a test can change
 * what a prebuilt worker directory cannot: drop the D1 binding, or set the rate limit.
 */
function inlineConfig({ database, rateLimit, analytics, vars, prebuilt }) {
  const config = wranglerConfig();
  return {
    name: config.name,
    main: `${prebuilt}/worker.js`,
    compatibility_date: config.compatibility_date,
    no_bundle: true,
    rules: [{ type: 'CompiledWasm', globs: ['**/*.wasm'] }],
    vars: { ...config.vars, ...vars },
    d1_databases:
      database === 'none'
        ? []
        : config.d1_databases.map((d1) => ({ ...d1, migrations_dir: `${rootDir}/migrations` })),
    ratelimits: rateLimit
      ? [{ name: 'RATE_LIMITER', namespace_id: '9001', simple: rateLimit }]
      : config.ratelimits,
    analytics_engine_datasets: analytics ? [{ binding: 'ANALYTICS', dataset: 'recway_test' }] : [],
  };
}

/** A console line as a structured log entry with `field`, or nothing if it is not one. */
function parsedLogLine(message, field) {
  try {
    const entry = JSON.parse(message);
    return entry?.[field] ? [entry] : [];
  } catch {
    return [];
  }
}

async function harnessInput({
  database = 'migrated',
  vars = {},
  rateLimit,
  analytics = false,
  prebuilt = PREBUILT_DIR,
} = {}) {
  return database === 'none' || rateLimit || analytics
    ? { config: inlineConfig({ database, rateLimit, analytics, vars, prebuilt }) }
    : { configPath: 'wrangler.toml', prebuiltWorkerDir: prebuilt, vars };
}

/**
 * Starts the worker. `database`: 'migrated' (the default: every migration applied),
 * 'empty' (D1 bound, no tables), or 'none' (no D1 binding at all). `vars` override
 * wrangler.toml's (`ACCESS_MODE`, `CORS_ALLOWED_ORIGINS`, ...); `rateLimit`
 * (`{ limit, period }`) replaces the configured rate limit; `analytics: true` binds an
 * Analytics Engine dataset as `ANALYTICS`; `prebuilt` names another bundle directory than
 * scripts/test.sh's (the panic probe's).
 */
export async function startWorker(options = {}) {
  const server = createTestHarness({ root: rootDir, workers: [await harnessInput(options)] });
  const { url } = await server.listen();
  const worker = server.getWorker();
  if ((options.database ?? 'migrated') === 'migrated') await worker.applyD1Migrations('DB');
  const env = await worker.getEnv();
  return {
    url,
    /** The D1 binding itself, to arrange data and inspect what requests wrote. */
    db: env.DB,
    /**
     * Reloads the worker with other options (as a deploy would), on the same URL;
     * returns its new D1 binding.
     */
    redeploy: async (next) => {
      await server.update({ root: rootDir, workers: [await harnessInput(next)] });
      const reloaded = server.getWorker();
      if ((next.database ?? 'migrated') === 'migrated') await reloaded.applyD1Migrations('DB');
      return (await reloaded.getEnv()).DB;
    },
    /** Runs the worker's cron handler, as the `cron` trigger would. */
    scheduled: (cron) => worker.scheduled({ cron, scheduledTime: new Date() }),
    /** Real HTTP to the worker's local socket. */
    fetch: (path, init) => fetch(new URL(path, url), init),
    /** The request-log entries (one JSON object per request) written so far. */
    requestLog: () => server.getLogs().flatMap(({ message }) => parsedLogLine(message, 'request_id')),
    /** The log entries of cron jobs (one JSON object per run) written so far. */
    jobLog: () => server.getLogs().flatMap(({ message }) => parsedLogLine(message, 'job')),
    /** Notices the worker logs about itself (configuration, degraded bindings). */
    notices: () => server.getLogs().flatMap(({ message }) => parsedLogLine(message, 'notice')),
    /** Every console line written so far, as text. */
    consoleLines: () => server.getLogs().map(({ message }) => message),
    clearLogs: () => server.clearLogs(),
    close: () => server.close(),
  };
}
