// A/B of two builds of RecWay, interleaved on workerd's own socket: how a change moves CPU
// time per request. Build each with `wrangler deploy --dry-run --env bench --outdir <dir>`
// (before and after the change). It uses the seeded D1 a `npm run bench` leaves, and seeds
// one (10,000 segments, the bench's data) when there is none or it holds other data.
//
//   node bench/ab.mjs <bundle A> <bundle B> [endpoint keys, comma-separated] [rounds]
//
// Endpoint keys are those of bench/lib/endpoints.mjs (health, read, list, ...), and `cold`:
// cold starts (a fresh workerd to its first /health), 4 per round for each build and for an
// empty worker, whose time is the runtime's own share.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { rootDir } from '../scripts/lib/paths.mjs';
import { median } from '../scripts/lib/stats.mjs';
import { readWorkerConfig } from '../scripts/lib/worker-config.mjs';
import { coldStarts } from './lib/coldstart.mjs';
import { seedSql, segments } from './lib/dataset.mjs';
import { ENDPOINTS } from './lib/endpoints.mjs';
import { cpuSeconds } from './lib/processes.mjs';
import { LOAD_CPU, WORKERS, copyOf, seedD1, startOnWorkerd } from './lib/targets.mjs';
import { wrk } from './lib/wrk.mjs';

const [bundleA, bundleB, keys = 'health,read,list', rounds = '5'] = process.argv.slice(2);
if (!bundleA || !bundleB) {
  console.error('usage: node bench/ab.mjs <bundle A> <bundle B> [endpoints] [rounds]');
  process.exit(2);
}
const scratch = join(rootDir, 'build/bench');
const seeded = join(scratch, 'd1-recway');
const seedFile = join(scratch, 'seed.sql');
// seed.sql is what the seeded D1 was made from (here or by `npm run bench`). Other data (an
// earlier dataset.mjs, without `seq`: an empty changes feed; or `--segments`) is replaced.
const seed = seedSql(segments(10_000));
if (!existsSync(seeded) || !existsSync(seedFile) || readFileSync(seedFile, 'utf8') !== seed) {
  await mkdir(scratch, { recursive: true });
  await writeFile(seedFile, seed);
  await rm(seeded, { recursive: true, force: true });
  await seedD1(WORKERS.recway, seeded, seedFile);
}

if (keys.split(',').includes('cold')) {
  const { compatibilityDate, databaseId, vars } = readWorkerConfig(WORKERS.recway);
  const options = async (name, bundleDir) => ({
    bundleDir,
    compatibilityDate,
    vars,
    database: { id: databaseId, persistDir: await copyOf(seeded, join(scratch, `cold-${name}`)) },
  });
  const samples = await coldStarts({ A: await options('A', bundleA), B: await options('B', bundleB) }, 4 * Number(rounds), scratch);
  const first = (name) => median(samples[name].map((sample) => sample.toFirstResponse));
  const own = (name) => `${name} ${first(name).toFixed(1)} ms (own share ${(first(name) - first('empty')).toFixed(1)} ms)`;
  console.log(`cold start to the first /health, median of ${samples.A.length}: ${own('A')}; ${own('B')}; empty worker ${first('empty').toFixed(1)} ms`);
}

const servers = {
  A: await startOnWorkerd(WORKERS.recway, bundleA, await copyOf(seeded, join(scratch, 'ab-a'))),
  B: await startOnWorkerd(WORKERS.recway, bundleB, await copyOf(seeded, join(scratch, 'ab-b'))),
};
const load = (server, endpoint, seconds) =>
  wrk({ url: server.url, endpoint, seconds, connections: 10, ids: 10_000, cpu: LOAD_CPU });

try {
  const endpoints = ENDPOINTS.filter((e) => keys.split(',').includes(e.key));
  // As run.mjs's parity check: an endpoint with a `check` must be answered soundly by both
  // builds (one from before the changes feed would measure its 404s).
  for (const endpoint of endpoints.filter((e) => e.check)) {
    for (const [name, server] of Object.entries(servers)) {
      const response = await fetch(new URL(endpoint.path, server.url));
      const problem = response.ok ? endpoint.check(await response.json(), 10_000) : `answered ${response.status}`;
      if (problem) throw new Error(`${endpoint.label} on ${name}: ${problem}`);
    }
  }
  for (const endpoint of endpoints) {
    const micros = { A: [], B: [] };
    for (const server of Object.values(servers)) await load(server, endpoint, 3);
    for (let round = 0; round < Number(rounds); round += 1) {
      for (const [name, server] of Object.entries(servers)) {
        const pids = server.pids();
        const before = cpuSeconds(pids);
        const { requests } = await load(server, endpoint, 5);
        micros[name].push(((cpuSeconds(pids) - before) * 1e6) / requests);
      }
    }
    const show = (name) => `${name} ${median(micros[name]).toFixed(0)} µs (${micros[name].map((m) => m.toFixed(0)).join(' ')})`;
    console.log(`${endpoint.label}: CPU per request, median of ${rounds}: ${show('A')}; ${show('B')}`);
  }
} finally {
  for (const server of Object.values(servers)) await server.stop();
}
