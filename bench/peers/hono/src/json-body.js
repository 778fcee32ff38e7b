// JSON request bodies: declared as JSON (415), bounded (413), and read as one object, or the
// single problem that keeps them from being one (422), located as the Rust worker locates it.
//
// The body is parsed with JSON.parse. Only when that fails (or leaves a value serde_json would
// have refused) does `locateSyntaxError` re-read the bytes the way serde_json does, so that
// `json_invalid` errors carry the same byte offset and reason (`["body", 14]`, "expected
// value") as the reference implementation.
import { ApiError, Kind, fieldError } from './errors.js';

/** Largest body a single-segment write may carry. */
export const MAX_BODY_BYTES = 64 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/**
 * The raw body of a write: `415` unless it is declared as JSON (`application/json` or any
 * `application/*+json`; no type at all is JSON, as the FastAPI server read it), `413` past
 * MAX_BODY_BYTES.
 */
export async function readBody(c) {
  if (!isJson(c.req.header('content-type'))) throw ApiError.unsupportedMediaType();
  const declared = Number(c.req.header('content-length'));
  if (declared > MAX_BODY_BYTES) throw ApiError.payloadTooLarge(MAX_BODY_BYTES);
  const body = new Uint8Array(await c.req.arrayBuffer());
  if (body.length > MAX_BODY_BYTES) throw ApiError.payloadTooLarge(MAX_BODY_BYTES);
  return body;
}

function isJson(contentType) {
  if (contentType === undefined) return true;
  const essence = contentType.split(';', 1)[0].trim().toLowerCase();
  return essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}

/**
 * `{ value }` for a body that is a JSON object, else `{ errors }` with its one problem: an
 * empty body is `missing`, another JSON value `model_attributes_type`, unreadable JSON
 * (including a repeated one of `fields`, the object's own) `json_invalid` at a byte offset.
 */
export function parseJsonObject(bytes, fields) {
  const first = bytes.findIndex((byte) => !isAsciiWhitespace(byte));
  if (first === -1) return { errors: [fieldError(['body'], Kind.missing())] };
  const isObject = bytes[first] === 0x7b; // `{`
  let text;
  let value;
  try {
    text = strictUtf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    // A value that is not an object is only skipped over by serde_json, which then accepts
    // text JSON.parse refuses (invalid UTF-8 in a string); it is still not an object.
    const error = locateSyntaxError(bytes, isObject ? fields : undefined);
    return { errors: [error ?? fieldError(['body'], Kind.objectType())] };
  }
  if (!isObject) return { errors: [fieldError(['body'], Kind.objectType())] };
  // JSON.parse takes lone surrogate escapes, overflowing numbers (as Infinity), nesting
  // deeper than 128 levels and repeated keys (the last one wins); serde_json refuses them.
  // Only odd bodies can hold them (the payload's own values are flat), so only those are
  // read again.
  if (mayRepeatAField(text, fields) || Object.entries(value).some((entry) => entry.some(isSuspect))) {
    const error = locateSyntaxError(bytes, fields);
    if (error) return { errors: [error] };
  }
  return { value };
}

/** Whether a field's key may occur twice: it does as written, or a key has an escape. */
function mayRepeatAField(text, fields) {
  if (text.includes('\\')) return true;
  for (const field of fields) {
    const key = `"${field}"`;
    if (text.indexOf(key) !== text.lastIndexOf(key)) return true;
  }
  return false;
}

function isSuspect(value) {
  if (typeof value === 'string') return !value.isWellFormed();
  if (typeof value === 'number') return !Number.isFinite(value);
  return typeof value === 'object' && value !== null;
}

/** Rust's `u8::is_ascii_whitespace`, which (unlike JSON) counts form feed. */
function isAsciiWhitespace(byte) {
  return byte === 0x20 || byte === 0x0a || byte === 0x09 || byte === 0x0d || byte === 0x0c;
}

// The reasons serde_json gives, by its `ErrorCode`.
const EOF_LIST = 'EOF while parsing a list';
const EOF_OBJECT = 'EOF while parsing an object';
const EOF_STRING = 'EOF while parsing a string';
const EOF_VALUE = 'EOF while parsing a value';
const EXPECTED_COLON = 'expected `:`';
const EXPECTED_LIST_COMMA_OR_END = 'expected `,` or `]`';
const EXPECTED_OBJECT_COMMA_OR_END = 'expected `,` or `}`';
const EXPECTED_IDENT = 'expected ident';
const EXPECTED_VALUE = 'expected value';
const INVALID_ESCAPE = 'invalid escape';
const INVALID_NUMBER = 'invalid number';
const NUMBER_OUT_OF_RANGE = 'number out of range';
const INVALID_UNICODE = 'invalid unicode code point';
const CONTROL_CHARACTER = 'control character (\\u0000-\\u001F) found while parsing a string';
const KEY_MUST_BE_A_STRING = 'key must be a string';
const LONE_SURROGATE = 'lone leading surrogate in hex escape';
const TRAILING_COMMA = 'trailing comma';
const TRAILING_CHARACTERS = 'trailing characters';
const UNEXPECTED_END_OF_HEX_ESCAPE = 'unexpected end of hex escape';
const RECURSION_LIMIT = 'recursion limit exceeded';

