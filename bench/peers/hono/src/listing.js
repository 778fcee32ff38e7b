// The query of the segment list: filters, order, keyset cursor and page. Raw parameters become
// a query that holds only valid values, or every problem with them at once.
import { ApiError, Kind, fieldError } from './errors.js';
import { finiteNumber, integerInRange, MAX_SAFE_INTEGER, rustTrim } from './numbers.js';

/** Mean Earth radius (IUGG), in metres: the sphere every distance is measured on. */
export const EARTH_RADIUS_M = 6371008.8;
const MAX_RADIUS_M = 1_000_000;
const Q_MAX_CHARS = 200;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const SORT_FIELDS = ['id_segmento', 'nombre', 'created_at', 'updated_at', 'distance_m'];

/**
 * Reads the query string. Unknown parameters are ignored and a repeated one counts once, with
 * its last value; values are decoded as HTML forms encode them (URLSearchParams: `+` is a
 * space, bad UTF-8 becomes U+FFFD). Throws a 422 listing every invalid parameter.
 */
export function parseListQuery(queryString) {
  const params = new Map(new URLSearchParams(queryString));
  const errors = [];
  const read = (name, parse) => {
    const raw = params.get(name);
    if (raw === undefined) return undefined;
    const parsed = parse(raw);
    if (parsed.error === undefined) return parsed.value;
    errors.push(fieldError(['query', name], parsed.error));
    return undefined;
  };

  const search = read('q', searchText);
  const bbox = read('bbox', parseBox);
  const center = read('near', parsePoint);
  // A radius is checked even without `near`, which makes it irrelevant.
  const radius = read('radius_m', parseRadius);
  const near = center && (params.has('radius_m') ? radius && { center, radius } : { center, radius: MAX_RADIUS_M });
  // The order follows `near` as sent, valid or not: a bad `near` is reported on its own.
  const sort = params.has('sort')
    ? read('sort', (raw) => parseSort(raw, params.has('near')))
    : defaultSort(params.has('near'));
  // A cursor is checked against its order, so only when that order is valid.
  const cursor = sort && read('cursor', (raw) => decodeCursor(raw, sort));
  const skip = read('skip', (raw) => integerParameter(raw, MAX_SAFE_INTEGER)) ?? 0;
  const limit = read('limit', (raw) => integerParameter(raw, MAX_LIMIT)) ?? DEFAULT_LIMIT;
  if (errors.length > 0) throw ApiError.validation(errors);
  return {
    filter: { search, ubicacion: params.get('ubicacion'), bbox, near },
    sort,
    cursor,
    skip,
    limit,
  };
}

const ok = (value) => ({ value });
const invalid = (error) => ({ error });

function integerParameter(raw, max) {
  const number = integerInRange(raw, 0, max);
  return typeof number === 'number' ? ok(number) : invalid(number);
}

/** `q` in ASCII lower case, as SQLite's `lower()` folds the columns it is searched in. */
function searchText(q) {
  // SQLite reads text as C strings: "a\0b" would search for "a" (and "\0" for everything).
  if (q.includes('\0')) return invalid(Kind.valueError('q must not contain a NUL character'));
  if (q.length > Q_MAX_CHARS && [...q].length > Q_MAX_CHARS) return invalid(Kind.stringTooLong(Q_MAX_CHARS));
  return ok(q.replace(/[A-Z]+/g, (upper) => upper.toLowerCase()));
}

/** Exactly `count` comma-separated finite numbers. */
function numbers(raw, count, shape) {
  const parts = raw.split(',');
  if (parts.length !== count) {
    return invalid(Kind.valueError(`expected ${count} comma-separated numbers (${shape}), got ${parts.length}`));
  }
  const values = [];
  for (const part of parts) {
    const value = finiteNumber(part);
    if (value === undefined) return invalid(Kind.valueError(`'${part}' is not a number`));
    values.push(value);
  }
  return ok(values);
}

const LONGITUDES = 'longitudes must be between -180 and 180';
const LATITUDES = 'latitudes must be between -90 and 90';
const isLongitude = (value) => value >= -180 && value <= 180;
const isLatitude = (value) => value >= -90 && value <= 90;

/**
 * `minLon,minLat,maxLon,maxLat`. `minLon > maxLon` crosses the antimeridian; a south above the
 * north holds nothing, which is not an error: every four coordinates have a meaning.
 */
function parseBox(raw) {
  const parsed = numbers(raw, 4, 'minLon,minLat,maxLon,maxLat');
  if (parsed.error) return parsed;
  const [minLon, minLat, maxLon, maxLat] = parsed.value;
  if (!isLatitude(minLat) || !isLatitude(maxLat)) return invalid(Kind.valueError(LATITUDES));
  if (!isLongitude(minLon) || !isLongitude(maxLon)) return invalid(Kind.valueError(LONGITUDES));
  return ok({ minLon, minLat, maxLon, maxLat });
}

/** `lon,lat`. */
function parsePoint(raw) {
  const parsed = numbers(raw, 2, 'lon,lat');
  if (parsed.error) return parsed;
  const [lon, lat] = parsed.value;
  if (!isLongitude(lon)) return invalid(Kind.valueError(LONGITUDES));
  if (!isLatitude(lat)) return invalid(Kind.valueError(LATITUDES));
  return ok({ lon, lat });
}

