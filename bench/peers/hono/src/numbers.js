// Numbers in query strings and paths, read with the grammar and bounds of the reference
// implementation (Rust's `str::parse`), which JavaScript's `Number()` does not share: `Number`
// reads "" as 0 and takes "0x10", so the text is checked first.
import { Kind } from './errors.js';

/** Largest integer a JavaScript number (and so a D1 binding) holds exactly. */
export const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** Unicode White_Space at either end, which Rust's `str::trim` removes. */
const EDGE_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

export function rustTrim(text) {
  return text.replace(EDGE_SPACE, '');
}

/**
 * An integer parameter within [min, max] (both safe integers), or the error kind saying why
 * not: `int_parsing` for anything a 64-bit integer cannot hold, else the bound it crosses.
 */
export function integerInRange(raw, min, max) {
  const text = rustTrim(raw);
  if (!INTEGER.test(text)) return Kind.intParsing();
  let number = Number(text);
  if (!Number.isSafeInteger(number)) {
    const exact = BigInt(text);
    if (exact < I64_MIN || exact > I64_MAX) return Kind.intParsing();
    number = exact < 0n ? -Infinity : Infinity;
  }
  if (number < min) return Kind.greaterThanEqual(min);
  if (number > max) return Kind.lessThanEqual(max);
  return number;
}

/** A finite number, spaces around it allowed; NaN, infinities and overflow are not numbers. */
export function finiteNumber(raw) {
  const text = rustTrim(raw);
  if (!DECIMAL.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}
