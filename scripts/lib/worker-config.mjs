// What a worker's wrangler.toml says, as wrangler itself resolves it (environments,
// inheritance, defaults): the one reader of it for the tests, the benchmarks and the scripts.
import { join } from 'node:path';
import { unstable_readConfig } from 'wrangler';

import { rootDir } from './paths.mjs';

/**
 * RecWay as wrangler.toml configures it at its top level (`npm start`'s). A worker here is
 * `{ cwd, config, env }`: where wrangler runs for it, its wrangler.toml, and the
 * environment to use (none: the top level).
 */
export const RECWAY = { cwd: rootDir, config: join(rootDir, 'wrangler.toml') };

/** The whole configuration of `worker`, as wrangler reads it. */
export const wranglerConfig = (worker = RECWAY) => unstable_readConfig({ config: worker.config, env: worker.env });

/** What the local harnesses need of `worker`'s configuration. */
export function readWorkerConfig(worker = RECWAY) {
  const config = wranglerConfig(worker);
  return {
    compatibilityDate: config.compatibility_date,
    databaseId: config.d1_databases[0].database_id,
    vars: config.vars,
  };
}

/** wrangler's options that pick `worker`'s configuration and environment. */
export const configArgs = (worker) => ['--config', worker.config, ...(worker.env ? ['--env', worker.env] : [])];
