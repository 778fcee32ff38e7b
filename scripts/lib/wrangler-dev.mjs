// A worker through `wrangler dev`, as `npm start` runs it (its build included), for the
// end-to-end tests, the load test and the benchmarks: on ports from the operating system,
// on a local D1, and a clean stop of wrangler and its workerd processes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { waitUntilServing } from './health.mjs';
import { freePort } from './ports.mjs';
import { processTree, run, runToEnd, stopGroup } from './process.mjs';
import { configArgs, RECWAY } from './worker-config.mjs';

const STARTUP_TIMEOUT_MS = 180_000;
const PORT_ATTEMPTS = 3;

/** Applies `worker`'s migrations to the local D1 in `persistDir` (made if need be). */
export async function applyLocalMigrations(worker, persistDir) {
  // CI=1: wrangler skips its "apply migrations?" prompt in non-interactive runs.
  await runToEnd('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir, ...configArgs(worker)], {
    cwd: worker.cwd,
    env: { CI: '1' },
  });
}

/**
 * Starts `wrangler dev` for `worker` (RecWay's top level unless told) on the local D1 in
 * `persistDir`, or on a fresh one with every migration applied, which stop() removes.
 * `vars` override the configuration's; `cpu` pins wrangler and all it starts to that CPU.
 * Returns its URL, its D1 directory (for `wrangler d1 execute --persist-to` and
 * `npm run keys`), `output()` so far, `fetch(path, init)`, `pids()` (wrangler, its proxy and
 * the worker's workerd), and `stop()`, which resolves to how wrangler exited.
 */
export async function startWranglerDev({ worker = RECWAY, persistDir, vars = {}, cpu } = {}) {
  const dir = persistDir ?? (await mkdtemp(join(tmpdir(), 'recway-dev-')));
  if (!persistDir) await applyLocalMigrations(worker, dir);
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
  const pinned = cpu === undefined ? [] : ['taskset', '-c', String(cpu)];
  // A port free when chosen can be taken before wrangler binds it (workerd's own sockets
  // take ephemeral ports too): then wrangler exits saying so, and a new pair is tried.
  for (let attempt = 1; ; attempt += 1) {
    const [port, inspectorPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    const [command, ...args] = [
      ...pinned, 'wrangler', 'dev', ...configArgs(worker), '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(inspectorPort), '--persist-to', dir, ...varArgs,
    ];
    const child = run(command, args, { cwd: worker.cwd });
    try {
      await waitUntilServing(`${url}/health`, { child, timeoutMs: STARTUP_TIMEOUT_MS });
    } catch (error) {
      await stopGroup(child);
      if (attempt < PORT_ATTEMPTS && child.output.includes('Address already in use')) continue;
      if (!persistDir) await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return {
      url,
      persistDir: dir,
      output: () => child.output,
      fetch: (path, init) => fetch(new URL(path, url), init),
      pids: () => processTree(child.pid),
      stop: async () => {
        const exit = await stopGroup(child);
        if (!persistDir) await rm(dir, { recursive: true, force: true });
        return exit;
      },
    };
  }
}
