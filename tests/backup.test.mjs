// Backups still restore with the text index (issue 26): `wrangler d1 export` refuses a
// database with a virtual table, so `npm run db:export` exports every other table and
// `npm run db:restore` loads them into an empty database and rebuilds the index. Run here
// as an operator runs them, with wrangler on local D1s: a database migrated as a deployed
// one came to be (segments before migration 0009, backfilled after it), exported, and
// restored into a fresh one, must answer every read byte for byte alike.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';

const RESTORED = '.wrangler/restored';

let dir;

/** Runs a command in the test's project directory; its stdout. */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

const db = (script, ...args) => run('node', [join(rootDir, 'scripts', 'db.mjs'), script, '--local', ...args]);

/** The rows of each read, as wrangler prints them (one run for all of them). */
function read(reads, persistTo) {
  const args = ['d1', 'execute', 'DB', '--local', '--json', `--command=${reads.join(';\n')}`];
  if (persistTo) args.push('--persist-to', persistTo);
  return JSON.parse(run('wrangler', args)).map(({ results }) => JSON.stringify(results));
}

const READS = [
  'SELECT * FROM segmentos ORDER BY id_segmento',
  'SELECT * FROM segment_tombstones ORDER BY seq',
  'SELECT * FROM segment_count',
  'SELECT backfilled_seq = started_seq AS done FROM segment_text_state',
  ...['senalizacion', 'CÓRDOBA', 'socav', 'ruta 9', 'zzz'].map(
    (q) => `SELECT rowid FROM segment_text WHERE segment_text MATCH '"${q}"' ORDER BY rowid`,
  ),
];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'recway-backup-'));
  cpSync(join(rootDir, 'wrangler.toml'), join(dir, 'wrangler.toml'));
  mkdirSync(join(dir, 'migrations'));
  const migrations = readdirSync(join(rootDir, 'migrations')).sort();
  const copy = (files) => files.forEach((file) => cpSync(join(rootDir, 'migrations', file), join(dir, 'migrations', file)));
  // As deployed before the text index: segments written by the previous version.
  copy(migrations.filter((file) => file < '0009'));
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local']);
  const names = ['Señalización Ruta 9', 'Córdoba centro', 'Av. Colón', 'Ruta 9 km 12', 'Socavón'];
  const values = names.map((name, i) => `('${name}', ${i % 2 ? "'Socavón en la calzada'" : 'NULL'}, -64.1, -31.4, ${i + 1})`);
  run('wrangler', ['d1', 'execute', 'DB', '--local', `--command=INSERT INTO segmentos (nombre, descripcion, longitud, latitud, seq) VALUES ${values.join(', ')}`]);
  copy(migrations.filter((file) => file >= '0009'));
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local']);
  db('backfill');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a backup of a database with the text index', () => {
  it('exports every table but the index, and restores into a fresh database that reads alike', () => {
    db('export', '--output', 'backup.sql');
    const backup = readFileSync(join(dir, 'backup.sql'), 'utf8');
    assert.match(backup, /CREATE TABLE segmentos/);
    assert.doesNotMatch(backup, /segment_text/);

    db('restore', '--file', 'backup.sql', '--persist-to', RESTORED);

    const original = read(READS);
    assert.equal(original.length, READS.length);
    assert.equal(original[3], '[{"done":1}]');
    assert.equal(original[4], '[{"rowid":1}]', 'the backfilled index finds "Señalización"');
    assert.deepEqual(read(READS, RESTORED), original);
  });
});
