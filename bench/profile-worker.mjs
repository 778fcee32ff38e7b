// Profiles one endpoint of a built worker with V8's CPU profiler, through workerd's
// inspector, while wrk loads it: the worker isolate's own time per function (JS and wasm,
// each with the native calls it makes), which `perf` cannot attribute.
//
//   node bench/profile-worker.mjs <bundle dir> <database id> <seeded D1 dir> <path> [seconds]
//
// The release module has no function names (scripts/wasm-names.mjs): they come from
// build/index_bg.names.wasm, which the last release build wrote (RECWAY_NAMES=<file> for
// another), so profile a bundle right after building it.
// Prints the functions with the most self and total time, and writes the profile as
// build/bench/profile.cpuprofile (open it in Chrome DevTools' Performance panel).
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Miniflare } from 'miniflare';

import { freePort } from '../scripts/lib/ports.mjs';
import { readWorkerConfig } from '../scripts/lib/worker-config.mjs';
import { functionNames, symbolize } from '../scripts/wasm-names.mjs';
import { busyMicros, inspect, profiled, timePerFunction, timeUnder } from './lib/isolate-profile.mjs';
import { miniflareOptions } from './lib/miniflare.mjs';
import { copyOf } from './lib/targets.mjs';
import { wrk } from './lib/wrk.mjs';

const [bundleDir, databaseId, seededDir, path, seconds = '10'] = process.argv.slice(2);

const inspectorPort = await freePort();
const persistDir = await copyOf(seededDir, 'build/bench/profile-db');
const { compatibilityDate } = readWorkerConfig();
const options = miniflareOptions({ bundleDir, compatibilityDate, database: { id: databaseId, persistDir }, vars: { ACCESS_MODE: 'open' } });
const miniflare = new Miniflare({ ...options, inspectorPort });
const url = await miniflare.ready;

const session = await inspect(inspectorPort);

const endpoint = { method: 'GET', path };
await wrk({ url: url.href, endpoint, seconds: 5, connections: 16, ids: 10000, cpu: 1 });
const { result: load, profile } = await profiled(session, () =>
  wrk({ url: url.href, endpoint, seconds: Number(seconds), connections: 16, ids: 10000, cpu: 1 }),
);
await writeFile('build/bench/profile.cpuprofile', JSON.stringify(profile));

const namesFile = process.env.RECWAY_NAMES ?? 'build/index_bg.names.wasm';
const wasmNames = existsSync(namesFile) ? functionNames(readFileSync(namesFile)) : new Map();
const name = (node) => `${symbolize(node.callFrame.functionName, wasmNames) || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`;
const { self: selfTime, total: totalTime } = timePerFunction(profile, name);
const busy = busyMicros(profile);
const perRequest = (micros) => (micros / load.requests).toFixed(1).padStart(7);
console.log(`${session.title}: ${load.requests} requests; busy ${perRequest(busy)} µs per request (isolate, not idle)`);
// The D1 binding's own JavaScript (workerd's d1-api module, and the fetch to the database
// it makes): the same for every worker that reads D1, whatever language it is in.
const d1 = timeUnder(profile, (frame) => frame.url.includes('d1-api'));
console.log(`D1 binding's JavaScript: ${perRequest(d1)} µs per request (${((100 * d1) / busy).toFixed(0)}% of busy)`);
const top = (map, label) => {
  console.log(`\n${label} (µs per request)`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${perRequest(micros)}  ${key.slice(0, 110)}`);
};
top(selfTime, 'self');
top(totalTime, 'total');
session.close();
await miniflare.dispose();
