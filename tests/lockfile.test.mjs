// The npm lock files are complete for every platform: `npm ci` refuses a lock file that
// lacks a package the registry offers, so a lock written on Linux without workerd's macOS
// and Windows builds would fail a teammate's first `npm ci` on a Mac.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';

const LOCK_FILES = ['package-lock.json', 'bench/peers/hono/package-lock.json'];

const packagesOf = (lockFile) => JSON.parse(readFileSync(join(rootDir, lockFile), 'utf8')).packages;

/** Where npm would put `dependency` of the package at `path`: nested first, then hoisted. */
const locked = (packages, path, dependency) =>
  packages[`${path}/node_modules/${dependency}`] ?? packages[`node_modules/${dependency}`];

describe('npm lock files', () => {
  for (const lockFile of LOCK_FILES) {
    it(`${lockFile} locks every optional dependency of every package it locks`, () => {
      const packages = packagesOf(lockFile);
      const missing = Object.entries(packages).flatMap(([path, { optionalDependencies = {} }]) =>
        Object.keys(optionalDependencies)
          .filter((dependency) => !locked(packages, path, dependency))
          .map((dependency) => `${path || '(root)'} → ${dependency}`));

      assert.deepEqual(missing, []);
    });
  }

  it("package-lock.json has workerd's and esbuild's builds for Linux, macOS and Windows", () => {
    const packages = packagesOf('package-lock.json');
    const builds = (prefix) => Object.keys(packages).filter((path) => path.startsWith(`node_modules/${prefix}`));

    for (const platform of ['linux-64', 'linux-arm64', 'darwin-64', 'darwin-arm64', 'windows-64']) {
      assert.ok(builds('@cloudflare/workerd-').includes(`node_modules/@cloudflare/workerd-${platform}`), platform);
    }
    for (const platform of ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64']) {
      assert.ok(builds('@esbuild/').includes(`node_modules/@esbuild/${platform}`), platform);
    }
  });
});
