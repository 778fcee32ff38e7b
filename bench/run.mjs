// `npm run bench`: RecWay side by side with a Hono + D1 Worker and the previous FastAPI +
// SQLAlchemy server (bench/peers/), on the same seeded data, interleaved, with wrk. First
// the headline, each worker isolate's own CPU time per request (V8 CPU profiles, what
// Cloudflare bills and limits); then req/s, latency and whole-process CPU; the same
// through `wrangler dev`; cold starts. Writes bench/RESULTS.md, bench/results.svg and
// bench/results.json. Not part of `npm test`.
//
//   npm run bench [-- --duration 10 --rounds 3 --connections 10 --segments 10000
//                     --warmup 3 --cold-starts 10 --skip-wrangler-dev]
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';

import { rootDir } from '../scripts/lib/paths.mjs';
import { median } from '../scripts/lib/stats.mjs';
import { readWorkerConfig } from '../scripts/lib/worker-config.mjs';
import { startWranglerDev } from '../scripts/lib/wrangler-dev.mjs';
import { coldStarts, wasmStartup } from './lib/coldstart.mjs';
import { seedSql, segments } from './lib/dataset.mjs';
import { ENDPOINTS, serves } from './lib/endpoints.mjs';
import { busyMicros, inspect, profiled } from './lib/isolate-profile.mjs';
import { cpuSeconds, peakMemoryBytes, resetPeakMemory } from './lib/processes.mjs';
import { CHART_PANELS, chart, markdown, summarize } from './lib/report.mjs';
import {
  LOAD_CPU, SERVER_CPU, WORKERS, buildWorker, copyOf, seedD1, seedSqlite, startFastapi, startOnWorkerd,
} from './lib/targets.mjs';
import { wrk } from './lib/wrk.mjs';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    segments: { type: 'string', default: '10000' },
    'cold-starts': { type: 'string', default: '10' },
    'skip-wrangler-dev': { type: 'boolean', default: false },
  },
});
const settings = {
  duration: Number(flags.duration),
  warmup: Number(flags.warmup),
  rounds: Number(flags.rounds),
  connections: Number(flags.connections),
  segments: Number(flags.segments),
  coldStarts: Number(flags['cold-starts']),
};

const scratch = join(rootDir, 'build/bench');
const log = (message) => process.stderr.write(`bench: ${message}\n`);

/** Builds both workers and seeds one pristine copy of the data per server kind. */
async function prepare() {
  log('building RecWay (release) and the Hono peer');
  await mkdir(scratch, { recursive: true });
  const bundles = { recway: join(scratch, 'recway'), hono: join(scratch, 'hono') };
  for (const [name, dir] of Object.entries(bundles)) await buildWorker(WORKERS[name], dir);

  log(`seeding ${settings.segments} segments`);
  const seedFile = join(scratch, 'seed.sql');
  await writeFile(seedFile, seedSql(segments(settings.segments)));
  const seeded = { recway: join(scratch, 'd1-recway'), hono: join(scratch, 'd1-hono'), fastapi: join(scratch, 'fastapi.sqlite') };
  for (const name of ['recway', 'hono']) {
    await rm(seeded[name], { recursive: true, force: true });
    await seedD1(WORKERS[name], seeded[name], seedFile);
  }
  await seedSqlite(seeded.fastapi, seedFile);
  return { bundles, seeded };
}

/** The concrete request of an endpoint for the parity check. */
const concrete = (endpoint) => ({
  path: endpoint.path.replace('{id}', '42'),
  init: endpoint.body
    ? { method: endpoint.method, headers: { 'content-type': 'application/json' }, body: endpoint.body.replace('{n}', 'parity') }
    : { method: endpoint.method },
});

/**
 * Every server must give the same answer before its speed means anything: the same
 * status and the same JSON (or fields, see ENDPOINTS). An endpoint only some servers
 * have is compared among them; alone, its answer must still succeed and pass its check.
 */
async function checkParity(running) {
  for (const endpoint of ENDPOINTS) {
    const { path, init } = concrete(endpoint);
    const answers = [];
    for (const target of running.filter((t) => serves(endpoint, t.key))) {
      const response = await fetch(new URL(path, target.server.url), init);
      answers.push({ target, status: response.status, body: await response.json() });
    }
    const [reference, ...others] = answers;
    if (reference.status >= 300) throw new Error(`parity: ${endpoint.label} answered ${reference.status} on ${reference.target.label}`);
    const problem = endpoint.check?.(reference.body, settings.segments);
    if (problem) throw new Error(`parity: ${endpoint.label} on ${reference.target.label}: ${problem}`);
    for (const other of others) {
      const same =
        other.status === reference.status &&
        (endpoint.sameFields
          ? isDeepStrictEqual(Object.keys(other.body), Object.keys(reference.body))
          : isDeepStrictEqual(other.body, reference.body));
      if (!same) {
        throw new Error(
          `parity: ${endpoint.label} differs between ${reference.target.label} (${reference.status}) and ` +
            `${other.target.label} (${other.status}):\n${JSON.stringify(reference.body).slice(0, 400)}\n${JSON.stringify(other.body).slice(0, 400)}`,
        );
      }
    }
  }
}

