// The release module ships without its name section, and the copy kept beside the build
// (build/index_bg.names.wasm, scripts/wasm-names.mjs) names its functions: the module the
// tests run (build/dist, as deployed) against the one scripts/build.sh kept.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { functionNames, sections, symbolize, withoutNames } from '../scripts/wasm-names.mjs';
import { rootDir } from './support/worker.mjs';

const dist = join(rootDir, 'build/dist');
const deployed = readFileSync(join(dist, readdirSync(dist).find((file) => file.endsWith('.wasm'))));
const named = readFileSync(join(rootDir, 'build/index_bg.names.wasm'));

const customSections = (bytes) => sections(bytes).filter(({ id }) => id === 0).map(({ name }) => name);

/** The index of the function whose name starts with `prefix`. */
function indexOf(names, prefix) {
  const found = [...names].find(([, name]) => name.startsWith(prefix));
  assert.ok(found, `no function named ${prefix}…`);
  return found[0];
}

describe('the name section', () => {
  it('is not in the deployed module, and is in the copy kept beside the build', () => {
    assert.ok(!customSections(deployed).includes('name'));
    assert.ok(customSections(named).includes('name'));
  });

  it('is all that the deployed module lacks: the copy without it is the deployed module, byte for byte', () => {
    assert.ok(deployed.length < named.length - 50_000, `${deployed.length} vs ${named.length}`);
    assert.deepEqual(withoutNames(named), deployed);
  });

  it("names the worker's own functions, and none in the deployed module", () => {
    const names = functionNames(named);

    assert.ok(names.size > 500, `${names.size} names`);
    assert.ok(indexOf(names, 'recway_edge::segments::') >= 0);
    assert.equal(functionNames(deployed).size, 0);
  });

  it('symbolize puts each known function name after its wasm-function frame, and leaves the rest', () => {
    const names = functionNames(named);
    const index = indexOf(names, 'recway_edge::');
    const trace = `Error: unreachable\n    at wasm://wasm/1234:wasm-function[${index}]:0x5d2\n    at wasm-function[999999]:0x1\n`;

    const child = spawnSync(process.execPath, ['scripts/wasm-names.mjs', 'symbolize', 'build/index_bg.names.wasm'], {
      cwd: rootDir,
      input: trace,
      encoding: 'utf8',
    });

    assert.equal(child.status, 0, child.stderr);
    assert.equal(
      child.stdout,
      `Error: unreachable\n    at wasm://wasm/1234:wasm-function[${index}] ${names.get(index)}:0x5d2\n    at wasm-function[999999]:0x1\n`,
    );
    assert.equal(symbolize(trace, names), child.stdout);
  });

  it('strip refuses a file that is not a wasm module', () => {
    assert.throws(() => sections(Buffer.from('not wasm')), /not a wasm module/);
  });
});
