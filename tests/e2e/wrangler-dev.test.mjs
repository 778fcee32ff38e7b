// End to end: the local D1 migrated by `wrangler d1 migrations apply --local`, the API
// served by `wrangler dev` (build included) on a free port, a whole client workflow over
// real HTTP, and a clean stop. This is the path `npm start` takes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { json, SEGMENTOS, validSegment } from '../support/api.mjs';
import { rootDir } from '../support/worker.mjs';

const STARTUP_TIMEOUT_MS = 180_000;

function freePort() {
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

/** Runs wrangler in its own process group (so stopping it stops workerd too). */
function wrangler(args, env = {}) {
  const child = spawn('wrangler', args, {
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

describe('wrangler dev, end to end', () => {
  let persistDir;
  let server;
  let url;

  before(async () => {
    persistDir = await mkdtemp(join(tmpdir(), 'recway-e2e-'));
    // CI=1: wrangler skips its "apply migrations?" prompt in non-interactive runs.
    const migrate = wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir], { CI: '1' });
    const { code } = await migrate.exited;
    assert.equal(code, 0, migrate.output);

    const [port, inspectorPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${port}`;
    server = wrangler([
      'dev', '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(inspectorPort), '--persist-to', persistDir,
    ]);
    await waitUntilServing(url, server);
  });

  after(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      process.kill(-server.pid, 'SIGTERM');
      await server.exited;
    }
    await rm(persistDir, { recursive: true, force: true });
  });

  const call = (path, init) => fetch(new URL(path, url), init);

  it('serves a full create, read, list, update, delete workflow', async () => {
    const createdResponse = await call(SEGMENTOS, json('POST', validSegment({ ubicacion: 'Córdoba' })));
    assert.equal(createdResponse.status, 201);
    const created = await createdResponse.json();
    const location = createdResponse.headers.get('location');
    assert.equal(location, `${SEGMENTOS}/${created.id_segmento}`);

    const fetched = await call(location, {
      headers: { 'x-d1-bookmark': createdResponse.headers.get('x-d1-bookmark') },
    });
    assert.equal(fetched.status, 200);
    assert.deepEqual(await fetched.json(), created);
    const etag = fetched.headers.get('etag');
    assert.equal(etag, createdResponse.headers.get('etag'));

    const listed = await call(`${SEGMENTOS}/?skip=0&limit=100`);
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('x-total-count'), '1');
    assert.deepEqual(await listed.json(), [created]);

    const updated = await call(location, json('PUT', { descripcion: 'Repavimentado' }, { 'if-match': etag }));
    assert.equal(updated.status, 200);
    assert.deepEqual(
      { ...(await updated.json()), updated_at: '' },
      { ...created, descripcion: 'Repavimentado', updated_at: '', version: 2 },
    );
    const stale = await call(location, json('PATCH', { descripcion: 'Tarde' }, { 'if-match': etag }));
    assert.equal(stale.status, 412);
    assert.equal(stale.headers.get('etag'), updated.headers.get('etag'));

    const deleted = await call(location, { method: 'DELETE' });
    assert.equal(deleted.status, 204);

    const gone = await call(location);
    assert.equal(gone.status, 404);
    assert.deepEqual(await gone.json(), { detail: `Segmento ${created.id_segmento} not found` });
  });

  it('answers both health checks', async () => {
    const health = await call('/health');
    const database = await call('/health/database');

    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, 'healthy');
    assert.equal(database.status, 200);
    assert.equal((await database.json()).database.status, 'connected');
  });

  it('stops cleanly, releasing its port', async () => {
    process.kill(-server.pid, 'SIGTERM');
    const { code, signal } = await server.exited;

    assert.ok(code === 0 || signal === 'SIGTERM' || code === 130 || code === 143, `${code} ${signal}`);
    await assert.rejects(call('/health'));
  });
});