/** One measured run of `endpoint` against a running target. */
async function measure(target, endpoint, seconds) {
  const pids = target.server.pids();
  resetPeakMemory(pids);
  const cpuBefore = cpuSeconds(pids);
  const result = await wrk({
    url: target.server.url, endpoint, seconds, connections: settings.connections, ids: settings.segments, cpu: LOAD_CPU,
  });
  const cpuUsed = cpuSeconds(pids) - cpuBefore;
  const errors = Object.values(result.errors).reduce((sum, count) => sum + count, 0);
  return {
    rps: result.requests / (result.duration_us / 1e6),
    p50: result.p50_us / 1000,
    p99: result.p99_us / 1000,
    cpuMs: (cpuUsed * 1000) / result.requests,
    peakMiB: peakMemoryBytes(pids) / 2 ** 20,
    requests: result.requests,
    errors,
  };
}

/**
 * Every endpoint on every running target that has it (ENDPOINTS' `only`): a warm-up each,
 * then `settings.rounds` rounds interleaved across those targets. `run(target, endpoint)`
 * measures one run, which `describe` puts in the log. Returns the runs by endpoint, then
 * by target; a target without the endpoint has no entry.
 */
async function interleaved(name, running, { warmUp, run, describe }) {
  const runs = {};
  for (const endpoint of ENDPOINTS) {
    const serving = running.filter((target) => serves(endpoint, target.key));
    runs[endpoint.key] = Object.fromEntries(serving.map((target) => [target.key, []]));
    for (const target of serving) await warmUp(target, endpoint);
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const target of serving) {
        const result = await run(target, endpoint);
        runs[endpoint.key][target.key].push(result);
        log(`${name}: ${endpoint.label} round ${round} ${target.label}: ${describe(result)}`);
      }
    }
  }
  return runs;
}

/** `summary` of each endpoint's runs on each target. */
const summarizeEach = (runs, summary) =>
  Object.fromEntries(
    Object.entries(runs).map(([key, byTarget]) => [key, Object.fromEntries(Object.entries(byTarget).map(([t, r]) => [t, summary(r)]))]),
  );

/** The targets as the report names them. */
const labels = (running) => running.map(({ key, label }) => ({ key, label }));

/** Starts `targets`, checks they agree, then measures every endpoint on each, interleaved. */
async function measureSuite(name, targets) {
  const running = [];
  try {
    for (const target of targets) {
      log(`${name}: starting ${target.label}`);
      running.push({ ...target, server: await target.start() });
    }
    await checkParity(running);
    const runs = await interleaved(name, running, {
      warmUp: (target, endpoint) => measure(target, endpoint, settings.warmup),
      run: (target, endpoint) => measure(target, endpoint, settings.duration),
      describe: (run) => `${run.rps.toFixed(0)} req/s, p99 ${run.p99.toFixed(1)} ms, ` +
        `${run.cpuMs.toFixed(3)} CPU ms/req${run.errors ? `, ${run.errors} ERRORS` : ''}`,
    });
    return { targets: labels(running), runs, summaries: summarizeEach(runs, summarize) };
  } finally {
    for (const target of running) await target.server.stop();
  }
}

/**
 * The headline: each worker isolate's own CPU time per request, in microseconds. The
 * workers run with workerd's inspector, and the profiler samples each isolate while wrk
 * loads it (rounds interleaved, as the load runs): the same sampling for both workers.
 * A separate suite, because an attached inspector slows what it observes (console.log
 * above all) and the load runs must not pay for it.
 */
async function measureIsolates(targets) {
  const running = [];
  try {
    for (const target of targets) {
      log(`isolate CPU: starting ${target.label}`);
      const server = await target.start();
      running.push({ ...target, server, session: await inspect(server.inspectorPort) });
    }
    const load = (target, endpoint, seconds) => wrk({
      url: target.server.url, endpoint, seconds, connections: settings.connections, ids: settings.segments, cpu: LOAD_CPU,
    });
    const runs = await interleaved('isolate CPU', running, {
      warmUp: (target, endpoint) => load(target, endpoint, settings.warmup),
      run: async (target, endpoint) => {
        const { result, profile } = await profiled(target.session, () => load(target, endpoint, settings.duration));
        return busyMicros(profile) / result.requests;
      },
      describe: (micros) => `${micros.toFixed(0)} µs/req`,
    });
    return { targets: labels(running), runs, summaries: summarizeEach(runs, median) };
  } finally {
    for (const target of running) {
      target.session.close();
      await target.server.stop();
    }
  }
}

/** The first line a command prints about its version (wrk prints it and exits 1). */
const version = (command, args) => {
  const { stdout, stderr } = spawnSync(command, args, { encoding: 'utf8' });
  return `${stdout}${stderr}`.trim().split('\n')[0] || `${command}: unknown version`;
};
const packageVersion = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

