// The shared helpers of scripts/lib that the tests, the benchmarks and the scripts stand on:
// statistics, ports, waiting for a server, wrangler.toml, child processes. Fast, with ports
// from the operating system and no assertion on how long anything took.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { waitUntilServing } from '../scripts/lib/health.mjs';
import { rootDir } from '../scripts/lib/paths.mjs';
import { freePort } from '../scripts/lib/ports.mjs';
import { childNamed, procStat, processTree, run, runToEnd, stopGroup } from '../scripts/lib/process.mjs';
import { median, percentile } from '../scripts/lib/stats.mjs';
import { RECWAY, readWorkerConfig } from '../scripts/lib/worker-config.mjs';

/** An HTTP server on a port of the system's choosing; `answer(n)` gives the nth request's status. */
async function httpServer(answer) {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    response.writeHead(answer(requests)).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/health`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Whether `pid` is a live process (a zombie is not: it has ended, unreaped). */
function alive(pid) {
  try {
    return procStat(pid).state !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `predicate` until it holds; fails after `timeoutMs` (a bound, not a measurement). */
async function eventually(predicate, message, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    assert.ok(Date.now() < deadline, message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('stats', () => {
  it('the median of an odd count is its middle value, whatever the order', () => {
    const values = [9, 1, 5];
    assert.equal(median(values), 5);
    assert.deepEqual(values, [9, 1, 5], 'the input is left as it was');
  });

  it('the median of an even count is the mean of the two middle values', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([10, 20]), 15);
    assert.equal(median([7]), 7);
  });

  it('a percentile interpolates linearly between the two closest ranks', () => {
    const values = [40, 10, 30, 20];
    assert.equal(percentile(values, 0), 10);
    assert.equal(percentile(values, 100), 40);
    assert.equal(percentile(values, 25), 17.5);
    assert.equal(percentile(values, 50), median(values));
    const tens = Array.from({ length: 10 }, (_, i) => i + 1);
    assert.ok(Math.abs(percentile(tens, 90) - 9.1) < 1e-9, String(percentile(tens, 90)));
    assert.ok(Math.abs(percentile(tens, 99) - 9.91) < 1e-9, String(percentile(tens, 99)));
  });

  it('a percentile outside 0 to 100 is refused, and one of no values is NaN', () => {
    assert.throws(() => percentile([1, 2], 101), RangeError);
    assert.throws(() => percentile([1, 2], -1), RangeError);
    assert.ok(Number.isNaN(median([])));
  });
});

describe('ports', () => {
  it('freePort gives a port that a server can then listen on', async () => {
    const port = await freePort();
    assert.ok(Number.isInteger(port) && port > 0 && port < 65536, String(port));
    const server = createTcpServer();
    await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    assert.equal(server.address().port, port);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('health', () => {
  it('waiting where nothing listens ends, once the time is up, with an error naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}/health`;
    await assert.rejects(waitUntilServing(url, { timeoutMs: 300, intervalMs: 50 }), (error) => {
      assert.equal(error.message, `${url}: no 2xx answer within 0.3 s`);
      return true;
    });
  });

  it('waiting resolves once the server answers 2xx, asking again after other answers', async () => {
    const server = await httpServer((n) => (n < 3 ? 503 : 200));
    try {
      await waitUntilServing(server.url, { timeoutMs: 30_000, intervalMs: 10 });
      assert.equal(server.requests(), 3);
    } finally {
      await server.close();
    }
  });

  it('waiting with a time in fractions of a millisecond asks the server, as with whole ones', async () => {
    // A time left computed from performance.now() is fractional (bench:reload's is).
    const server = await httpServer(() => 200);
    try {
      await waitUntilServing(server.url, { timeoutMs: 5_000.5, intervalMs: 10 });
      assert.equal(server.requests(), 1);
    } finally {
      await server.close();
    }
  });

  it('waiting takes what `accept` accepts, and says what it expected when nothing is', async () => {
    const server = await httpServer(() => 204);
    try {
      const refuse = waitUntilServing(server.url, { timeoutMs: 200, intervalMs: 20, accept: () => false, expected: 'answer with a body' });
      await assert.rejects(refuse, /: no answer with a body within 0\.2 s$/);
      await waitUntilServing(server.url, { timeoutMs: 30_000, accept: (response) => response.status === 204 });
    } finally {
      await server.close();
    }
  });

  it('waiting stops when the process that should serve ends, with what it printed', async () => {
    const url = `http://127.0.0.1:${await freePort()}/health`;
    const child = run(process.execPath, ['-e', "console.error('no such config: wrangler.toml'); process.exit(3)"]);
    await assert.rejects(waitUntilServing(url, { child, timeoutMs: 60_000 }), (error) => {
      assert.match(error.message, /: no 2xx answer before the process serving it ended \(3\):\n/);
      assert.match(error.message, /no such config: wrangler\.toml/);
      return true;
    });
  });
});

describe('worker config', () => {
  it('reads the compatibility date that wrangler.toml states', () => {
    const toml = readFileSync(join(rootDir, 'wrangler.toml'), 'utf8');
    const [, stated] = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml);
    assert.match(stated, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(readWorkerConfig().compatibilityDate, stated);
    // An environment inherits it.
    assert.equal(readWorkerConfig({ ...RECWAY, env: 'bench' }).compatibilityDate, stated);
  });
});

describe('process', () => {
  it('stopGroup ends a child and the process it started, which share its group', async () => {
    const script = `
      const grandchild = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log('grandchild ' + grandchild.pid);
      setInterval(() => {}, 1000);`;
    const child = run(process.execPath, ['-e', script]);
    const grandchild = await new Promise((resolve, reject) => {
      child.stdout.on('data', () => {
        const found = /^grandchild (\d+)$/m.exec(child.output);
        if (found) resolve(Number(found[1]));
      });
      child.exited.then(() => reject(new Error(`the child ended first:\n${child.output}`)));
    });
    try {
      assert.ok(alive(grandchild));
      assert.deepEqual(processTree(child.pid), [child.pid, grandchild]);
      assert.equal(childNamed(child.pid, 'node'), grandchild);
    } finally {
      const exit = await stopGroup(child);
      assert.equal(exit.signal, 'SIGTERM');
    }
    await eventually(() => !alive(grandchild), `process ${grandchild}, started by the child, still runs`);
  });

  it('runToEnd gives the output of a command that succeeds, and an error with it for one that fails', async () => {
    assert.equal(await runToEnd(process.execPath, ['-e', "process.stdout.write('made it')"]), 'made it');
    await assert.rejects(runToEnd(process.execPath, ['-e', "console.error('it broke'); process.exit(2)"]), /failed \(2\):\nit broke/);
  });

  it('a command that cannot start ends with an error instead of never', async () => {
    const child = run('recway-no-such-command', []);
    const exit = await child.exited;
    assert.equal(exit.code, null);
    assert.equal(exit.error.code, 'ENOENT');
    assert.match(child.output, /ENOENT/);
    assert.equal((await stopGroup(child)).error.code, 'ENOENT');
  });
});
