// The built worker straight on workerd (bench/serve-worker.mjs: Miniflare, no harness), on a
// local D1 kept in a directory of the test's: a test can SIGKILL that workerd, as a crash
// would end it, and start another on what it left.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startOnWorkerd, WORKERS } from '../../bench/lib/targets.mjs';
import { PREBUILT_DIR, rootDir } from '../../scripts/lib/paths.mjs';
import { applyLocalMigrations } from '../../scripts/lib/wrangler-dev.mjs';

// The bench environment: open access and no rate limiter, so that racing writers are not refused.
const WORKER = WORKERS.recway;

/** A fresh directory holding a local D1 with every migration applied. */
export async function migratedDatabase() {
  const dir = await mkdtemp(join(tmpdir(), 'recway-d1-'));
  await applyLocalMigrations(WORKER, dir);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** workerd serving the built worker on the D1 in `dir`, on no pinned CPU. */
export async function startWorkerd(dir) {
  const server = await startOnWorkerd(WORKER, join(rootDir, PREBUILT_DIR), dir, { cpu: null });
  return {
    url: server.url,
    fetch: (path, init) => fetch(new URL(path, server.url), init),
    /** Ends workerd and its parent at once, mid-request, as a crash would. */
    kill: () => server.stop('SIGKILL'),
    stop: () => server.stop(),
  };
}
