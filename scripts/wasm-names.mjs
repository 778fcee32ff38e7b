#!/usr/bin/env node
// The wasm module's name section (the name of each function, for stack traces and
// profiles): about 80 KB of the release module, which every cold start downloads and
// parses, and which no request needs. The release build ships the module without it and
// keeps a copy with it beside the build, to read traces and profiles with.
//
//   node scripts/wasm-names.mjs strip <module.wasm> <copy-with-names.wasm>
//       writes the module with its names to the copy, then rewrites the module without
//       them (every other byte unchanged)
//   node scripts/wasm-names.mjs symbolize <copy-with-names.wasm> < log.txt
//       copies the text, with each `wasm-function[N]` (how V8 shows a function of a module
//       without names) followed by that function's name
//   node scripts/wasm-names.mjs largest <copy-with-names.wasm> [count]
//       the largest function bodies, in bytes, with their names
import { readFileSync, writeFileSync } from 'node:fs';

/** An unsigned LEB128 number at `offset`: `[value, offset after it]`. */
function leb128(bytes, offset) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, offset];
    shift += 7;
  }
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const CUSTOM = 0;
const IMPORT = 2;
const CODE = 10;
const IMPORTED_FUNCTION = 0;
const NAME_SUBSECTION_FUNCTIONS = 1;

/** The module's sections: `{ id, name (custom sections), start, end, body }`. */
export function sections(bytes) {
  if (!MAGIC.every((byte, i) => bytes[i] === byte)) throw new Error('not a wasm module (version 1)');
  const found = [];
  let offset = MAGIC.length;
  while (offset < bytes.length) {
    const start = offset;
    const id = bytes[offset++];
    const [size, bodyStart] = leb128(bytes, offset);
    const end = bodyStart + size;
    let name;
    if (id === CUSTOM) {
      const [length, nameStart] = leb128(bytes, bodyStart);
      name = Buffer.from(bytes.subarray(nameStart, nameStart + length)).toString('utf8');
    }
    found.push({ id, name, start, end, body: bytes.subarray(bodyStart, end) });
    offset = end;
  }
  return found;
}

/** The module without its `name` custom section; every other byte as it was. */
export function withoutNames(bytes) {
  const kept = sections(bytes).filter((section) => !(section.id === CUSTOM && section.name === 'name'));
  return Buffer.concat([Buffer.from(MAGIC), ...kept.map(({ start, end }) => bytes.subarray(start, end))]);
}

/** Function index → name, from the module's name section (empty without one). */
export function functionNames(bytes) {
  const names = new Map();
  const section = sections(bytes).find(({ id, name }) => id === CUSTOM && name === 'name');
  if (!section) return names;
  const { body } = section;
  let [length, offset] = leb128(body, 0);
  offset += length;
  while (offset < body.length) {
    const kind = body[offset++];
    let size;
    [size, offset] = leb128(body, offset);
    const end = offset + size;
    if (kind === NAME_SUBSECTION_FUNCTIONS) {
      let count;
      [count, offset] = leb128(body, offset);
      for (let i = 0; i < count; i += 1) {
        let index;
        [index, offset] = leb128(body, offset);
        [length, offset] = leb128(body, offset);
        names.set(index, Buffer.from(body.subarray(offset, offset + length)).toString('utf8'));
        offset += length;
      }
    }
    offset = end;
  }
  return names;
}

/** How many functions the import section imports: they come first in the function index space. */
function importedFunctions(body) {
  let [count, offset] = leb128(body, 0);
  let functions = 0;
  const skipName = () => {
    let length;
    [length, offset] = leb128(body, offset);
    offset += length;
  };
  const skipNumber = () => {
    [, offset] = leb128(body, offset);
  };
  const skipLimits = () => {
    const flags = body[offset++];
    skipNumber();
    if (flags & 1) skipNumber();
  };
  for (; count > 0; count -= 1) {
    skipName();
    skipName();
    const kind = body[offset++];
    if (kind === IMPORTED_FUNCTION) {
      functions += 1;
      skipNumber();
    } else if (kind === 1) {
      offset += 1; // table: reference type, then limits
      skipLimits();
    } else if (kind === 2) {
      skipLimits(); // memory
    } else if (kind === 3) {
      offset += 2; // global: value type, mutability
    } else {
      offset += 1; // tag: attribute, then type index
      skipNumber();
    }
  }
  return functions;
}

/** Function index → the size of its body in bytes (imported functions have none). */
export function functionSizes(bytes) {
  const all = sections(bytes);
  const imports = all.find(({ id }) => id === IMPORT);
  const first = imports ? importedFunctions(imports.body) : 0;
  const sizes = new Map();
  const code = all.find(({ id }) => id === CODE);
  if (!code) return sizes;
  let [count, offset] = leb128(code.body, 0);
  for (let index = first; count > 0; count -= 1, index += 1) {
    let size;
    [size, offset] = leb128(code.body, offset);
    sizes.set(index, size);
    offset += size;
  }
  return sizes;
}

/** `text` with each `wasm-function[N]` followed by that function's name, where known. */
export function symbolize(text, names) {
  return text.replace(/wasm-function\[(\d+)\]/g, (frame, index) =>
    (names.has(Number(index)) ? `${frame} ${names.get(Number(index))}` : frame));
}

function main([command, ...args]) {
  if (command === 'strip' && args.length === 2) {
    const [module, copy] = args;
    const bytes = readFileSync(module);
    writeFileSync(copy, bytes);
    writeFileSync(module, withoutNames(bytes));
  } else if (command === 'symbolize' && args.length === 1) {
    process.stdout.write(symbolize(readFileSync(0, 'utf8'), functionNames(readFileSync(args[0]))));
  } else if (command === 'largest' && args.length >= 1 && args.length <= 2) {
    const bytes = readFileSync(args[0]);
    const names = functionNames(bytes);
    const sizes = [...functionSizes(bytes)].sort(([, a], [, b]) => b - a);
    const total = sizes.reduce((sum, [, size]) => sum + size, 0);
    console.log(`${sizes.length} functions, ${total} bytes of code`);
    for (const [index, size] of sizes.slice(0, Number(args[1] ?? 20))) {
      console.log(`${String(size).padStart(8)}  ${names.get(index) ?? `wasm-function[${index}]`}`);
    }
  } else {
    console.error('usage: node scripts/wasm-names.mjs strip <module.wasm> <copy-with-names.wasm>\n' +
      '       node scripts/wasm-names.mjs symbolize <copy-with-names.wasm> < text\n' +
      '       node scripts/wasm-names.mjs largest <copy-with-names.wasm> [count]');
    process.exit(2);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