/** serde_json's default nesting limit. */
const MAX_DEPTH = 128;

class SyntaxFailure {
  constructor(reason, index, back = 0) {
    Object.assign(this, { reason, index, back });
  }
}

/**
 * The `json_invalid` error serde_json reports for `bytes`, or null if it reads them. An object
 * body is read as the Rust worker reads its payload, whose `fields` may not repeat (every value
 * parsed, strings checked as UTF-8); without `fields`, the value is only skipped over, as
 * serde's `IgnoredAny` does.
 */
function locateSyntaxError(bytes, fields) {
  const reader = new SerdeReader(bytes, fields);
  try {
    if (fields) reader.parseValue();
    else reader.ignoreValue();
    if (reader.skipWhitespace() !== undefined) reader.peekFail(TRAILING_CHARACTERS);
    return null;
  } catch (failure) {
    if (!(failure instanceof SyntaxFailure)) throw failure;
    return fieldError(['body', byteOffset(bytes, failure)], Kind.jsonInvalid(failure.reason));
  }
}

/**
 * serde_json reports a line and column (the column counting bytes up to its read position);
 * the Rust worker turns them back into a 0-based offset, one before that position.
 */
function byteOffset(bytes, { index, back }) {
  const lineStart = index === 0 ? 0 : bytes.lastIndexOf(0x0a, index - 1) + 1;
  const column = Math.max(index - lineStart - back, 0);
  return Math.min(bytes.length, lineStart + Math.max(column - 1, 0));
}

/** A transcription of serde_json's `Deserializer<SliceRead>`, keeping only its error paths. */
class SerdeReader {
  constructor(bytes, fields) {
    this.bytes = bytes;
    this.fields = fields;
    this.index = 0;
    this.remainingDepth = MAX_DEPTH;
  }

  peek() {
    return this.bytes[this.index];
  }

  next() {
    return this.index < this.bytes.length ? this.bytes[this.index++] : undefined;
  }

  /** An error at the read position (after the byte just consumed). */
  fail(reason, back = 0) {
    throw new SyntaxFailure(reason, this.index, back);
  }

  /** An error at the byte just peeked at. */
  peekFail(reason) {
    throw new SyntaxFailure(reason, Math.min(this.bytes.length, this.index + 1));
  }

