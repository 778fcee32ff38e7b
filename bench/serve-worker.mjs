// Serves one built Worker straight from workerd's own socket (Miniflare; no wrangler dev
// proxy and no asset router in front), so that the benchmark measures the worker itself.
//
//   node bench/serve-worker.mjs '<miniflareOptions() argument as JSON>'
//
// With `inspectorPort` in that argument, workerd's inspector listens there (for V8 CPU
// profiles of the worker's isolate: bench/lib/isolate-profile.mjs).
//
// Prints one JSON line, {"url", "pid"} (pid: the workerd process that runs the worker and
// its local D1), then serves until SIGTERM. bench/run.mjs starts it under `taskset`, so
// workerd inherits the CPU it is pinned to.
import { Miniflare } from 'miniflare';

import { childNamed } from '../scripts/lib/process.mjs';
import { miniflareOptions } from './lib/miniflare.mjs';

const { inspectorPort, ...options } = JSON.parse(process.argv[2]);
const miniflare = new Miniflare({ ...miniflareOptions(options), ...(inspectorPort && { inspectorPort }) });
const url = await miniflare.ready;
process.stdout.write(`${JSON.stringify({ url: url.href, pid: childNamed(process.pid, 'workerd') })}\n`);

const stop = async () => {
  await miniflare.dispose();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
