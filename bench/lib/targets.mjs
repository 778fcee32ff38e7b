// The servers the benchmark compares, each started fresh on a copy of the seeded data and
// pinned to one CPU (the load generator gets the other): RecWay and the Hono peer on
// workerd's own socket (Miniflare), and the FastAPI peer under uvicorn; through `wrangler
// dev`, scripts/lib/wrangler-dev.mjs with `cpu: SERVER_CPU`. Each reports the processes
// whose CPU time and memory count as serving.
import { execFileSync } from 'node:child_process';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { waitUntilServing } from '../../scripts/lib/health.mjs';
import { rootDir } from '../../scripts/lib/paths.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { processTree, run, runToEnd, stopGroup } from '../../scripts/lib/process.mjs';
import { configArgs, RECWAY, readWorkerConfig } from '../../scripts/lib/worker-config.mjs';
import { applyLocalMigrations } from '../../scripts/lib/wrangler-dev.mjs';

export const honoDir = join(rootDir, 'bench/peers/hono');
const fastapiDir = join(rootDir, 'bench/peers/fastapi');
const venvPython = join(rootDir, 'build/bench-venv/bin/python');

export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

/** RecWay's (its bench environment) and the Hono peer's wrangler configuration. */
export const WORKERS = {
  recway: { ...RECWAY, env: 'bench' },
  hono: { cwd: honoDir, config: join(honoDir, 'wrangler.toml') },
};

/** Runs `command` pinned to `cpu` with taskset; as it is for a `cpu` of null. */
function runPinned(cpu, command, args, options) {
  return cpu === null ? run(command, args, options) : run('taskset', ['-c', String(cpu), command, ...args], options);
}

/** Waits until `child` serves /health at `url`; stops it if it does not. */
async function serving(child, url) {
  try {
    await waitUntilServing(new URL('/health', url).href, { child });
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
}

/** Builds a worker as it would be deployed, into `outDir`. */
export async function buildWorker(worker, outDir) {
  await rm(outDir, { recursive: true, force: true });
  await runToEnd('wrangler', ['deploy', '--dry-run', ...configArgs(worker), '--outdir', outDir], { cwd: worker.cwd });
}

/** A local D1 in `persistDir` with the migrations applied and `seedFile` run. */
export async function seedD1(worker, persistDir, seedFile) {
  await applyLocalMigrations(worker, persistDir);
  await runToEnd('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, ...configArgs(worker), '--file', seedFile], {
    cwd: worker.cwd,
  });
}

/** An SQLite file with the same migrations (the files themselves) and seed as D1. */
export async function seedSqlite(file, seedFile) {
  const migrations = (await readdir(join(rootDir, 'migrations'))).filter((name) => name.endsWith('.sql')).sort();
  await rm(file, { force: true });
  const script = 'import sqlite3, sys\nwith sqlite3.connect(sys.argv[1]) as db:\n    for path in sys.argv[2:]:\n        db.executescript(open(path, encoding="utf-8").read())\n';
  execFileSync('python3', ['-c', script, file, ...migrations.map((name) => join(rootDir, 'migrations', name)), seedFile]);
}

/**
 * A private copy of seeded data, so that every server starts from the same state. An
 * SQLite file's write-ahead log from an earlier run goes too: SQLite would replay it
 * into the fresh copy.
 */
export async function copyOf(source, destination) {
  for (const path of [destination, `${destination}-wal`, `${destination}-shm`]) {
    await rm(path, { recursive: true, force: true });
  }
  await cp(source, destination, { recursive: true });
  return destination;
}

/** The `{ url, pid }` line bench/serve-worker.mjs prints once it serves. */
function announcement(child) {
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = child.output.split('\n').find((text) => text.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line));
    });
    child.exited.then(() => reject(new Error(`serve-worker exited:\n${child.output}`)));
  });
}

/**
 * The worker in `bundleDir` on workerd's own socket, pinned to `cpu` (null: not pinned);
 * only workerd counts as serving. `stop(signal)` ends serve-worker and workerd.
 */
export async function startOnWorkerd(worker, bundleDir, persistDir, { inspector = false, cpu = SERVER_CPU } = {}) {
  const { compatibilityDate, databaseId, vars } = readWorkerConfig(worker);
  const inspectorPort = inspector ? await freePort() : undefined;
  const options = { bundleDir, compatibilityDate, database: { id: databaseId, persistDir }, vars, inspectorPort };
  const child = runPinned(cpu, process.execPath, ['bench/serve-worker.mjs', JSON.stringify(options)]);
  const announced = await announcement(child);
  await serving(child, announced.url);
  return { url: announced.url, pids: () => [announced.pid], inspectorPort, stop: (signal) => stopGroup(child, signal) };
}

/** The FastAPI peer under uvicorn, one worker process. */
export async function startFastapi(sqlitePath) {
  const port = await freePort();
  const child = runPinned(
    SERVER_CPU,
    venvPython,
    ['-m', 'uvicorn', 'app:app', '--app-dir', fastapiDir, '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
    { env: { RECWAY_SQLITE_PATH: sqlitePath } },
  );
  const url = `http://127.0.0.1:${port}/`;
  await serving(child, url);
  return { url, pids: () => processTree(child.pid), stop: () => stopGroup(child) };
}
