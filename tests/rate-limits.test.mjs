// Rate limiting (OWASP API4) through the [[ratelimits]] binding, as Miniflare runs it: a
// 429 with Retry-After past the limit, counted per API key, or per client IP without one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { bearer, createApiKey, SEGMENTOS } from './support/api.mjs';

const LIMIT = 5;
const PERIOD_MS = 60_000;

/**
 * Waits, when a window of the limiter is about to end, for the next one: Miniflare aligns
 * its windows to the wall clock and forgets every count when one ends, so a sequence of
 * requests that crossed the boundary would be counted in two windows. Each test's
 * requests take well under the 10 s this leaves.
 */
async function aWholeWindowAhead() {
  const left = PERIOD_MS - (Date.now() % PERIOD_MS);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/** Sends `count` reads as `headers` and returns their statuses. */
async function statuses(api, count, headers = {}) {
  const responses = [];
  for (let i = 0; i < count; i += 1) responses.push(await api.fetch(SEGMENTOS, { headers }));
  return responses;
}

describe('rate limits', () => {
  let api;
  before(async () => {
    api = await startWorker({ vars: { ACCESS_MODE: 'writes' }, rateLimit: { limit: LIMIT, period: 60 } });
  });
  after(() => api.close());

  it(`answers the ${LIMIT + 1}th request of a client IP within the period with 429 and Retry-After`, async () => {
    await aWholeWindowAhead();
    const responses = await statuses(api, LIMIT + 1, { 'cf-connecting-ip': '203.0.113.7' });

    assert.deepEqual(responses.slice(0, LIMIT).map((r) => r.status), Array(LIMIT).fill(200));
    const limited = responses[LIMIT];
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '60');
    assert.deepEqual(await limited.json(), { detail: 'Too Many Requests: retry later' });
  });

  it('counts each client IP on its own', async () => {
    const [response] = await statuses(api, 1, { 'cf-connecting-ip': '203.0.113.8' });

    assert.equal(response.status, 200);
  });

  it('counts a request with a valid key against the key, not the IP it comes from', async () => {
    const { key } = await createApiKey(api.db, ['read']);
    const sharedIp = { 'cf-connecting-ip': '203.0.113.9' };
    await aWholeWindowAhead();
    await statuses(api, LIMIT, sharedIp);

    const [withKey] = await statuses(api, 1, { ...sharedIp, ...bearer(key) });
    const [withoutKey] = await statuses(api, 1, sharedIp);

    assert.equal(withKey.status, 200);
    assert.equal(withoutKey.status, 429);
  });

  it('limits each key on its own, wherever its requests come from', async () => {
    const { key } = await createApiKey(api.db, ['read']);
    await aWholeWindowAhead();
    const responses = [];
    for (let i = 0; i <= LIMIT; i += 1) {
      responses.push(await api.fetch(SEGMENTOS, { headers: { ...bearer(key), 'cf-connecting-ip': `198.51.100.${i}` } }));
    }

    assert.equal(responses[LIMIT - 1].status, 200);
    assert.equal(responses[LIMIT].status, 429);
  });

  it('limits a flood of bad keys by IP, so guessing keys is limited too', async () => {
    const ip = { 'cf-connecting-ip': '203.0.113.10' };
    await aWholeWindowAhead();
    const guesses = [];
    for (let i = 0; i <= LIMIT; i += 1) {
      guesses.push(await api.fetch(SEGMENTOS, { headers: { ...ip, ...bearer(`rwk_${String(i).padStart(43, 'A')}`) } }));
    }

    assert.deepEqual(guesses.slice(0, LIMIT).map((r) => r.status), Array(LIMIT).fill(401));
    assert.equal(guesses[LIMIT].status, 429);
  });
});
