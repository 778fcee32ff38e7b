// The servers the benchmark compares, each started fresh on a copy of the seeded data and
// pinned to one CPU (the load generator gets the other): RecWay and the Hono peer on
// workerd's own socket (Miniflare) and through `wrangler dev`, and the FastAPI peer under
// uvicorn. Each reports the processes whose CPU time and memory count as serving.
import { execFileSync, spawn } from 'node:child_process';
import { cp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unstable_readConfig } from 'wrangler';

import { processTree } from './processes.mjs';

export const rootDir = fileURLToPath(new URL('../../', import.meta.url));
export const honoDir = join(rootDir, 'bench/peers/hono');
const fastapiDir = join(rootDir, 'bench/peers/fastapi');
const venvPython = join(rootDir, 'build/bench-venv/bin/python');
const STARTUP_TIMEOUT_MS = 180_000;
const OUTPUT_KEPT = 20_000;

export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

/** RecWay's and the Hono peer's wrangler configuration, as `wrangler` reads it. */
export const WORKERS = {
  recway: { cwd: rootDir, config: join(rootDir, 'wrangler.toml'), env: 'bench' },
  hono: { cwd: honoDir, config: join(honoDir, 'wrangler.toml'), env: undefined },
};

export function readWorkerConfig(worker) {
  const config = unstable_readConfig({ config: worker.config, env: worker.env });
  return {
    compatibilityDate: config.compatibility_date,
    databaseId: config.d1_databases[0].database_id,
    vars: config.vars,
  };
}

const envArgs = (worker) => (worker.env ? ['--env', worker.env] : []);

/** Starts `command` in its own process group, keeping the tail of its output. */
function start(command, args, { cwd = rootDir, env = {} } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.output = '';
  const keep = (chunk) => (child.output = (child.output + chunk).slice(-OUTPUT_KEPT));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

/** Runs a command to its end; throws with its output if it fails. */
export async function runToEnd(command, args, options) {
  const child = start(command, args, options);
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${child.output}`);
  return child.output;
}

async function stopGroup(child) {
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM');
  await child.exited;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(new URL('/health', url))).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not start serving:\n${child.output}`);
}

/** Builds a worker as it would be deployed, into `outDir`. */
export async function buildWorker(worker, outDir) {
  await rm(outDir, { recursive: true, force: true });
  await runToEnd('wrangler', ['deploy', '--dry-run', ...envArgs(worker), '--outdir', outDir], { cwd: worker.cwd });
}

/** A local D1 in `persistDir` with the migrations applied and `seedFile` run. */
export async function seedD1(worker, persistDir, seedFile) {
  const local = ['--local', '--persist-to', persistDir, ...envArgs(worker)];
  // CI=1: no "apply migrations?" prompt.
  await runToEnd('wrangler', ['d1', 'migrations', 'apply', 'DB', ...local], { cwd: worker.cwd, env: { CI: '1' } });
  await runToEnd('wrangler', ['d1', 'execute', 'DB', ...local, '--file', seedFile], { cwd: worker.cwd });
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

/** The worker in `bundleDir` on workerd's own socket; only workerd counts as serving. */
export async function startOnWorkerd(worker, bundleDir, persistDir, { inspector = false } = {}) {
  const { compatibilityDate, databaseId, vars } = readWorkerConfig(worker);
  const inspectorPort = inspector ? await freePort() : undefined;
  const options = { bundleDir, compatibilityDate, database: { id: databaseId, persistDir }, vars, inspectorPort };
  const child = start('taskset', ['-c', String(SERVER_CPU), process.execPath, 'bench/serve-worker.mjs', JSON.stringify(options)]);
  const announced = await new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = child.output.split('\n').find((text) => text.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line));
    });
    child.exited.then(() => reject(new Error(`serve-worker exited:\n${child.output}`)));
  });
  await waitForHealth(announced.url, child);
  return { url: announced.url, pids: () => [announced.pid], inspectorPort, stop: () => stopGroup(child) };
}

/** `wrangler dev` as a developer runs it: wrangler, its proxy and the worker all count. */
export async function startWranglerDev(worker, persistDir) {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child = start(
    'taskset',
    ['-c', String(SERVER_CPU), 'wrangler', 'dev', '--config', worker.config, '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(inspectorPort), '--persist-to', persistDir, ...envArgs(worker)],
    { cwd: worker.cwd },
  );
  const url = `http://127.0.0.1:${port}/`;
  await waitForHealth(url, child);
  return { url, pids: () => processTree(child.pid), stop: () => stopGroup(child) };
}

/** The FastAPI peer under uvicorn, one worker process. */
export async function startFastapi(sqlitePath) {
  const port = await freePort();
  const child = start(
    'taskset',
    ['-c', String(SERVER_CPU), venvPython, '-m', 'uvicorn', 'app:app', '--app-dir', fastapiDir,
      '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
    { env: { RECWAY_SQLITE_PATH: sqlitePath } },
  );
  const url = `http://127.0.0.1:${port}/`;
  await waitForHealth(url, child);
  return { url, pids: () => processTree(child.pid), stop: () => stopGroup(child) };
}
