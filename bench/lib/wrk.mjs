// One fixed-duration, fixed-concurrency load run with wrk (Debian's), pinned to its own CPU.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../wrk/request.lua', import.meta.url));

/**
 * Loads `url` with the request shape `endpoint` ({ method, path, body }) for `seconds` over
 * `connections` connections; returns wrk's figures (see bench/wrk/request.lua).
 */
export function wrk({ url, endpoint, seconds, connections, ids, cpu }) {
  const args = [
    '-c', String(cpu), 'wrk', '--threads', '1', '--connections', String(connections),
    '--duration', `${seconds}s`, '--timeout', '10s', '--script', SCRIPT, url,
  ];
  const env = {
    ...process.env,
    BENCH_METHOD: endpoint.method,
    BENCH_PATH: endpoint.path,
    BENCH_IDS: String(ids),
    ...(endpoint.body && { BENCH_BODY: endpoint.body }),
  };
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((text) => text.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}):\n${output}`));
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
    });
  });
}
