// Cold starts: how long a fresh workerd takes from being started with a worker to its
// first response, for RecWay, the Hono peer and an empty worker (the runtime's own share);
// and what compiling and instantiating RecWay's wasm module costs in V8 alone.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';

import { miniflareOptions } from './miniflare.mjs';

/** Milliseconds from `new Miniflare()` to workerd listening, and on to a first /health. */
async function coldStart(options) {
  const started = performance.now();
  const miniflare = new Miniflare(miniflareOptions(options));
  const url = await miniflare.ready;
  const listening = performance.now();
  const response = await fetch(new URL('/health', url));
  await response.arrayBuffer();
  const answered = performance.now();
  await miniflare.dispose();
  if (!response.ok) throw new Error(`cold start: /health answered ${response.status}`);
  return { toListening: listening - started, toFirstResponse: answered - started };
}

/**
 * `runs` cold starts of each worker, alternating between them, and of an empty worker
 * with the first one's configuration.
 */
export async function coldStarts(workers, runs, scratchDir) {
  const emptyDir = join(scratchDir, 'empty-worker');
  await mkdir(emptyDir, { recursive: true });
  await writeFile(join(emptyDir, 'index.js'), "export default { fetch: () => new Response('{}') };\n");
  // The empty worker has RecWay's configuration (its D1 binding too), so that the
  // difference between them is RecWay's module and first request alone.
  const all = { ...workers, empty: { ...Object.values(workers)[0], bundleDir: emptyDir } };
  const samples = Object.fromEntries(Object.keys(all).map((name) => [name, []]));
  for (let run = 0; run < runs; run += 1) {
    for (const [name, options] of Object.entries(all)) samples[name].push(await coldStart(options));
  }
  return samples;
}

/** Compile and instantiate times of a wasm module in this process's V8 (Node's). */
export async function wasmStartup(bundleDir, runs) {
  const file = (await readdir(bundleDir)).find((name) => name.endsWith('.wasm'));
  const bytes = await readFile(join(bundleDir, file));
  const samples = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const module = await WebAssembly.compile(bytes);
    const compiled = performance.now();
    // Every import stubbed: instantiating links them but calls none.
    const imports = {};
    for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
      (imports[from] ??= {})[name] = kind === 'tag' ? WebAssembly.JSTag : () => {};
    }
    new WebAssembly.Instance(module, imports);
    samples.push({ compile: compiled - started, instantiate: performance.now() - compiled });
  }
  return { bytes: bytes.length, samples };
}
