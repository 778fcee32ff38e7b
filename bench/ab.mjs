// A/B of two builds of RecWay, interleaved on workerd's own socket: how a change moves CPU
// time per request. Build each with `wrangler deploy --dry-run --env bench --outdir <dir>`
// (before and after the change). It uses the seeded D1 a `npm run bench` leaves, and seeds
// one (10,000 segments, the bench's data) when there is none.
//
//   node bench/ab.mjs <bundle A> <bundle B> [endpoint keys, comma-separated] [rounds]
//
// Endpoint keys are those of bench/lib/endpoints.mjs (health, read, list, ...).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { seedSql, segments } from './lib/dataset.mjs';

import { ENDPOINTS } from './lib/endpoints.mjs';
import { cpuSeconds } from './lib/processes.mjs';
import { LOAD_CPU, WORKERS, copyOf, rootDir, seedD1, startOnWorkerd } from './lib/targets.mjs';
import { wrk } from './lib/wrk.mjs';

const [bundleA, bundleB, keys = 'health,read,list', rounds = '5'] = process.argv.slice(2);
if (!bundleA || !bundleB) {
  console.error('usage: node bench/ab.mjs <bundle A> <bundle B> [endpoints] [rounds]');
  process.exit(2);
}
const scratch = join(rootDir, 'build/bench');
const seeded = join(scratch, 'd1-recway');
if (!existsSync(seeded)) {
  await mkdir(scratch, { recursive: true });
  const seedFile = join(scratch, 'seed.sql');
  await writeFile(seedFile, seedSql(segments(10_000)));
  await seedD1(WORKERS.recway, seeded, seedFile);
}
const servers = {
  A: await startOnWorkerd(WORKERS.recway, bundleA, await copyOf(seeded, join(scratch, 'ab-a'))),
  B: await startOnWorkerd(WORKERS.recway, bundleB, await copyOf(seeded, join(scratch, 'ab-b'))),
};
const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];
const load = (server, endpoint, seconds) =>
  wrk({ url: server.url, endpoint, seconds, connections: 10, ids: 10_000, cpu: LOAD_CPU });

try {
  for (const endpoint of ENDPOINTS.filter((e) => keys.split(',').includes(e.key))) {
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
