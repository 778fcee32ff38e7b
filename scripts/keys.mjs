#!/usr/bin/env node
// API-key management: `npm run keys -- <command> [options]`.
//
//   create --name <text> --scopes <read,write,admin>   mint a key; it is printed once
//   list                                               every key, active and revoked
//   revoke <id>                                        revoke a key (it stays listed)
//
// Target (as for `wrangler d1 execute`): --local (the default; add --persist-to <dir> for a
// database outside .wrangler/state) or --remote, and --env <staging|production> for an
// environment's database. Only a key's SHA-256 is stored; the key itself is never
// written anywhere but this command's output.
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { execute, parseArgs } from './lib/d1.mjs';

export const SCOPES = ['read', 'write', 'admin'];
const PREFIX = 'rwk_';
/** Characters of a key kept in the table to recognise it: `rwk_` and 8 more. */
const SHOWN_CHARS = 12;
const MAX_NAME_CHARS = 100;

/** A new key: `rwk_` + 32 random bytes (base64url), its listed prefix, and its hash. */
export function mintKey() {
  const key = PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, SHOWN_CHARS), hash: hashKey(key) };
}

/** What D1 stores of a key: lowercase hex SHA-256 (src/access/keys.rs does the same). */
export function hashKey(key) {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Scopes from `read,write`: known, unique, at least one; or an Error. */
export function parseScopes(raw) {
  const scopes = [...new Set(String(raw ?? '').split(/[\s,]+/).filter(Boolean))];
  const unknown = scopes.filter((scope) => !SCOPES.includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new Error(`--scopes must list one or more of ${SCOPES.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`);
  }
  return scopes;
}

/** A key's name: 1 to 100 printable characters; or an Error. */
export function parseName(raw) {
  const name = String(raw ?? '').trim();
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || [...name].length > MAX_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new Error(`--name must be 1 to ${MAX_NAME_CHARS} printable characters`);
  }
  return name;
}

/** A SQL string literal: `wrangler d1 execute` takes no bound parameters. */
export function sqlText(value) {
  return `'${String(value).replaceAll("'", "''")}'`;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

export function insertSql({ name, scopes, prefix, hash }) {
  return `INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at) VALUES (${sqlText(name)}, ${sqlText(prefix)}, ${sqlText(hash)}, ${sqlText(JSON.stringify(scopes))}, ${NOW}) RETURNING id, name, prefix, scopes, created_at`;
}

export const LIST_SQL = 'SELECT id, name, prefix, scopes, created_at, revoked_at FROM api_keys ORDER BY id';

export function revokeSql(id) {
  return `UPDATE api_keys SET revoked_at = ${NOW} WHERE id = ${id} AND revoked_at IS NULL RETURNING id, name, prefix, revoked_at`;
}

const USAGE = `usage: npm run keys -- create --name <text> --scopes <read,write,admin> [target]
       npm run keys -- list [target]
       npm run keys -- revoke <id> [target]
target: --local (default) [--persist-to <dir>] | --remote; [--env staging|production]`;

function main(argv) {
  const { options, positional } = parseArgs(argv);
  const [command, ...rest] = positional;
  switch (command) {
    case 'create': {
      const name = parseName(options.name);
      const scopes = parseScopes(options.scopes);
      const minted = mintKey();
      const [row] = execute(insertSql({ name, scopes, ...minted }), options);
      console.log(`Created key ${row.id} "${row.name}" with scopes ${scopes.join(', ')}.`);
      console.log('Store it now; it is not shown again and cannot be recovered:');
      console.log(minted.key);
      return;
    }
    case 'list': {
      const rows = execute(LIST_SQL, options);
      console.table(rows.map((row) => ({ ...row, scopes: JSON.parse(row.scopes).join(','), revoked_at: row.revoked_at ?? '' })));
      return;
    }
    case 'revoke': {
      const id = Number(rest[0]);
      if (!Number.isSafeInteger(id) || id < 1) throw new Error('revoke takes the numeric id shown by `list`');
      const rows = execute(revokeSql(id), options);
      if (rows.length === 0) throw new Error(`no active key has id ${id}`);
      console.log(`Revoked key ${rows[0].id} "${rows[0].name}" (${rows[0].prefix}…) at ${rows[0].revoked_at}.`);
      return;
    }
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
