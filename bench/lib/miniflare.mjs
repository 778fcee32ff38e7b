// A built Worker (the output of `wrangler deploy --dry-run --outdir`) as Miniflare options:
// workerd serves it on its own socket, with a local D1, and nothing in front of it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { convertV4MiniflareOptions } from 'miniflare';

/**
 * `bundleDir`: the built worker; `database`: { id, persistDir } for a D1 bound as DB, or
 * nothing; `vars`: its text bindings.
 */
export function miniflareOptions({ bundleDir, compatibilityDate, database, vars = {} }) {
  const files = readdirSync(bundleDir);
  const entry = files.includes('index.js') ? 'index.js' : 'worker.js';
  // Miniflare 5 takes a new option shape; the v4 one converts to it.
  return convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: 0,
    ...(database && { resourcePersistencePath: join(database.persistDir, 'v3') }),
    // Miniflare's own per-request log line is a development aid the platform does not have.
    logRequests: false,
    // The worker's own log lines (one per request) are written by it, then dropped here.
    handleStructuredLogs: () => {},
    workers: [
      {
        modulesRoot: bundleDir,
        // The entry module first, then the wasm module it imports, if any.
        modules: [entry, ...files.filter((file) => file.endsWith('.wasm'))].map((file) => ({
          type: file === entry ? 'ESModule' : 'CompiledWasm',
          path: join(bundleDir, file),
        })),
        compatibilityDate,
        bindings: vars,
        ...(database && { d1Databases: { DB: database.id } }),
      },
    ],
  });
}
