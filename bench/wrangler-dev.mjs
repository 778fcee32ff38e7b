// Where `wrangler dev`'s CPU time goes, per process, for RecWay and the Hono peer (issue 15,
// item 6): wrangler's Node process, the workerd that runs its proxy worker, and the workerd
// that runs the worker itself (with the asset router, the local D1 and the local
// observability collector beside it). Interleaved rounds, the median of each.
//
//   node bench/wrangler-dev.mjs [endpoint keys, comma-separated] [seconds] [rounds] [other wrangler.toml ...]
//
// Each further wrangler.toml (in the repository's root, so that its paths read the same)
// is one more RecWay variant in the same rounds: an A/B of a configuration change. Uses
// the seeded D1s a `npm run bench` leaves. Environment variables reach wrangler:
// `X_LOCAL_OBSERVABILITY=false` measures without wrangler's local trace collector.
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import { rootDir } from '../scripts/lib/paths.mjs';
import { median } from '../scripts/lib/stats.mjs';
import { startWranglerDev } from '../scripts/lib/wrangler-dev.mjs';
import { ENDPOINTS } from './lib/endpoints.mjs';
import { cpuSeconds } from './lib/processes.mjs';
import { LOAD_CPU, SERVER_CPU, WORKERS, copyOf } from './lib/targets.mjs';
import { wrk } from './lib/wrk.mjs';

const [keys = 'health,list', seconds = '8', rounds = '3', ...otherConfigs] = process.argv.slice(2);
const scratch = join(rootDir, 'build/bench');
const endpoints = ENDPOINTS.filter((endpoint) => keys.split(',').includes(endpoint.key));
const variants = [
  { name: 'recway', worker: WORKERS.recway, data: 'd1-recway' },
  ...otherConfigs.map((config) => ({ name: `recway, ${basename(config)}`, worker: { ...WORKERS.recway, config: resolve(config) }, data: 'd1-recway' })),
  { name: 'hono', worker: WORKERS.hono, data: 'd1-hono' },
];

/**
 * A process's part in `wrangler dev`. Of its two workerd processes, only the user worker's
 * has an inspector (wrangler's inspector proxy attaches to it); helpers such as esbuild's
 * service are "other".
 */
function role(pid) {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const program = args[0].split('/').pop();
  if (program === 'workerd') {
    return args.some((arg) => arg.startsWith('--inspector-addr')) ? 'worker workerd' : 'proxy workerd';
  }
  return program === 'node' ? 'wrangler (node)' : 'other';
}

const ROLES = ['wrangler (node)', 'proxy workerd', 'worker workerd', 'other'];
const samples = {}; // worker → endpoint → role → [ms per request]

for (let round = 1; round <= Number(rounds); round += 1) {
  for (const { name, worker, data } of variants) {
    const persistDir = await copyOf(join(scratch, data), join(scratch, 'dev-split'));
    const server = await startWranglerDev({ worker, persistDir, cpu: SERVER_CPU });
    try {
      for (const endpoint of endpoints) {
        const load = (duration) =>
          wrk({ url: server.url, endpoint, seconds: duration, connections: 10, ids: 10_000, cpu: LOAD_CPU });
        await load(2); // warm-up
        const pids = server.pids();
        const before = pids.map((pid) => cpuSeconds([pid]));
        const { requests } = await load(Number(seconds));
        const byRole = Object.fromEntries(ROLES.map((key) => [key, 0]));
        pids.forEach((pid, index) => (byRole[role(pid)] += ((cpuSeconds([pid]) - before[index]) * 1000) / requests));
        for (const [key, ms] of Object.entries(byRole)) ((samples[name] ??= {})[endpoint.key] ??= {})[key] = [...(samples[name][endpoint.key][key] ?? []), ms];
        process.stderr.write(`round ${round}: ${name} ${endpoint.key} ${requests} requests\n`);
      }
    } finally {
      await server.stop();
    }
  }
}

console.log(`CPU ms per request through wrangler dev, by process (median of ${rounds} rounds of ${seconds} s)\n`);
console.log(`| endpoint | worker | ${ROLES.join(' | ')} | all |`);
console.log(`| --- | --- |${' ---: |'.repeat(ROLES.length + 1)}`);
for (const endpoint of endpoints) {
  for (const { name } of variants) {
    const parts = ROLES.map((key) => median(samples[name][endpoint.key][key]));
    const all = parts.reduce((sum, ms) => sum + ms, 0);
    console.log(`| ${endpoint.label} | ${name} | ${parts.map((ms) => ms.toFixed(2)).join(' | ')} | ${all.toFixed(2)} |`);
  }
}
