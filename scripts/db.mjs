#!/usr/bin/env node
// Database maintenance that `wrangler d1` alone does not do for this schema:
//
//   npm run db:backfill [target]                 the migrations' backfills, step by step
//   npm run db:export -- --output <file> [target]   a backup, without the virtual tables
//   npm run db:restore -- --file <file> [target]    a backup into an empty database
//
// Target (scripts/lib/d1.mjs): --local (the default) [--persist-to <dir>] or --remote, and
// --env <staging|production>.
//
// `wrangler d1 export` refuses a database with a virtual table (the text index of migration
// 0009: workers-sdk #6305). An index is derived data: the export names every other table;
// the restore loads them, applies again the migrations that create virtual tables (each
// holds only its index's own tables, so it finds them absent), and backfills them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { executeAll, parseArgs, wrangler } from './lib/d1.mjs';
import { rootDir } from './lib/paths.mjs';

const MIGRATIONS = join(rootDir, 'migrations');
const BACKFILLS = join(rootDir, 'scripts', 'backfill');

/** The migrations that create a virtual table, by file name. */
export function indexMigrations() {
  return readdirSync(MIGRATIONS)
    .filter((file) => /CREATE VIRTUAL TABLE/i.test(readFileSync(join(MIGRATIONS, file), 'utf8')))
    .sort();
}

/** The tables the migrations' virtual tables own: theirs, their shadows, their state. */
export function indexTables() {
  return indexMigrations().flatMap((file) =>
    [...readFileSync(join(MIGRATIONS, file), 'utf8').matchAll(/CREATE (?:VIRTUAL )?TABLE (\w+)/gi)].map((m) => m[1]),
  );
}

/** Whether `table` belongs to a virtual table's index (the index, a shadow table, its state). */
export function ofAnIndex(table, owned = indexTables()) {
  return owned.some((name) => table === name || table.startsWith(`${name}_`));
}

/** Runs every backfill step until each reports it is done; returns the steps run. */
export function backfill(options, log = console.log) {
  let steps = 0;
  for (const file of readdirSync(BACKFILLS).sort()) {
    const sql = readFileSync(join(BACKFILLS, file), 'utf8');
    for (;;) {
      const results = executeAll(sql, options);
      steps += 1;
      const [mark] = results.at(-1);
      log(`${file}: ${mark.backfilled_seq} of ${mark.started_seq}`);
      if (mark.backfilled_seq >= mark.started_seq) break;
    }
  }
  return steps;
}

/** Exports every table but the indexes' to `output`. */
export function exportBackup(options) {
  if (!options.output) throw new Error('export needs --output <file>');
  const [tables] = executeAll(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    options,
  );
  const owned = indexTables();
  const kept = tables.map((row) => row.name).filter((name) => !ofAnIndex(name, owned));
  // wrangler d1 export reads .wrangler/state, never --persist-to.
  wrangler('export', ['--output', options.output, ...kept.flatMap((name) => ['--table', name])], options, { persists: false });
  return kept;
}

/** Loads a backup into an empty database and rebuilds the indexes it leaves out. */
export function restore(options, log = console.log) {
  if (!options.file) throw new Error('restore needs --file <backup.sql>');
  wrangler('execute', ['--file', options.file], options);
  for (const file of indexMigrations()) {
    log(`rebuilding from ${file}`);
    wrangler('execute', ['--file', join(MIGRATIONS, file)], options);
  }
  return backfill(options, log);
}

const USAGE = `usage: node scripts/db.mjs backfill [target]
       node scripts/db.mjs export --output <file> [target]
       node scripts/db.mjs restore --file <file> [target]
target: --local (default) [--persist-to <dir>] | --remote; [--env staging|production]`;

function main(argv) {
  const { options, positional } = parseArgs(argv);
  switch (positional[0]) {
    case 'backfill':
      console.log(`done in ${backfill(options)} steps`);
      return;
    case 'export':
      console.log(`exported ${exportBackup(options).join(', ')} to ${options.output}`);
      return;
    case 'restore':
      console.log(`restored; backfilled in ${restore(options)} steps`);
      return;
    default:
      throw new Error(USAGE);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
