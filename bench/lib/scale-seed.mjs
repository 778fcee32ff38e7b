// The scale benchmark's databases: a local D1 per server and size, made as a deployed one
// came to be. The migrations a deployed database already had (up to DEPLOYED_UP_TO) go in
// through wrangler, the segments straight into the SQLite file Miniflare keeps (one
// transaction, the indexes in place), then every newer migration through the D1 binding,
// one statement at a time and timed, as a deploy would run it on a full table.
//
// Cached by fingerprint in two stages, so that a new migration does not regenerate 5
// million rows: build/scale/seeded/<key> (data) and build/scale/migrated/<key> (+ newer).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Miniflare } from 'miniflare';

import { rootDir } from '../../scripts/lib/paths.mjs';
import { readWorkerConfig } from '../../scripts/lib/worker-config.mjs';
import { applyLocalMigrations } from '../../scripts/lib/wrangler-dev.mjs';
import { miniflareOptions } from './miniflare.mjs';
import { COLUMNS, DATASET_VERSION, rows } from './scale-data.mjs';
import { splitStatements } from './sql-statements.mjs';
import { copyOf } from './targets.mjs';

/** The last migration a deployed database had before the scale work (issue 25). */
export const DEPLOYED_UP_TO = '0006';
/** D1's limit on one statement (shared/platform.md). */
export const D1_STATEMENT_LIMIT_MS = 30_000;

const migrationsDir = join(rootDir, 'migrations');
const backfillsDir = join(rootDir, 'scripts', 'backfill');
const scaleDir = join(rootDir, 'build/scale');
const MIGRATIONS_TABLE = 'd1_migrations'; // wrangler's default name

/** The repository's migrations in order, split at DEPLOYED_UP_TO. */
export function migrationFiles() {
  const names = readdirSync(migrationsDir).filter((name) => name.endsWith('.sql')).sort();
  const deployed = names.filter((name) => name.slice(0, 4) <= DEPLOYED_UP_TO);
  return { deployed, newer: names.filter((name) => !deployed.includes(name)) };
}

const digest = (parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part}\0`);
  return hash.digest('hex').slice(0, 12);
};
const migrationsDigest = (names) => names.map((name) => `${name}:${digest([readFileSync(join(migrationsDir, name), 'utf8')])}`);

/** The one SQLite file of the local D1 under `persistDir` (Miniflare names it by a hash). */
export function d1File(persistDir) {
  const dir = join(persistDir, 'v3/d1/miniflare-D1DatabaseObject');
  // Beside it, metadata.sqlite is Miniflare's own.
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => /^[0-9a-f]{64}\.sqlite$/.test(name)) : [];
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.length}`);
  return join(dir, files[0]);
}

/** Reads a stage's record, or nothing when the stage was never completed. */
const completed = async (dir) => (existsSync(join(dir, 'done.json')) ? JSON.parse(await readFile(join(dir, 'done.json'), 'utf8')) : undefined);

/** Removes the cached stages of `prefix` other than `keep` (an older fingerprint's data). */
async function pruneStale(parent, prefix, keep) {
  if (!existsSync(parent)) return;
  for (const name of await readdir(parent)) {
    if (name.startsWith(prefix) && name !== keep) await rm(join(parent, name), { recursive: true, force: true });
  }
}

/** Stage 1: the deployed migrations through wrangler (from a copy of just them), then the rows. */
async function seed(name, worker, size, dir, log) {
  const { databaseId, compatibilityDate } = readWorkerConfig(worker);
  const tmp = join(scaleDir, `tmp-${name}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, 'migrations'), { recursive: true });
  for (const file of migrationFiles().deployed) await cp(join(migrationsDir, file), join(tmp, 'migrations', file));
  // The worker's database id: Miniflare names the file after it, so the server finds it.
  await writeFile(join(tmp, 'wrangler.toml'), [
    `name = "scale-seed-${name}"`, `compatibility_date = "${compatibilityDate}"`, '[[d1_databases]]', 'binding = "DB"',
    `database_name = "scale-${name}"`, `database_id = "${databaseId}"`, 'migrations_dir = "migrations"', '',
  ].join('\n'));
  await rm(dir, { recursive: true, force: true });
  let started = performance.now();
  await applyLocalMigrations({ cwd: tmp, config: join(tmp, 'wrangler.toml') }, dir);
  const migrateSeconds = (performance.now() - started) / 1000;
  await rm(tmp, { recursive: true, force: true });

  started = performance.now();
  const db = new DatabaseSync(d1File(dir));
  // A large page cache keeps the six indexes' pages in memory while rows arrive in id
  // order but the indexes' keys do not. A connection setting: nothing of it is stored.
  db.exec('PRAGMA cache_size = -2000000');
  const insert = db.prepare(`INSERT INTO segmentos (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  db.exec('BEGIN');
  let count = 0;
  for (const row of rows(size)) {
    insert.run(...row);
    count += 1;
    if (count % 1_000_000 === 0) log(`${name} ${size}: ${count.toLocaleString('en-US')} rows`);
  }
  db.exec('COMMIT');
  db.close();
  const insertSeconds = (performance.now() - started) / 1000;
  log(`${name} ${size}: seeded in ${insertSeconds.toFixed(1)} s (migrations ${migrateSeconds.toFixed(1)} s)`);
  return { size, datasetVersion: DATASET_VERSION, migrateSeconds, insertSeconds, deployed: migrationFiles().deployed };
}

/** A worker that does nothing: Miniflare needs one to give us its D1 binding. */
async function noopBundle() {
  const dir = join(scaleDir, 'noop-worker');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'index.js'), 'export default { fetch: () => new Response(null, { status: 204 }) };\n');
  return dir;
}

