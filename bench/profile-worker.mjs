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
import { createServer } from 'node:net';
import { Miniflare } from 'miniflare';

import { functionNames, symbolize } from '../scripts/wasm-names.mjs';
import { miniflareOptions } from './lib/miniflare.mjs';
import { copyOf } from './lib/targets.mjs';
import { wrk } from './lib/wrk.mjs';

const [bundleDir, databaseId, seededDir, path, seconds = '10'] = process.argv.slice(2);

const inspectorPort = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const persistDir = await copyOf(seededDir, 'build/bench/profile-db');
const options = miniflareOptions({ bundleDir, compatibilityDate: '2026-11-01', database: { id: databaseId, persistDir }, vars: { ACCESS_MODE: 'open' } });
const miniflare = new Miniflare({ ...options, inspectorPort });
const url = await miniflare.ready;

const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
// The user worker's isolate (Miniflare names it core:user:<name>).
const target = targets.find((t) => t.id.startsWith('core:user:'));
const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve) => socket.addEventListener('open', resolve));
let nextId = 0;
const pending = new Map();
socket.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  if (message.id !== undefined) pending.get(message.id)?.(message.result);
});
const send = (method, params = {}) =>
  new Promise((resolve) => {
    const id = (nextId += 1);
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });

const endpoint = { method: 'GET', path };
await wrk({ url: url.href, endpoint, seconds: 5, connections: 16, ids: 10000, cpu: 1 });
await send('Profiler.enable');
await send('Profiler.setSamplingInterval', { interval: 200 });
await send('Profiler.start');
const load = await wrk({ url: url.href, endpoint, seconds: Number(seconds), connections: 16, ids: 10000, cpu: 1 });
const { profile } = await send('Profiler.stop');
await writeFile('build/bench/profile.cpuprofile', JSON.stringify(profile));

// Self time per node, and total time per function (a function counted once per sample).
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const selfTime = new Map();
const totalTime = new Map();
const namesFile = process.env.RECWAY_NAMES ?? 'build/index_bg.names.wasm';
const wasmNames = existsSync(namesFile) ? functionNames(readFileSync(namesFile)) : new Map();
const name = (node) => `${symbolize(node.callFrame.functionName, wasmNames) || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`;
let busy = 0;
profile.samples.forEach((sample, index) => {
  const delta = profile.timeDeltas[index + 1] ?? 0;
  const node = byId.get(sample);
  if (node.callFrame.functionName === '(idle)') return;
  busy += delta;
  selfTime.set(name(node), (selfTime.get(name(node)) ?? 0) + delta);
  const seen = new Set();
  for (let id = sample; id !== undefined; id = parent.get(id)) {
    const key = name(byId.get(id));
    if (!seen.has(key)) totalTime.set(key, (totalTime.get(key) ?? 0) + delta);
    seen.add(key);
  }
});
const perRequest = (micros) => (micros / load.requests).toFixed(1).padStart(7);
console.log(`${target.title}: ${load.requests} requests; busy ${perRequest(busy)} µs per request (isolate, not idle)`);
const top = (map, label) => {
  console.log(`\n${label} (µs per request)`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${perRequest(micros)}  ${key.slice(0, 110)}`);
};
top(selfTime, 'self');
top(totalTime, 'total');
socket.close();
await miniflare.dispose();
