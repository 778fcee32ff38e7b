// Bounded load through `wrangler dev` (bench/load.mjs): mixed creates, lists, updates,
// reads and deletes at sustained concurrency for a fixed number of requests. Afterwards no
// response was a 5xx or failed, and the database holds exactly what was acknowledged.
// Throughput and latency are reported (test diagnostics), never asserted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { audit, report, runLoad } from '../../bench/load.mjs';
import { startWranglerDev } from '../../scripts/lib/wrangler-dev.mjs';

const REQUESTS = 1800;
const CONNECTIONS = 16;

describe(`${REQUESTS} mixed requests over ${CONNECTIONS} connections through wrangler dev`, () => {
  let dev;
  let outcome;
  before(async () => {
    dev = await startWranglerDev();
    outcome = await runLoad({ url: dev.url, amount: REQUESTS, connections: CONNECTIONS });
  });
  after(() => dev?.stop());

  it('answered every request, none with a 5xx, none with an unexpected status', (t) => {
    const figures = report(outcome);
    t.diagnostic(`load: ${JSON.stringify(figures)}`);

    assert.equal(figures.requests, REQUESTS);
    assert.equal(figures.statuses['5xx'], 0);
    assert.equal(figures.errors, 0);
    assert.equal(figures.timeouts, 0);
    assert.deepEqual(outcome.ledger.unexpected, []);
    assert.ok(figures.acknowledged.created > 0 && figures.acknowledged.updated > 0 && figures.acknowledged.deleted > 0);
  });

  it('lost and duplicated nothing it acknowledged', async () => {
    assert.deepEqual(await audit(dev.url, outcome.ledger), []);
  });
});
