// The worker isolate's own CPU time, from V8 CPU profiles taken through workerd's
// inspector: what Cloudflare bills and limits. Whole-process CPU also counts the local D1
// simulator, which runs in the same workerd; open-source workerd reports tail events'
// `cpuTime` as 0.
//
// The same sampling for every worker: an inspector session on the user worker's isolate,
// the profiler on for exactly the measured load, and the samples outside `(idle)` summed.

/** A DevTools protocol session on the user worker's isolate behind `inspectorPort`. */
export async function inspect(inspectorPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  // Miniflare names the user worker's isolate core:user:<name>.
  const target = targets.find((candidate) => candidate.id.startsWith('core:user:'));
  if (!target) throw new Error(`no user worker among the inspector's targets: ${JSON.stringify(targets)}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
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
  return { title: target.title, send, close: () => socket.close() };
}

/** Runs `load` with the profiler on; returns its result and the profile. */
export async function profiled(session, load) {
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  const result = await load();
  const { profile } = await session.send('Profiler.stop');
  return { result, profile };
}

/** Microseconds the isolate spent outside `(idle)` during the profile. */
export function busyMicros(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let busy = 0;
  profile.samples.forEach((sample, index) => {
    if (byId.get(sample).callFrame.functionName !== '(idle)') busy += profile.timeDeltas[index + 1] ?? 0;
  });
  return busy;
}

/**
 * Self and total time per function, in microseconds (a function counted once per sample
 * in its total); `name(node)` names a profile node.
 */
export function timePerFunction(profile, name) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map();
  const total = new Map();
  profile.samples.forEach((sample, index) => {
    const delta = profile.timeDeltas[index + 1] ?? 0;
    const node = byId.get(sample);
    if (node.callFrame.functionName === '(idle)') return;
    self.set(name(node), (self.get(name(node)) ?? 0) + delta);
    const seen = new Set();
    for (let id = sample; id !== undefined; id = parent.get(id)) {
      const key = name(byId.get(id));
      if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + delta);
      seen.add(key);
    }
  });
  return { self, total };
}

/** Microseconds of samples with a frame that `inFrame(callFrame)` holds anywhere on their stack. */
export function timeUnder(profile, inFrame) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  let micros = 0;
  profile.samples.forEach((sample, index) => {
    for (let id = sample; id !== undefined; id = parent.get(id)) {
      if (inFrame(byId.get(id).callFrame)) {
        micros += profile.timeDeltas[index + 1] ?? 0;
        return;
      }
    }
  });
  return micros;
}
