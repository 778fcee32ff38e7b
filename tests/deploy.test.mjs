// The gradual deploy (`npm run deploy`: scripts/deploy.mjs) as the deploy workflow runs it.
// Cloudflare's API is out of reach here, so `wrangler` is a stand-in on PATH that records
// each call and answers as the real one does (its --json and output-file formats); the
// smoke check runs for real, against the built worker on a local D1 or against a broken
// server. What is tested is the order of the steps and the rollback.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { run } from '../scripts/lib/process.mjs';
import { startWorker } from '../scripts/lib/worker-harness.mjs';

const STABLE = '11111111-1111-4111-8111-111111111111';
const NEW = '22222222-2222-4222-8222-222222222222';

// The stand-in: appends its arguments to $FAKE_WRANGLER_LOG; $FAKE_STABLE is the version
// serving now (empty: none yet); $FAKE_FAIL names a subcommand that fails.
const FAKE_WRANGLER = `#!/usr/bin/env node
const { appendFileSync, writeFileSync } = require('node:fs');
const args = process.argv.slice(2);
appendFileSync(process.env.FAKE_WRANGLER_LOG, JSON.stringify(args) + '\\n');
const command = args.slice(0, 2).join(' ');
if (process.env.FAKE_FAIL && command.startsWith(process.env.FAKE_FAIL)) {
  console.error('✘ [ERROR] ' + command + ' failed (stand-in)');
  process.exit(1);
}
if (command === 'deployments status') {
  if (!process.env.FAKE_STABLE) {
    console.error('✘ [ERROR] The Worker recway-edge-staging has no deployments.');
    process.exit(1);
  }
  console.log(JSON.stringify({ id: 'd1', versions: [{ version_id: process.env.FAKE_STABLE, percentage: 100 }] }));
}
if (command === 'versions upload') {
  writeFileSync(process.env.WRANGLER_OUTPUT_FILE_PATH, JSON.stringify({ type: 'wrangler-session', version: 1 }) + '\\n'
    + JSON.stringify({ type: 'version-upload', version: 1, worker_name: 'recway-edge-staging', version_id: '${NEW}' }) + '\\n');
}
`;

/**
 * Runs `npm run deploy -- <args>`'s script (directly: `npm run` would put the real wrangler
 * first on PATH); returns its exit code, output and the wrangler calls.
 */
async function runDeploy(fakeDir, args, env = {}) {
  const log = join(fakeDir, `calls-${Math.random()}.ndjson`);
  await writeFile(log, '');
  const child = run(process.execPath, ['scripts/deploy.mjs', ...args], {
    env: { PATH: `${fakeDir}${delimiter}${process.env.PATH}`, FAKE_WRANGLER_LOG: log, FAKE_STABLE: STABLE, ...env },
  });
  const { code } = await child.exited;
  const { output } = child;
  const calls = (await readFile(log, 'utf8')).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
  return { code, output, calls };
}

/** A deploy of staging to `url`. */
const deploy = (fakeDir, url, env) => runDeploy(fakeDir, ['staging', url, '--message', 'test'], env);

/** The subcommands called, with the traffic split of each `versions deploy`. */
const steps = (calls) => calls.map((args) => (args[1] === 'deploy' && args[0] === 'versions'
  ? `versions deploy ${args.filter((arg) => arg.includes('@')).join(' ')}`
  : args.slice(0, args[0] === 'd1' ? 3 : 2).join(' ')));

/** A server that records each request's headers and answers 503 to all of them. */
async function brokenServer() {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"detail":"down"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => server.close() };
}

describe('npm run deploy', () => {
  let fakeDir;
  let worker;

  before(async () => {
    fakeDir = await mkdtemp(join(tmpdir(), 'recway-fake-wrangler-'));
    await writeFile(join(fakeDir, 'wrangler'), FAKE_WRANGLER);
    await chmod(join(fakeDir, 'wrangler'), 0o755);
    worker = await startWorker();
  });

  after(async () => {
    await worker?.close();
    await rm(fakeDir, { recursive: true, force: true });
  });

  it('migrates, uploads, sends the new version 10%, smoke-checks it, then promotes it to 100%', async () => {
    const { code, output, calls } = await deploy(fakeDir, worker.url);

    assert.equal(code, 0, output);
    assert.deepEqual(steps(calls), [
      'd1 migrations apply',
      'deployments status',
      'versions upload',
      `versions deploy ${NEW}@10% ${STABLE}@90%`,
      `versions deploy ${NEW}@100%`,
    ]);
    assert.deepEqual(calls[0], ['d1', 'migrations', 'apply', 'DB', '--remote', '--env', 'staging']);
    assert.match(output, /smoke: ✔ it is gone/);
    assert.match(output, new RegExp(`version ${NEW} serves 100% of staging`));
  });

  it('rolls back to the stable version when the smoke check fails, and exits 1', async () => {
    const broken = await brokenServer();
    try {
      const { code, output, calls } = await deploy(fakeDir, broken.url);

      assert.equal(code, 1, output);
      assert.deepEqual(steps(calls).slice(-2), [`versions deploy ${NEW}@10% ${STABLE}@90%`, `versions deploy ${STABLE}@100%`]);
      assert.match(output, new RegExp(`smoke check failed, rolled back to version ${STABLE}: health failed: GET /health: expected 200, got 503`));
      // The smoke check asked for the new version, whatever the traffic split.
      assert.equal(broken.seen[0]['cloudflare-workers-version-overrides'], `recway-edge-staging="${NEW}"`);
    } finally {
      broken.close();
    }
  });

  it('deploys a Worker that has never been deployed straight to 100%, then smoke-checks it', async () => {
    const { code, output, calls } = await deploy(fakeDir, worker.url, { FAKE_STABLE: '' });

    assert.equal(code, 0, output);
    assert.deepEqual(steps(calls), ['d1 migrations apply', 'deployments status', 'deploy --env']);
    assert.match(output, /smoke: ✔ it is gone/);
  });

  it('stops before uploading anything when the migrations fail', async () => {
    const { code, output, calls } = await deploy(fakeDir, worker.url, { FAKE_FAIL: 'd1 migrations' });

    assert.equal(code, 1, output);
    assert.deepEqual(steps(calls), ['d1 migrations apply']);
    assert.match(output, /✖ deploy: wrangler d1 migrations apply DB --remote --env staging exited with 1/);
  });

  it('refuses an unknown environment and a percentage outside 1 to 99 before calling wrangler', async () => {
    for (const [args, message] of [
      [['prod', worker.url], /unknown environment "prod"/],
      [['staging', worker.url, '--percent', '100'], /--percent must be a whole number from 1 to 99, not 100/],
    ]) {
      const { code, output, calls } = await runDeploy(fakeDir, args);

      assert.equal(code, 1, output);
      assert.match(output, message);
      assert.deepEqual(calls, []);
    }
  });
});
