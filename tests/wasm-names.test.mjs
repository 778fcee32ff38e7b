// The release module ships without its name section, and the copy kept beside the build
// (build/index_bg.names.wasm, scripts/wasm-names.mjs) names its functions and sizes them:
// the module the tests run (build/dist, as deployed) against the one scripts/build.sh kept.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';
import { functionNames, functionSizes, sections, symbolize, withoutNames } from '../scripts/wasm-names.mjs';

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

  it('largest lists every function body, the biggest first, by name', () => {
    const sizes = functionSizes(named);
    const names = functionNames(named);
    const code = sections(named).find(({ id }) => id === 10);
    const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    const [biggest] = [...sizes].sort(([, a], [, b]) => b - a);

    assert.deepEqual(functionSizes(deployed), sizes);
    // Defined functions are numbered after the imported ones, as V8 counts them.
    const imported = WebAssembly.Module.imports(new WebAssembly.Module(named)).filter(({ kind }) => kind === 'function');
    assert.equal(Math.min(...sizes.keys()), imported.length);
    // The bodies fill the code section, but for their count and length prefixes.
    assert.ok(total < code.body.length && total > code.body.length * 0.99, `${total} of ${code.body.length}`);
    // All but a few of the functions the module defines are named (wasm-bindgen leaves a
    // glue function or so unnamed).
    const unnamed = [...sizes.keys()].filter((index) => !names.has(index));
    assert.ok(unnamed.length <= 3, `unnamed: ${unnamed}`);

    const child = spawnSync(process.execPath, ['scripts/wasm-names.mjs', 'largest', 'build/index_bg.names.wasm', '1'], {
      cwd: rootDir,
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, `${sizes.size} functions, ${total} bytes of code\n${String(biggest[1]).padStart(8)}  ${names.get(biggest[0])}\n`);
  });

  it('strip refuses a file that is not a wasm module', () => {
    assert.throws(() => sections(Buffer.from('not wasm')), /not a wasm module/);
  });
});
