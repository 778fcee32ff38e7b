// The road segment: what clients may send, checked field by field so that every problem in a
// body is reported at once, as FastAPI (pydantic) does.
import { Kind, fieldError } from './errors.js';
import { integerInRange, MAX_SAFE_INTEGER } from './numbers.js';

/** The columns of a segment, in table order: also the order of every JSON object sent. */
export const COLUMNS = 'id_segmento, nombre, descripcion, longitud, latitud, ubicacion, created_at, updated_at, version';

/** The fields a client writes, in table order, with their rules. */
const FIELDS = [
  { name: 'nombre', type: 'string', maxChars: 200, notBlank: true, required: true },
  { name: 'descripcion', type: 'string', maxChars: 2000, nullable: true },
  { name: 'longitud', type: 'number', min: -180, max: 180, required: true },
  { name: 'latitud', type: 'number', min: -90, max: 90, required: true },
  { name: 'ubicacion', type: 'string', maxChars: 200, nullable: true },
];
/** The names of the fields a client writes (each may be given once). */
export const FIELD_NAMES = new Set(FIELDS.map((field) => field.name));

/** Fields the server owns: accepted in a body (clients echo whole segments back) and ignored. */
const SERVER_FIELDS = new Set(['id_segmento', 'created_at', 'updated_at', 'version']);

/** Rust's `char::is_whitespace` (Unicode White_Space), which `trim()` strips: not quite JS's. */
const BLANK = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** The `{id}` of `/api/v1/segmentos/{id}`: any integer a D1 binding carries exactly. */
export function parseId(raw) {
  const id = integerInRange(raw, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER);
  return typeof id === 'number' ? { id } : { errors: [fieldError(['path', 'id_segmento'], id)] };
}

/** A create: `{ segment }` with every column, or `{ errors }`. */
export function validateNew(body) {
  return validate(body, true);
}

/**
 * A partial update: `{ segment }` holding only the fields sent (`descripcion` and `ubicacion`
 * may be `null` to clear them), or `{ errors }`.
 */
export function validatePatch(body) {
  return validate(body, false);
}

function validate(body, creating) {
  const errors = [];
  const segment = {};
  for (const field of FIELDS) {
    const value = body[field.name];
    if (value === undefined) {
      if (creating && field.required) errors.push(fieldError(['body', field.name], Kind.missing()));
      else if (creating) segment[field.name] = null;
    } else if (value === null && field.nullable) {
      segment[field.name] = null;
    } else {
      const problems = check(field, value);
      if (problems.length === 0) segment[field.name] = value;
      for (const problem of problems) errors.push(fieldError(['body', field.name], problem));
    }
  }
  const unknown = Object.keys(body).filter((key) => !FIELD_NAMES.has(key) && !SERVER_FIELDS.has(key));
  for (const key of unknown.sort(byCodePoint)) errors.push(fieldError(['body', key], Kind.extraForbidden()));
  return errors.length > 0 ? { errors } : { segment };
}

/** The problems of one sent value: its JSON type, then each rule it breaks. */
function check(field, value) {
  if (field.type === 'string') {
    if (typeof value !== 'string') return [Kind.stringType()];
    const problems = [];
    if (value.length > field.maxChars && charCount(value) > field.maxChars) {
      problems.push(Kind.stringTooLong(field.maxChars));
    }
    if (field.notBlank && BLANK.test(value)) problems.push(Kind.blank());
    return problems;
  }
  if (typeof value !== 'number') return [Kind.numberType()];
  if (value < field.min) return [Kind.greaterThanEqual(field.min)];
  if (value > field.max) return [Kind.lessThanEqual(field.max)];
  return [];
}

/** Lengths count characters (code points), not UTF-16 units. */
function charCount(text) {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Code point order, which is the UTF-8 byte order the reference lists unknown fields in. */
function byCodePoint(a, b) {
  const [left, right] = [[...a], [...b]];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i].codePointAt(0) - right[i].codePointAt(0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
