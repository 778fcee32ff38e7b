// One fixed-duration, fixed-concurrency load run with wrk (Debian's), pinned to its own CPU.
import { fileURLToPath } from 'node:url';

import { run } from '../../scripts/lib/process.mjs';

const SCRIPT = fileURLToPath(new URL('../wrk/request.lua', import.meta.url));

/**
 * Loads `url` with the request shape `endpoint` ({ method, path, body }) for `seconds` over
 * `connections` connections; returns wrk's figures (see bench/wrk/request.lua).
 */
export async function wrk({ url, endpoint, seconds, connections, ids, cpu }) {
  const args = [
    '-c', String(cpu), 'wrk', '--threads', '1', '--connections', String(connections),
    '--duration', `${seconds}s`, '--timeout', '10s', '--script', SCRIPT, url,
  ];
  const env = {
    BENCH_METHOD: endpoint.method,
    BENCH_PATH: endpoint.path,
    BENCH_IDS: String(ids),
    ...(endpoint.body && { BENCH_BODY: endpoint.body }),
  };
  const child = run('taskset', args, { env });
  const { code } = await child.exited;
  const line = child.output.split('\n').find((text) => text.startsWith('BENCH_RESULT '));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}):\n${child.output}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}
