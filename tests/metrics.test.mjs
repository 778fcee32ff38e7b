// GET /metrics: this isolate's figures in the Prometheus text format, and Server-Timing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { json, SEGMENTOS, validSegment } from './support/api.mjs';

/** Samples of the exposition: `name{labels}` → number. */
function samples(text) {
  const values = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-z0-9_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    values.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return values;
}

/** The value of the one sample whose name and labels include every `parts`. */
function sample(values, ...parts) {
  const found = [...values].filter(([key]) => parts.every((part) => key.includes(part)));
  assert.equal(found.length, 1, `one sample with ${parts.join(', ')}: ${found.map(([key]) => key).join('\n')}`);
  return found[0][1];
}

describe('metrics (open access, as in local development)', () => {
  let api;
  before(async () => {
    api = await startWorker();
  });
  after(() => api.close());

  it('counts requests by route, method and status, with latency and D1 histograms', async () => {
    const before = samples(await (await api.fetch('/metrics')).text());
    const count = (values, route, method, status) =>
      [...values].find(([key]) => key.startsWith('recway_requests_total{') && key.includes(`route="${route}",method="${method}",status="${status}"`))?.[1] ?? 0;

    await api.fetch(SEGMENTOS);
    await api.fetch(SEGMENTOS);
    await api.fetch(SEGMENTOS, json('POST', {}));
    await api.fetch(SEGMENTOS, json('POST', validSegment()));
    const after = samples(await (await api.fetch('/metrics')).text());

    assert.equal(count(after, 'segmentos', 'GET', 200) - count(before, 'segmentos', 'GET', 200), 2);
    assert.equal(count(after, 'segmentos', 'POST', 422) - count(before, 'segmentos', 'POST', 422), 1);
    assert.equal(count(after, 'segmentos', 'POST', 201) - count(before, 'segmentos', 'POST', 201), 1);
    assert.ok(sample(after, 'recway_request_duration_seconds_count{', 'route="segmentos"') >= 4);
    assert.ok(sample(after, 'recway_d1_query_duration_seconds_count{') >= 3);
    assert.ok(sample(after, 'recway_isolate_uptime_seconds{') >= 0);
  });

  it('labels every series with the isolate and says so in each HELP line', async () => {
    const text = await (await api.fetch('/metrics')).text();

    const isolates = new Set([...samples(text).keys()].map((key) => /isolate="([^"]+)"/.exec(key)?.[1]));
    assert.equal(isolates.size, 1);
    assert.match([...isolates][0], /^[0-9a-f-]{36}$/);
    for (const help of text.split('\n').filter((line) => line.startsWith('# HELP'))) {
      assert.match(help, /\(per-isolate\)/);
    }
  });

  it('buckets are cumulative and the +Inf bucket equals the count', async () => {
    const values = samples(await (await api.fetch('/metrics')).text());
    const buckets = [...values].filter(([key]) => key.startsWith('recway_request_duration_seconds_bucket{') && key.includes('route="segmentos"'));

    const counts = buckets.map(([, value]) => value);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
    assert.equal(counts.at(-1), sample(values, 'recway_request_duration_seconds_count{', 'route="segmentos"'));
  });

  it('is never cached', async () => {
    const response = await api.fetch('/metrics');

    assert.equal(response.headers.get('cache-control'), 'no-store');
  });
});

describe('Analytics Engine', () => {
  it('sends a data point per request to a bound dataset, none of them failing', async () => {
    const api = await startWorker({ analytics: true });
    try {
      api.clearLogs();
      const responses = [await api.fetch('/health'), await api.fetch(SEGMENTOS), await api.fetch('/nowhere')];

      assert.deepEqual(responses.map((response) => response.status), [200, 200, 404]);
      assert.deepEqual(api.notices().filter((line) => /analytics/.test(line.notice)), []);
    } finally {
      await api.close();
    }
  });

  it('is a no-op when no dataset is bound: requests are served as usual', async () => {
    const api = await startWorker();
    try {
      api.clearLogs();
      const response = await api.fetch('/health');

      assert.equal(response.status, 200);
      assert.equal(api.notices().filter((line) => /analytics/.test(line.notice)).length, 0);
    } finally {
      await api.close();
    }
  });
});
