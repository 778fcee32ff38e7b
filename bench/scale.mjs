// `npm run bench:scale`: what each request costs in D1 rows read and written (what D1 bills),
// latency and CPU, as the table grows, for RecWay and the Hono peer on the same data. Per
// size and server: a local D1 seeded and migrated as a deployed one (bench/lib/scale-seed.mjs,
// cached), a fresh server on a copy of it, every request of bench/lib/scale-requests.mjs.
// Writes bench/scale.json, bench/SCALE.md and bench/scale.svg after each size.
//
//   npm run bench:scale [-- --sizes 10000,100000 --servers recway,hono]
//   node bench/scale.mjs --report    rewrites SCALE.md and scale.svg from scale.json alone
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { rootDir } from '../scripts/lib/paths.mjs';
import { measureRequest } from './lib/scale-measure.mjs';
import { scaleChart } from './lib/scale-chart.mjs';
import { scaleMarkdown } from './lib/scale-report.mjs';
import { REQUESTS, serves } from './lib/scale-requests.mjs';
import { DATASET_VERSION } from './lib/scale-data.mjs';
import { migrationFiles, scaleDatabase } from './lib/scale-seed.mjs';
import { WORKERS, buildWorker, copyOf, honoDir, startOnWorkerd } from './lib/targets.mjs';

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000,5000000' },
    servers: { type: 'string', default: 'recway,hono' },
    report: { type: 'boolean', default: false },
  },
});
const sizes = flags.sizes.split(',').map(Number);
const servers = flags.servers.split(',');
for (const server of servers) if (!WORKERS[server]) throw new Error(`unknown server ${server}: recway or hono`);
if (sizes.some((size) => !Number.isInteger(size) || size < 1000)) throw new Error(`--sizes: whole numbers of at least 1000, not ${flags.sizes}`);

const scratch = join(rootDir, 'build/scale');
const benchDir = join(rootDir, 'bench');
const log = (message) => process.stderr.write(`bench:scale ${new Date().toISOString().slice(11, 19)} ${message}\n`);
const seconds = (started) => (performance.now() - started) / 1000;

const LABELS = { recway: 'RecWay (Rust/wasm)', hono: 'Hono + D1 (JS)' };
const packageVersion = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
const git = (...args) => spawnSync('git', args, { cwd: rootDir, encoding: 'utf8' }).stdout.trim();

function metadata() {
  const extra = process.argv.slice(2);
  const modules = join(rootDir, 'node_modules');
  return {
    date: new Date().toISOString(),
    command: `npm run bench:scale${extra.length ? ` -- ${extra.join(' ')}` : ''}`,
    commit: `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? ' (with uncommitted changes)' : ''}`,
    machine: `${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}`,
    versions: [
      `Node ${process.versions.node}`, `wrangler ${packageVersion(join(modules, 'wrangler'))}`,
      `miniflare ${packageVersion(join(modules, 'miniflare'))}`, `workerd ${packageVersion(join(modules, 'workerd'))}`,
      `Hono ${packageVersion(join(honoDir, 'node_modules/hono'))}`,
    ].join(', '),
    datasetVersion: DATASET_VERSION,
    migrations: migrationFiles(),
    sizes,
    servers: servers.map((key) => ({ key, label: LABELS[key] })),
  };
}

/** Every request the server serves at this size, on a fresh server over a copy of the data. */
async function measureServer(name, bundle, persistDir, size) {
  const runDir = await copyOf(persistDir, join(scratch, 'run', name));
  const server = await startOnWorkerd(WORKERS[name], bundle, runDir);
  const results = {};
  try {
    for (const request of REQUESTS) {
      if (!serves(request, name) || !(request.applies?.(size) ?? true)) continue;
      const result = await measureRequest(server, request, size);
      results[request.key] = result;
      const rows = (figure) => (figure ? figure.median.toLocaleString('en-US') : 'n/a');
      log(`${name} ${size}: ${request.label}: ${Object.keys(result.statuses).join('/')}, ${rows(result.rowsRead)} rows read, ` +
        `${rows(result.rowsWritten)} written, p50 ${result.p50Ms.toFixed(1)} ms, CPU ${result.cpuMs.toFixed(2)} ms (${result.samples} samples)`);
    }
  } finally {
    await server.stop();
    await rm(runDir, { recursive: true, force: true });
  }
  return results;
}

/** The report files, from what one run measured (written after every size). */
async function writeReport(output) {
  await writeFile(join(benchDir, 'SCALE.md'), scaleMarkdown(output));
  await writeFile(join(benchDir, 'scale.svg'), scaleChart(output));
}

async function main() {
  if (flags.report) {
    await writeReport(JSON.parse(readFileSync(join(benchDir, 'scale.json'), 'utf8')));
    log('rewrote bench/SCALE.md and bench/scale.svg from bench/scale.json');
    return;
  }
  const meta = metadata();
  const output = { meta, requests: REQUESTS.map(({ key, label, method, kind, only }) => ({ key, label, method, kind, only })), phases: { bySize: {} }, migrations: {}, results: {} };
  await mkdir(scratch, { recursive: true });

  let started = performance.now();
  const bundles = {};
  for (const name of servers) {
    log(`building ${name}`);
    bundles[name] = join(scratch, `bundle-${name}`);
    await buildWorker(WORKERS[name], bundles[name]);
  }
  output.phases.buildSeconds = seconds(started);

  for (const size of sizes) {
    output.phases.bySize[size] = {};
    output.migrations[size] = {};
    output.results[size] = {};
    for (const name of servers) {
      started = performance.now();
      const database = await scaleDatabase(name, WORKERS[name], size, log);
      const prepareSeconds = seconds(started);
      started = performance.now();
      output.results[size][name] = await measureServer(name, bundles[name], database.persistDir, size);
      output.migrations[size][name] = database.migrations;
      output.phases.bySize[size][name] = {
        seedSeconds: database.seeded.insertSeconds,
        deployedMigrationsSeconds: database.seeded.migrateSeconds,
        seedCached: database.seededCached,
        newerMigrationsSeconds: database.migrateSeconds ?? 0,
        migratedCached: database.migratedCached,
        prepareSeconds,
        measureSeconds: seconds(started),
      };
    }
    // After every size: a long run that stops half-way still leaves its figures.
    meta.measuredSizes = Object.keys(output.results).map(Number);
    await writeFile(join(benchDir, 'scale.json'), `${JSON.stringify(output, null, 2)}\n`);
    await writeReport(output);
    log(`wrote bench/scale.json, bench/SCALE.md and bench/scale.svg (sizes ${meta.measuredSizes.join(', ')})`);
  }
}

await main();
