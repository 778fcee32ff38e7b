// Key management end to end: `npm run keys` against the local D1 that `wrangler dev` serves
// (ACCESS_MODE=writes, as deployed), and the keys it mints, lists and revokes, in use.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { run, runToEnd } from '../../scripts/lib/process.mjs';
import { startWranglerDev } from '../../scripts/lib/wrangler-dev.mjs';
import { bearer, json, SEGMENTOS, validSegment } from '../support/api.mjs';

describe('npm run keys, against wrangler dev', () => {
  let dev;
  const keys = (...args) => runToEnd('npm', ['run', '--silent', 'keys', '--', ...args, '--local', '--persist-to', dev.persistDir]);
  let minted;

  before(async () => {
    dev = await startWranglerDev({ vars: { ACCESS_MODE: 'writes' } });
  });
  after(() => dev?.stop());

  it('creates a key, shows it once, and stores only its hash', async () => {
    const output = await keys('create', '--name', 'e2e writer', '--scopes', 'read,write');

    minted = /^(rwk_[A-Za-z0-9_-]{43})$/m.exec(output)?.[1];
    assert.ok(minted, output);
    const id = Number(/Created key (\d+)/.exec(output)[1]);
    const rows = JSON.parse(
      await runToEnd('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', dev.persistDir, '--json', '--command', `SELECT * FROM api_keys WHERE id = ${id}`]),
    )[0].results;
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(minted.slice(12)), 'the stored row holds the key');
    assert.equal(rows[0].prefix, minted.slice(0, 12));
    assert.deepEqual(JSON.parse(rows[0].scopes), ['read', 'write']);
  });

  it('the key writes through wrangler dev; without it the write is a 401', async () => {
    const withKey = await dev.fetch(SEGMENTOS, json('POST', validSegment(), bearer(minted)));
    const without = await dev.fetch(SEGMENTOS, json('POST', validSegment()));

    assert.equal(withKey.status, 201);
    assert.equal(without.status, 401);
    assert.ok(!dev.output().includes(minted), 'the key appeared in wrangler dev output');
  });

  it('lists the key by id, name, prefix and scopes, never the key', async () => {
    const output = await keys('list');

    assert.match(output, /e2e writer/);
    assert.ok(output.includes(minted.slice(0, 12)));
    assert.ok(!output.includes(minted));
  });

  it('revokes the key: it is refused from then on, and listed as revoked', async () => {
    const output = await keys('revoke', '1');

    assert.match(output, /Revoked key 1 "e2e writer"/);
    const refused = await dev.fetch(SEGMENTOS, json('POST', validSegment(), bearer(minted)));
    assert.equal(refused.status, 401);
    assert.match(await keys('list'), /\d{4}-\d{2}-\d{2}T/);
  });

  it('refuses bad input with a message and a non-zero exit', async () => {
    for (const args of [
      ['create', '--name', 'x', '--scopes', 'root'],
      ['create', '--scopes', 'read'],
      ['revoke', 'abc'],
      ['revoke', '99'],
      ['frobnicate'],
    ]) {
      const child = run('npm', ['run', '--silent', 'keys', '--', ...args, '--local', '--persist-to', dev.persistDir]);
      const { code } = await child.exited;
      assert.notEqual(code, 0, args.join(' '));
      assert.ok(child.output.trim().length > 0, args.join(' '));
    }
  });
});