/** A radius in metres: more than 0, at most 1,000 km (a larger one lists everything slowly). */
function parseRadius(raw) {
  const radius = finiteNumber(raw);
  if (radius === undefined) return invalid(Kind.floatParsing());
  if (radius <= 0) return invalid(Kind.greaterThan(0));
  if (radius > MAX_RADIUS_M) return invalid(Kind.lessThanEqual(MAX_RADIUS_M));
  return ok(radius);
}

/**
 * A comma list of fields, each optionally `-` (descending). `distance_m` without `near` and a
 * field listed again are ignored; `id_segmento` is appended to break ties, in the direction of
 * the last key, so that every row has one position a cursor can point at.
 */
function parseSort(raw, near) {
  const keys = [];
  for (const item of raw.split(',').map(rustTrim)) {
    const descending = item.startsWith('-');
    const field = descending ? item.slice(1) : item;
    if (!SORT_FIELDS.includes(field)) {
      return invalid(Kind.valueError(
        `unknown sort field '${item}': use id_segmento, nombre, created_at, updated_at `
        + "(or distance_m with near), each optionally prefixed with '-'",
      ));
    }
    const ignored = (field === 'distance_m' && !near) || keys.some((key) => key.field === field);
    if (!ignored) keys.push({ field, descending });
  }
  return ok(keys.length > 0 ? withTieBreak(keys) : defaultSort(near));
}

/** Newest first (ids only grow), or nearest first for `near`. */
function defaultSort(near) {
  return near ? withTieBreak([{ field: 'distance_m', descending: false }]) : [{ field: 'id_segmento', descending: true }];
}

function withTieBreak(keys) {
  if (keys.some((key) => key.field === 'id_segmento')) return keys;
  return [...keys, { field: 'id_segmento', descending: keys.at(-1).descending }];
}

/** `-created_at,-id_segmento`: the order a cursor is bound to. */
function canonical(sort) {
  return sort.map((key) => `${key.descending ? '-' : ''}${key.field}`).join(',');
}

/** The cursor pointing just after `row` in `sort` order: its sort-key values, opaque. */
export function cursorAfter(row, sort) {
  const token = JSON.stringify({ k: sort.map((key) => row[key.field]), s: canonical(sort) });
  const binary = String.fromCharCode(...utf8.encode(token));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

const utf8 = new TextEncoder();
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The values of a cursor this API made for `sort`. */
function decodeCursor(raw, sort) {
  const token = readToken(rustTrim(raw));
  if (token === undefined) return invalid(invalidCursor('it is not one this API made'));
  if (token.s !== canonical(sort)) return invalid(invalidCursor('it belongs to a different sort'));
  const fits = token.k.length === sort.length && sort.every((key, i) => fitsField(key.field, token.k[i]));
  return fits ? ok(token.k) : invalid(invalidCursor('it is not one this API made'));
}

/** `{ s, k }` from unpadded base64url JSON, or undefined for anything else. */
function readToken(text) {
  // Unpadded base64url whose last character carries no stray bits, as the reference decodes.
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const strayBits = [0, 0, 0b1111, 0b11][text.length % 4];
  if ((BASE64URL.indexOf(text.at(-1) ?? 'A') & strayBits) !== 0) return undefined;
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    const token = JSON.parse(strictUtf8.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
    return typeof token?.s === 'string' && Array.isArray(token.k) ? token : undefined;
  } catch {
    return undefined;
  }
}

function fitsField(field, value) {
  if (field === 'id_segmento') return Number.isSafeInteger(value);
  if (field === 'distance_m') return typeof value === 'number';
  return typeof value === 'string';
}

function invalidCursor(why) {
  return Kind.valueError(`invalid cursor (${why}); use the rel="next" link of the previous page`);
}

/**
 * The smallest longitude/latitude box holding the circle, so that the position index narrows
 * the rows before any distance is computed. A circle reaching a pole spans every longitude;
 * one over the antimeridian gives a crossing box. (Rust's `to_degrees` and `to_radians`
 * multiply by these same constants.)
 */
export function boundingBox({ center, radius }) {
  // A hair wider than the circle, so rounding never drops a point on its edge.
  const MARGIN_DEG = 1e-7;
  const angle = radius / EARTH_RADIUS_M;
  const dlat = angle * (180 / Math.PI) + MARGIN_DEG;
  const [minLat, maxLat] = [center.lat - dlat, center.lat + dlat];
  if (minLat <= -90 || maxLat >= 90) {
    return { minLon: -180, minLat: Math.max(minLat, -90), maxLon: 180, maxLat: Math.min(maxLat, 90) };
  }
  // The widest longitude offset on the circle (the tangent meridians).
  const dlon = Math.asin(Math.min(Math.sin(angle) / Math.cos(center.lat * (Math.PI / 180)), 1)) * (180 / Math.PI)
    + MARGIN_DEG;
  const [west, east] = [center.lon - dlon, center.lon + dlon];
  if (east - west >= 360) return { minLon: -180, minLat, maxLon: 180, maxLat };
  return {
    minLon: west < -180 ? west + 360 : west,
    minLat,
    maxLon: east > 180 ? east - 360 : east,
    maxLat,
  };
}