/**
 * Stage 2: every newer migration, statement by statement through the D1 binding, timed;
 * then its row in wrangler's table (the INSERT wrangler appends to each file), so that a
 * later `wrangler d1 migrations apply` finds it applied.
 */
async function migrate(worker, dir, newer, log) {
  const { databaseId, compatibilityDate } = readWorkerConfig(worker);
  const miniflare = new Miniflare(miniflareOptions({ bundleDir: await noopBundle(), compatibilityDate, database: { id: databaseId, persistDir: dir } }));
  const timings = [];
  try {
    const d1 = await miniflare.getD1Database('DB');
    for (const file of newer) {
      for (const sql of splitStatements(readFileSync(join(migrationsDir, file), 'utf8'))) {
        const started = performance.now();
        const { meta } = await d1.prepare(sql).run();
        const wallMs = performance.now() - started;
        timings.push({ file, sql, wallMs, durationMs: meta.duration, rowsRead: meta.rows_read, rowsWritten: meta.rows_written });
        log(`  ${file}: ${wallMs.toFixed(0)} ms, ${meta.rows_read} rows read, ${meta.rows_written} written: ${sql.replace(/\s+/g, ' ').slice(0, 70)}`);
      }
      await d1.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (name) values (?1)`).bind(file).run();
    }
    for (const file of readdirSync(backfillsDir).sort()) timings.push(await backfill(d1, file, log));
  } finally {
    await miniflare.dispose();
  }
  return timings;
}

/**
 * A backfill (scripts/backfill, what `npm run db:backfill` runs), step by step in one batch
 * each as wrangler runs it, until the step reports it is done: its slowest step, timed.
 */
async function backfill(d1, file, log) {
  const statements = splitStatements(readFileSync(join(backfillsDir, file), 'utf8'));
  let steps = 0;
  let totalMs = 0;
  let slowest;
  for (;;) {
    const started = performance.now();
    const results = await d1.batch(statements.map((sql) => d1.prepare(sql)));
    const wallMs = performance.now() - started;
    steps += 1;
    totalMs += wallMs;
    const sum = (key) => results.reduce((total, { meta }) => total + meta[key], 0);
    if (!slowest || wallMs > slowest.wallMs) slowest = { wallMs, durationMs: sum('duration'), rowsRead: sum('rows_read'), rowsWritten: sum('rows_written') };
    const [mark] = results.at(-1).results;
    if (mark.backfilled_seq >= mark.started_seq) break;
  }
  log(`  backfill/${file}: ${steps} steps, ${(totalMs / 1000).toFixed(1)} s, slowest ${slowest.wallMs.toFixed(0)} ms`);
  return { file: `backfill/${file}`, sql: `slowest of ${steps} steps, ${(totalMs / 1000).toFixed(1)} s in all: ${statements[0]}`, ...slowest };
}

/**
 * The seeded and migrated local D1 of `name` (a target key) at `size`: its persist
 * directory, what seeding and migrating took (now or when cached), whether it was cached.
 */
export async function scaleDatabase(name, worker, size, log) {
  const { deployed, newer } = migrationFiles();
  const seededKey = `${name}-${size}-${digest([DATASET_VERSION, size, readWorkerConfig(worker).databaseId, ...migrationsDigest(deployed)])}`;
  const seededDir = join(scaleDir, 'seeded', seededKey);
  let seeded = await completed(seededDir);
  const seededCached = Boolean(seeded);
  if (!seeded) {
    await pruneStale(join(scaleDir, 'seeded'), `${name}-${size}-`, seededKey);
    log(`${name} ${size}: seeding`);
    seeded = await seed(name, worker, size, seededDir, log);
    await writeFile(join(seededDir, 'done.json'), `${JSON.stringify(seeded, null, 2)}\n`);
  }
  if (!newer.length) return { persistDir: seededDir, seeded, seededCached, migrations: [], migratedCached: true };

  const backfills = readdirSync(backfillsDir).map((name) => `${name}:${digest([readFileSync(join(backfillsDir, name), 'utf8')])}`);
  const migratedKey = `${seededKey}-${digest([...migrationsDigest(newer), ...backfills])}`;
  const migratedDir = join(scaleDir, 'migrated', migratedKey);
  let migrated = await completed(migratedDir);
  const migratedCached = Boolean(migrated);
  if (!migrated) {
    await pruneStale(join(scaleDir, 'migrated'), `${name}-${size}-`, migratedKey);
    log(`${name} ${size}: applying ${newer.join(', ')}`);
    await copyOf(seededDir, migratedDir);
    await rm(join(migratedDir, 'done.json'));
    const started = performance.now();
    const statements = await migrate(worker, migratedDir, newer, log);
    migrated = { newer, statements, seconds: (performance.now() - started) / 1000 };
    await writeFile(join(migratedDir, 'done.json'), `${JSON.stringify(migrated, null, 2)}\n`);
  }
  return { persistDir: migratedDir, seeded, seededCached, migrations: migrated.statements, migrateSeconds: migrated.seconds, migratedCached };
}