function metadata() {
  const python = join(rootDir, 'build/bench-venv/bin/python');
  const pythonPackages = version(python, [
    '-c',
    'import sys, fastapi, pydantic, sqlalchemy, uvicorn, sqlite3; print(f"Python {sys.version.split()[0]}, FastAPI {fastapi.__version__}, Pydantic {pydantic.VERSION}, SQLAlchemy {sqlalchemy.__version__}, uvicorn {uvicorn.__version__}, SQLite {sqlite3.sqlite_version}")',
  ]);
  const modules = join(rootDir, 'node_modules');
  const extra = process.argv.slice(2);
  return {
    date: new Date().toISOString(),
    command: `npm run bench${extra.length ? ` -- ${extra.join(' ')}` : ''}`,
    machine: `${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}`,
    versions: [
      `${version('rustc', ['--version'])}`,
      `Node ${process.versions.node}`,
      `wrangler ${packageVersion(join(modules, 'wrangler'))}`,
      `miniflare ${packageVersion(join(modules, 'miniflare'))}`,
      `workerd ${packageVersion(join(modules, 'workerd'))}`,
      `Hono ${packageVersion(join(rootDir, 'bench/peers/hono/node_modules/hono'))}`,
      pythonPackages,
      version('wrk', ['--version']).replace(/ Copyright.*/, '').replace(/ \[.*\]/, ''),
    ].join(', '),
    ...settings,
  };
}

async function main() {
  const { bundles, seeded } = await prepare();
  const runDir = (name) => join(scratch, `run-${name}`);

  // First, on a quiet machine: measured after the load suites, RecWay's own share of a
  // cold start came out at 82.6 ms, against 17 to 25 ms for the same module measured alone
  // (`node bench/ab.mjs <bundle> <bundle> cold`).
  log(`cold starts (${settings.coldStarts} each)`);
  const workerOptions = async (name) => {
    const { compatibilityDate, databaseId, vars } = readWorkerConfig(WORKERS[name]);
    return { bundleDir: bundles[name], compatibilityDate, vars, database: { id: databaseId, persistDir: await copyOf(seeded[name], runDir(`cold-${name}`)) } };
  };
  const cold = await coldStarts({ recway: await workerOptions('recway'), hono: await workerOptions('hono') }, settings.coldStarts, scratch);

  const isolate = await measureIsolates([
    { key: 'recway', label: 'RecWay (Rust/wasm)', start: async () => startOnWorkerd(WORKERS.recway, bundles.recway, await copyOf(seeded.recway, runDir('isolate-recway')), { inspector: true }) },
    { key: 'hono', label: 'Hono + D1 (JS)', start: async () => startOnWorkerd(WORKERS.hono, bundles.hono, await copyOf(seeded.hono, runDir('isolate-hono')), { inspector: true }) },
  ]);

  const direct = await measureSuite('workerd', [
    { key: 'recway', label: 'RecWay (Rust/wasm)', start: async () => startOnWorkerd(WORKERS.recway, bundles.recway, await copyOf(seeded.recway, runDir('recway'))) },
    { key: 'hono', label: 'Hono + D1 (JS)', start: async () => startOnWorkerd(WORKERS.hono, bundles.hono, await copyOf(seeded.hono, runDir('hono'))) },
    { key: 'fastapi', label: 'FastAPI + SQLAlchemy', start: async () => startFastapi(await copyOf(seeded.fastapi, runDir('fastapi.sqlite'))) },
  ]);
  const onWranglerDev = async (name) =>
    startWranglerDev({ worker: WORKERS[name], persistDir: await copyOf(seeded[name], runDir(`dev-${name}`)), cpu: SERVER_CPU });
  const viaWranglerDev = flags['skip-wrangler-dev']
    ? null
    : await measureSuite('wrangler dev', [
        { key: 'recway', label: 'RecWay (Rust/wasm)', start: () => onWranglerDev('recway') },
        { key: 'hono', label: 'Hono + D1 (JS)', start: () => onWranglerDev('hono') },
      ]);

  const wasm = await wasmStartup(bundles.recway, 20);
  const wasmFile = (await readdir(bundles.recway)).find((file) => file.endsWith('.wasm'));
  // As scripts/size.sh measures it, against the CI budget (-n: no file name in the header).
  wasm.gzipBytes = execFileSync('gzip', ['-9', '-n', '-c', join(bundles.recway, wasmFile)]).length;

  const meta = metadata();
  const results = { meta, endpoints: ENDPOINTS, isolate, direct, viaWranglerDev, cold, wasm };
  const benchDir = join(rootDir, 'bench');
  await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(benchDir, 'results.svg'), chart(ENDPOINTS, direct.targets, direct.summaries, CHART_PANELS));
  await writeFile(join(benchDir, 'RESULTS.md'), markdown(results));
  log('wrote bench/RESULTS.md, bench/results.svg and bench/results.json');

  const failed = [direct, viaWranglerDev].filter(Boolean).flatMap((suite) =>
    Object.values(suite.runs).flatMap((byTarget) => Object.values(byTarget).flat().filter((run) => run.errors > 0)));
  if (failed.length) {
    log(`${failed.length} runs had failed requests (non-2xx or socket errors): the figures are not valid`);
    process.exit(1);
  }
}

await main();
