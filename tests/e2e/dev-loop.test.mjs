// `npm start`, the developer's command, end to end: it serves the development build
// (RECWAY_BUILD=dev, the wasm-dev profile), serves an edit to a `.rs` file once wrangler
// dev has rebuilt, serves the restored file again, and leaves the working tree as it found
// it (package-lock.json included). `npm run bench:reload` times the same loop.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';

import { EDITED_FILE, measureReload } from '../../bench/reload.mjs';
import { rootDir } from '../../scripts/lib/paths.mjs';

const gitStatus = () => execFileSync('git', ['status', '--porcelain'], { cwd: rootDir, encoding: 'utf8' });

describe('npm start', () => {
  it('serves an edit after a development rebuild, then the restored file, and leaves the tree as it was', async () => {
    const treeBefore = gitStatus();
    const source = await readFile(EDITED_FILE, 'utf8');

    const { reloadsMs, output } = await measureReload({ rounds: 1 });

    assert.equal(reloadsMs.length, 2, 'one edit and one restore, each served');
    assert.match(output, /wasm-dev/, 'npm start builds with the wasm-dev profile');
    assert.doesNotMatch(output, /Optimizing wasm|wasm-opt/, 'the development build skips wasm-opt');
    assert.equal(await readFile(EDITED_FILE, 'utf8'), source);
    assert.equal(gitStatus(), treeBefore);
  });
});
