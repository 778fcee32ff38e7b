// `wrangler dev` as `npm start` runs it, for the end-to-end, fuzzing and load tests: a
// fresh local D1 (migrated by `wrangler d1 migrations apply --local`) in a temporary
// directory, the API on free ports, and a clean stop of wrangler and workerd.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { rootDir } from './worker.mjs';

const STARTUP_TIMEOUT_MS = 180_000;

/** A TCP port nothing listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command from the repository in its own process group, collecting its output. */
export function run(command, args, env = {}) {
  const child = spawn(command, args, {
    cwd: rootDir,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.output = '';
  child.stdout.on('data', (chunk) => (child.output += chunk));
  child.stderr.on('data', (chunk) => (child.output += chunk));
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

/** Runs a command to its end and asserts it succeeded; returns its output. */
export async function runToEnd(command, args, env = {}) {
  const child = run(command, args, env);
  const { code } = await child.exited;
  assert.equal(code, 0, `${command} ${args.join(' ')}\n${child.output}`);
  return child.output;
}

async function waitUntilServing(url, server) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exited = false;
  server.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(new URL('/health', url));
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not start serving:\n${server.output}`);
}

/**
 * Starts `wrangler dev` (build included) on a fresh, migrated local D1. `vars` override
 * wrangler.toml's. Returns its URL, its D1 directory (for `wrangler d1 execute
 * --persist-to` and `npm run keys`), its output so far, and `stop()`.
 */
export async function startWranglerDev({ vars = {} } = {}) {
  const persistDir = await mkdtemp(join(tmpdir(), 'recway-dev-'));
  // CI=1: wrangler skips its "apply migrations?" prompt in non-interactive runs.
  await runToEnd('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir], { CI: '1' });

  const varArgs = Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
  // A port free when chosen can be taken before wrangler binds it (workerd's own sockets
  // take ephemeral ports too): then wrangler exits saying so, and a new pair is tried.
  let url;
  let server;
  for (let attempt = 1; ; attempt += 1) {
    const [port, inspectorPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${port}`;
    server = run('wrangler', [
      'dev', '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(inspectorPort), '--persist-to', persistDir, ...varArgs,
    ]);
    try {
      await waitUntilServing(url, server);
      break;
    } catch (error) {
      if (attempt >= 3 || !server.output.includes('Address already in use')) throw error;
    }
  }
  return {
    url,
    persistDir,
    output: () => server.output,
    fetch: (path, init) => fetch(new URL(path, url), init),
    /** Stops wrangler and workerd (SIGTERM to the group); returns how wrangler exited. */
    stop: async () => {
      if (server.exitCode === null && server.signalCode === null) process.kill(-server.pid, 'SIGTERM');
      const exit = await server.exited;
      await rm(persistDir, { recursive: true, force: true });
      return exit;
    },
  };
}
