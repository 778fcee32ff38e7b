// Property-based fuzzing of the live API with Schemathesis, driven by each of the API's
// own OpenAPI documents: the v1 API's (/openapi.json) and OGC API Features'
// (/ogc/openapi.json). For each, `wrangler dev` on a fresh, migrated local D1, then
// scripts/schemathesis.sh (every check; examples, coverage, fuzzing and stateful phases;
// fixed seed; bounded). Any failure or error Schemathesis reports fails the test, with
// Schemathesis's output as the message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { run, stopGroup } from '../../scripts/lib/process.mjs';
import { startWranglerDev } from '../../scripts/lib/wrangler-dev.mjs';

// A run takes one to two minutes on 2 cores; the first one also creates the virtualenv
// and installs Schemathesis from PyPI.
const RUN_TIMEOUT_MS = 600_000;

for (const document of ['/openapi.json', '/ogc/openapi.json']) {
  describe(`Schemathesis over ${document} against wrangler dev`, () => {
    let dev;
    before(async () => {
      dev = await startWranglerDev();
    });
    after(() => dev?.stop());

    it('finds no failure and no error', { timeout: RUN_TIMEOUT_MS + 30_000 }, async () => {
      const env = { RECWAY_URL: dev.url, RECWAY_DOCUMENT: document };
      const schemathesis = run('bash', ['scripts/schemathesis.sh'], { env });
      const timer = setTimeout(() => stopGroup(schemathesis, 'SIGKILL'), RUN_TIMEOUT_MS);
      const { code, signal } = await schemathesis.exited;
      clearTimeout(timer);

      assert.equal(signal, null, `schemathesis did not finish in ${RUN_TIMEOUT_MS / 1000} s:\n${schemathesis.output}`);
      assert.equal(code, 0, `schemathesis exited with ${code}:\n${schemathesis.output}`);
      assert.equal((await dev.fetch('/health')).status, 200, 'wrangler dev stopped during the run');
    });
  });
}
