// The dev loop, timed: `npm run bench:reload [-- --rounds 3 --build release|dev]`.
//
// Starts `npm start` (bootstrap, local migrations, `wrangler dev` with its build) on a free
// port and waits until it serves. Then, each round, edits one line of one `.rs` file (the
// status /health reports) and times until `wrangler dev` has rebuilt and serves the edit;
// then restores the file and times that reload too. The file is restored whatever happens.
// `--build release` times the same loop with the release build (what `npm start` built
// before the wasm-dev profile), for a before-and-after figure.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { waitUntilServing } from '../scripts/lib/health.mjs';
import { rootDir } from '../scripts/lib/paths.mjs';
import { freePort } from '../scripts/lib/ports.mjs';
import { run, stopGroup } from '../scripts/lib/process.mjs';
import { median } from '../scripts/lib/stats.mjs';

/** The file and the line each round edits. */
export const EDITED_FILE = join(rootDir, 'src/observability/health_report.rs');
const ORIGINAL = 'status: "healthy",';

const START_TIMEOUT_MS = 30 * 60_000;
const RELOAD_TIMEOUT_MS = 10 * 60_000;

/** Polls `/health` until its status is `status`; returns the milliseconds since `since`. */
async function servedStatus(url, status, since, timeoutMs, server) {
  await waitUntilServing(`${url}/health`, {
    child: server,
    timeoutMs: timeoutMs - (performance.now() - since),
    intervalMs: 100,
    accept: async (response) => response.ok && (await response.json()).status === status,
    expected: `answer with status "${status}"`,
  });
  return performance.now() - since;
}

/**
 * Runs the loop; returns `{ startMs, reloadsMs, output }`. `build` is the RECWAY_BUILD of
 * the dev server's builds (`npm start` uses `dev` unless told otherwise).
 */
export async function measureReload({ rounds = 3, build = 'dev', log = () => {} } = {}) {
  const original = await readFile(EDITED_FILE, 'utf8');
  // Once: the liveness report's, which /health sends (the database report is db/report.rs's).
  if (original.split(ORIGINAL).length !== 2) throw new Error(`${EDITED_FILE} no longer holds ${ORIGINAL} once`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const server = run('npm', ['start'], { env: { PORT: String(port), RECWAY_BUILD: build } });
  const reloadsMs = [];
  try {
    const startMs = await servedStatus(url, 'healthy', started, START_TIMEOUT_MS, server);
    log(`npm start served in ${(startMs / 1000).toFixed(1)} s`);
    for (let round = 1; round <= rounds; round++) {
      const marker = `healthy-edit-${round}`;
      // The first occurrence is the liveness report's status.
      await writeFile(EDITED_FILE, original.replace(ORIGINAL, `status: "${marker}",`));
      reloadsMs.push(await servedStatus(url, marker, performance.now(), RELOAD_TIMEOUT_MS, server));
      log(`round ${round}: the edit was served after ${(reloadsMs.at(-1) / 1000).toFixed(1)} s`);
      await writeFile(EDITED_FILE, original);
      reloadsMs.push(await servedStatus(url, 'healthy', performance.now(), RELOAD_TIMEOUT_MS, server));
      log(`round ${round}: the restored file was served after ${(reloadsMs.at(-1) / 1000).toFixed(1)} s`);
    }
    return { startMs, reloadsMs, output: server.output };
  } finally {
    await writeFile(EDITED_FILE, original);
    await stopGroup(server);
  }
}

async function main() {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '3' }, build: { type: 'string', default: 'dev' } },
  });
  const { startMs, reloadsMs } = await measureReload({ rounds: Number(values.rounds), build: values.build, log: console.log });
  const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`\n${values.build} build: npm start served in ${seconds(startMs)}; ` +
    `edit to served: median ${seconds(median(reloadsMs))}, ` +
    `max ${seconds(Math.max(...reloadsMs))} over ${reloadsMs.length} reloads`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
