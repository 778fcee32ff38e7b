// The built worker straight on workerd (bench/serve-worker.mjs: Miniflare, no harness), on a
// local D1 kept in a directory of the test's: a test can SIGKILL that workerd, as a crash
// would end it, and start another on what it left.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readWorkerConfig, rootDir, runToEnd, WORKERS } from '../../bench/lib/targets.mjs';

const prebuilt = process.env.RECWAY_PREBUILT_DIR ?? 'build/dist';

/** A fresh directory holding a local D1 with every migration applied. */
export async function migratedDatabase() {
  const dir = await mkdtemp(join(tmpdir(), 'recway-d1-'));
  // --env bench: open access and no rate limiter, so that racing writers are not refused.
  await runToEnd('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir, '--env', 'bench'], {
    env: { CI: '1' },
  });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** workerd serving the built worker on the D1 in `dir`; `pid` is workerd's own. */
export async function startWorkerd(dir) {
  const { compatibilityDate, databaseId, vars } = readWorkerConfig(WORKERS.recway);
  const options = { bundleDir: join(rootDir, prebuilt), compatibilityDate, database: { id: databaseId, persistDir: dir }, vars };
  const child = spawn(process.execPath, ['bench/serve-worker.mjs', JSON.stringify(options)], {
    cwd: rootDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const announced = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const line = text.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line));
    });
    exited.then((code) => reject(new Error(`serve-worker exited with ${code} before serving`)));
  });
  return {
    url: announced.url,
    fetch: (path, init) => fetch(new URL(path, announced.url), init),
    /** Ends workerd at once, mid-request, as a crash would; then its parent. */
    kill: async () => {
      process.kill(announced.pid, 'SIGKILL');
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
