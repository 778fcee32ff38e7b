// `npm run smoke` (scripts/smoke.mjs), the deploy pipeline's post-deploy check, against
// `wrangler dev`: open, and with keys required for every request; and what it leaves behind
// when a step fails half-way.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { run, runToEnd } from '../../scripts/lib/process.mjs';
import { startWranglerDev } from '../../scripts/lib/wrangler-dev.mjs';
import { SEGMENTOS } from '../support/api.mjs';

const STEPS = ['health', 'database health', 'create a segment', 'read it', 'find it in a list', 'delete it', 'it is gone'];

/** Runs `npm run smoke`; returns its exit code and output. */
async function smoke(...args) {
  const child = run('npm', ['run', '--silent', 'smoke', '--', ...args]);
  const { code } = await child.exited;
  return { code, output: child.output };
}

/** How many segments a smoke check left behind (they carry a `smoke-` tag). */
async function leftBehind(dev, headers = {}) {
  const response = await dev.fetch(`${SEGMENTOS}?q=smoke-&limit=0`, { headers });
  assert.equal(response.status, 200);
  return Number(response.headers.get('x-total-count'));
}

/** Headers that describe one connection or one encoding of a body, not the message. */
const HOP_BY_HOP = ['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding'];

/** A proxy to `url` that answers 500 to every list request, as a broken deploy might. */
async function brokenListProxy(url) {
  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url.startsWith(`${SEGMENTOS}?`)) {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"detail":"Internal Server Error"}');
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const answer = await fetch(new URL(req.url, url), {
      method: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.includes(name))),
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const headers = Object.fromEntries([...answer.headers].filter(([name]) => !HOP_BY_HOP.includes(name)));
    res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('npm run smoke, against wrangler dev with open access', () => {
  let dev;
  before(async () => {
    dev = await startWranglerDev({ vars: { ACCESS_MODE: 'open' } });
  });
  after(() => dev?.stop());

  it('passes every step, each with its latency, and leaves nothing behind', async () => {
    const { code, output } = await smoke(dev.url);

    assert.equal(code, 0, output);
    for (const step of STEPS) assert.match(output, new RegExp(`✔ ${step} \\(\\d+ ms\\)`), output);
    assert.match(output, /smoke check passed/);
    assert.equal(await leftBehind(dev), 0);
  });

  it('stops at the first failing step, says why, exits non-zero, and still deletes its segment', async () => {
    const proxy = await brokenListProxy(dev.url);
    try {
      const { code, output } = await smoke(proxy.url);

      assert.equal(code, 1, output);
      assert.match(output, /✖ find it in a list failed: GET .* expected 200, got 500/);
      assert.doesNotMatch(output, /✔ delete it/);
      assert.match(output, /✔ cleaned up segment \d+/);
      assert.equal(await leftBehind(dev), 0);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a call without a base URL', async () => {
    const { code, output } = await smoke();

    assert.equal(code, 2);
    assert.match(output, /usage: npm run smoke/);
  });
});

describe('npm run smoke, against wrangler dev with a key required for every request', () => {
  let dev;
  let key;
  before(async () => {
    dev = await startWranglerDev({ vars: { ACCESS_MODE: 'all' } });
    const created = await runToEnd('npm', ['run', '--silent', 'keys', '--', 'create', '--name', 'smoke', '--scopes', 'write', '--local', '--persist-to', dev.persistDir]);
    key = /^(rwk_[A-Za-z0-9_-]{43})$/m.exec(created)[1];
  });
  after(() => dev?.stop());

  it('passes with the key, given as --key or in RECWAY_SMOKE_KEY, and leaves nothing behind', async () => {
    const withFlag = await smoke(dev.url, '--key', key);
    const child = run('npm', ['run', '--silent', 'smoke', '--', dev.url], { env: { RECWAY_SMOKE_KEY: key } });
    const { code } = await child.exited;

    assert.equal(withFlag.code, 0, withFlag.output);
    assert.equal(code, 0, child.output);
    assert.equal(await leftBehind(dev, { authorization: `Bearer ${key}` }), 0);
  });

  it('fails at the first step that needs the key, naming the 401', async () => {
    const { code, output } = await smoke(dev.url);

    assert.equal(code, 1, output);
    assert.match(output, /✔ health/);
    assert.match(output, /✖ create a segment failed: POST \/api\/v1\/segmentos: expected 201, got 401/);
  });
});