  skipWhitespace() {
    for (;;) {
      const byte = this.peek();
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x09 && byte !== 0x0d) return byte;
      this.index++;
    }
  }

  ident(rest) {
    for (const expected of rest) {
      const byte = this.next();
      if (byte === undefined) this.fail(EOF_VALUE);
      if (byte !== expected.charCodeAt(0)) this.fail(EXPECTED_IDENT);
    }
  }

  /** `deserialize_any`: what serde_json does for each value of the payload. */
  parseValue() {
    const byte = this.skipWhitespace();
    if (byte === undefined) this.peekFail(EOF_VALUE);
    switch (byte) {
      case 0x6e: this.index++; this.ident('ull'); return; // n
      case 0x74: this.index++; this.ident('rue'); return; // t
      case 0x66: this.index++; this.ident('alse'); return; // f
      case 0x2d: this.index++; this.parseNumber(this.index - 1); return; // -
      case 0x22: this.index++; this.parseString(); return; // "
      case 0x5b: this.nested(() => this.parseList()); return; // [
      case 0x7b: this.nested(() => this.parseObject()); return; // {
      default:
        if (isDigit(byte)) this.parseNumber(this.index);
        else this.peekFail(EXPECTED_VALUE);
    }
  }

  nested(parse) {
    if (--this.remainingDepth === 0) this.peekFail(RECURSION_LIMIT);
    this.index++;
    parse();
    this.index++; // the closing bracket the loop stopped at
    this.remainingDepth++;
  }

  parseList() {
    for (let first = true; ; first = false) {
      const byte = this.skipWhitespace();
      if (byte === undefined) this.peekFail(EOF_LIST);
      if (byte === 0x5d) return; // ]
      if (!first) {
        if (byte !== 0x2c) this.peekFail(EXPECTED_LIST_COMMA_OR_END);
        this.index++;
        const after = this.skipWhitespace();
        if (after === 0x5d) this.peekFail(TRAILING_COMMA);
        if (after === undefined) this.peekFail(EOF_VALUE);
      }
      this.parseValue();
    }
  }

  parseObject() {
    // The payload's own fields, at its top level, may each be given once.
    const seen = this.remainingDepth === MAX_DEPTH - 1 ? new Set() : undefined;
    for (let first = true; ; first = false) {
      let byte = this.skipWhitespace();
      if (byte === undefined) this.peekFail(EOF_OBJECT);
      if (byte === 0x7d) return; // }
      if (!first) {
        if (byte !== 0x2c) this.peekFail(EXPECTED_OBJECT_COMMA_OR_END);
        this.index++;
        byte = this.skipWhitespace();
        if (byte === 0x7d) this.peekFail(TRAILING_COMMA);
        if (byte === undefined) this.peekFail(EOF_VALUE);
      }
      if (byte !== 0x22) this.peekFail(KEY_MUST_BE_A_STRING);
      this.index++;
      const key = this.parseString();
      if (seen && this.fields.has(key)) {
        if (seen.has(key)) {
          // Not a syntax error: serde places it once the object's end was looked for, after
          // the whitespace that follows the key.
          this.skipWhitespace();
          this.fail(`duplicate field \`${key}\``);
        }
        seen.add(key);
      }
      const colon = this.skipWhitespace();
      if (colon === undefined) this.peekFail(EOF_OBJECT);
      if (colon !== 0x3a) this.peekFail(EXPECTED_COLON);
      this.index++;
      this.parseValue();
    }
  }

  /** A number from its first digit; `start` is where its sign (if any) began. */
  parseNumber(start) {
    this.scanNumber(EOF_VALUE);
    const text = strictUtf8.decode(this.bytes.subarray(start, this.index));
    if (!Number.isFinite(Number(text))) this.fail(NUMBER_OUT_OF_RANGE);
  }

  /**
   * Moves past a number from its first digit, as serde_json does. `atEnd`: the error when
   * the input ends where a digit must be; serde's reader of kept values says "EOF", its
   * reader of ignored ones reads a NUL there and says "invalid number".
   */
  scanNumber(atEnd) {
    const first = this.next();
    if (first === undefined) this.fail(atEnd);
    if (first === 0x30) {
      if (isDigit(this.peek())) this.peekFail(INVALID_NUMBER);
    } else if (isDigit(first)) {
      while (isDigit(this.peek())) this.index++;
    } else {
      this.fail(INVALID_NUMBER);
    }
    if (this.peek() === 0x2e) {
      this.index++;
      if (!isDigit(this.peek())) this.peekFail(this.peek() === undefined ? atEnd : INVALID_NUMBER);
      while (isDigit(this.peek())) this.index++;
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.index++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.index++;
      const digit = this.next();
      if (digit === undefined) this.fail(atEnd);
      if (!isDigit(digit)) this.fail(INVALID_NUMBER);
      while (isDigit(this.peek())) this.index++;
    }
  }

  /** A string after its opening quote, checked as serde_json checks text it keeps; its text. */
  parseString() {
    const decoded = []; // byte chunks: the raw runs and the escapes' UTF-8
    let start = this.index;
    for (;;) {
      while (this.index < this.bytes.length && !isStringSpecial(this.bytes[this.index])) this.index++;
      if (this.index === this.bytes.length) this.fail(EOF_STRING);
      const byte = this.bytes[this.index];
      decoded.push(this.bytes.subarray(start, this.index));
      if (byte === 0x22) {
        this.index++;
        const text = concat(decoded);
        const valid = utf8ValidUpTo(text);
        // serde points back from the closing quote by the invalid tail's length.
        if (valid < text.length) this.fail(INVALID_UNICODE, text.length - valid);
        return strictUtf8.decode(text);
      }
      this.index++;
      if (byte !== 0x5c) this.fail(CONTROL_CHARACTER);
      this.parseEscape(decoded);
      start = this.index;
    }
  }

  parseEscape(decoded) {
    const byte = this.next();
    if (byte === undefined) this.fail(EOF_STRING);
    const simple = SIMPLE_ESCAPES[byte];
    if (simple !== undefined) return void decoded.push(Uint8Array.of(simple));
    if (byte !== 0x75) this.fail(INVALID_ESCAPE); // u
    const unit = this.hexEscape();
    if (unit >= 0xdc00 && unit <= 0xdfff) this.fail(LONE_SURROGATE);
    if (unit < 0xd800 || unit > 0xdbff) return void pushUtf8(decoded, unit);
    for (const expected of [0x5c, 0x75]) { // \u of the trailing surrogate
      const next = this.peek();
      if (next === undefined) this.fail(EOF_STRING);
      this.index++;
      if (next !== expected) this.fail(UNEXPECTED_END_OF_HEX_ESCAPE);
    }
    const trailing = this.hexEscape();
    if (trailing < 0xdc00 || trailing > 0xdfff) this.fail(LONE_SURROGATE);
    pushUtf8(decoded, 0x10000 + ((unit - 0xd800) << 10) + (trailing - 0xdc00));
  }

  hexEscape() {
    if (this.index + 4 > this.bytes.length) {
      this.index = this.bytes.length;
      this.fail(EOF_STRING);
    }
    const digits = String.fromCharCode(...this.bytes.subarray(this.index, this.index + 4));
    this.index += 4;
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail(INVALID_ESCAPE);
    return parseInt(digits, 16);
  }

  /**
   * `ignore_value`: a body that is not an object is only skipped over (iteratively, as serde
   * does: no depth limit, strings unchecked as UTF-8) before being refused as not an object.
   */
  ignoreValue() {
    const frames = [];
    let enclosing = null;
    for (;;) {
      const byte = this.skipWhitespace();
      if (byte === undefined) this.peekFail(EOF_VALUE);
      let frame = null;
      switch (byte) {
        case 0x6e: this.index++; this.ident('ull'); break;
        case 0x74: this.index++; this.ident('rue'); break;
        case 0x66: this.index++; this.ident('alse'); break;
        case 0x2d: this.index++; this.scanNumber(INVALID_NUMBER); break;
        case 0x22: this.index++; this.ignoreString(); break;
        case 0x5b:
        case 0x7b:
          if (enclosing !== null) frames.push(enclosing);
          enclosing = null;
          this.index++;
          frame = byte;
          break;
        default:
          if (isDigit(byte)) this.scanNumber(INVALID_NUMBER);
          else this.peekFail(EXPECTED_VALUE);
      }
      let acceptComma = true;
      if (frame !== null) acceptComma = false;
      else if (enclosing !== null) [frame, enclosing] = [enclosing, null];
      else if (frames.length > 0) frame = frames.pop();
      else return;
      for (;;) {
        const next = this.skipWhitespace();
        if (next === 0x2c && acceptComma) {
          this.index++;
          break;
        }
        const closes = (next === 0x5d && frame === 0x5b) || (next === 0x7d && frame === 0x7b);
        if (next === undefined) this.peekFail(frame === 0x5b ? EOF_LIST : EOF_OBJECT);
        if (!closes) {
          if (acceptComma) this.peekFail(frame === 0x5b ? EXPECTED_LIST_COMMA_OR_END : EXPECTED_OBJECT_COMMA_OR_END);
          break;
        }
        this.index++;
        if (frames.length === 0) return;
        frame = frames.pop();
        acceptComma = true;
      }
      if (frame === 0x7b) {
        const quote = this.skipWhitespace();
        if (quote === undefined) this.peekFail(EOF_OBJECT);
        if (quote !== 0x22) this.peekFail(KEY_MUST_BE_A_STRING);
        this.index++;
        this.ignoreString();
        const colon = this.skipWhitespace();
        if (colon === undefined) this.peekFail(EOF_OBJECT);
        if (colon !== 0x3a) this.peekFail(EXPECTED_COLON);
        this.index++;
      }
      enclosing = frame;
    }
  }

  ignoreString() {
    for (;;) {
      while (this.index < this.bytes.length && !isStringSpecial(this.bytes[this.index])) this.index++;
      if (this.index === this.bytes.length) this.fail(EOF_STRING);
      const byte = this.bytes[this.index];
      if (byte === 0x22) {
        this.index++;
        return;
      }
      // Unlike a kept string, the position stays on the control character.
      if (byte !== 0x5c) this.fail(CONTROL_CHARACTER);
      this.index++;
      const escape = this.next();
      if (escape === undefined) this.fail(EOF_STRING);
      if (escape === 0x75) this.hexEscape();
      else if (SIMPLE_ESCAPES[escape] === undefined) this.fail(INVALID_ESCAPE);
    }
  }
}

const SIMPLE_ESCAPES = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

function isDigit(byte) {
  return byte >= 0x30 && byte <= 0x39;
}

/** The bytes that end a run of plain string content: a quote, a backslash, a control character. */
function isStringSpecial(byte) {
  return byte === 0x22 || byte === 0x5c || byte < 0x20;
}

function pushUtf8(chunks, codePoint) {
  chunks.push(utf8.encode(String.fromCodePoint(codePoint)));
}

function concat(chunks) {
  const bytes = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Rust's `Utf8Error::valid_up_to`: the length of the longest valid UTF-8 prefix. */
function utf8ValidUpTo(bytes) {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length;
    let [low, high] = [0x80, 0xbf]; // the range of the second byte
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return i;
    }
    i += length;
  }
  return i;
}
