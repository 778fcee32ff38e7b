// HTTP conditional requests (RFC 9110 §8.8.3, §13): entity tags and the `If-Match` /
// `If-None-Match` conditions that name them.
//
// A segment's tag is made from its id and `version`, so a write checks a client's condition in
// SQL, in the statement that changes the row: no other write can slip in between.
import { Kind, fieldError } from './errors.js';

/** More tags than any client needs; a bound on what one header makes us hold. */
const MAX_TAGS = 64;

/** The strong tag of one version of a segment: `"7.3"`. */
export function segmentEtag(id, version) {
  return `"${id}.${version}"`;
}

/**
 * The weak tag of a list response: a digest of everything in it that can change (its body,
 * total and next link). MD5 is plenty for telling lists apart and is the cheapest digest
 * Workers compute natively.
 */
export async function listEtag(body, total, next) {
  const digest = await crypto.subtle.digest('MD5', utf8.encode(`${total}\n${next ?? ''}\0${body}`));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `W/"${hex}"`;
}

const utf8 = new TextEncoder();

/**
 * `"*"` (`{ any: true }`) or a comma list of entity tags (`{ tags: [opaque, ...] }`), as RFC
 * 9110 writes them (empty list elements allowed); anything else is a reason string.
 */
function parseTagList(raw) {
  const text = raw.replace(/^[ \t]+|[ \t]+$/g, '');
  if (text === '*') return { any: true };
  const tags = [];
  let rest = text;
  for (;;) {
    rest = rest.replace(/^[ \t,]+/, '');
    if (rest === '') break;
    const tag = /^(?:W\/)?"([^"]*)"/.exec(rest);
    // etagc: %x21 / %x23-7E / obs-text; no spaces, controls or quotes.
    if (tag === null || !/^[\x21\x23-\x7e\u0080-\u{10ffff}]*$/u.test(tag[1])) return MALFORMED;
    tags.push(tag[1]);
    rest = rest.slice(tag[0].length).replace(/^[ \t]+/, '');
    if (rest !== '' && !rest.startsWith(',')) return MALFORMED;
    if (tags.length > MAX_TAGS) return `at most ${MAX_TAGS} entity tags are accepted`;
  }
  return tags.length === 0 ? MALFORMED : { tags };
}

const MALFORMED = 'expected `*` or a comma list of quoted entity tags';

/**
 * Whether `If-None-Match` names `etag` (weak comparison, so `W/` on either side does not
 * matter). A malformed header is ignored: the full answer is always a correct one.
 */
export function noneMatch(header, etag) {
  if (header === undefined) return false;
  const list = parseTagList(header);
  if (typeof list === 'string') return false;
  return list.any === true || list.tags.includes(etag.replace(/^W\//, '').slice(1, -1));
}

/**
 * The conditions of a write to segment `id`: `{ conditions }`, where `ifMatch` and
 * `ifNoneMatch` are `undefined` (not sent), `'*'` or the versions of this segment the tags
 * name, or `{ errors }` naming each malformed header.
 */
export function writeConditions(id, ifMatch, ifNoneMatch) {
  const errors = [];
  const read = (name, raw) => {
    if (raw === undefined) return undefined;
    const list = parseTagList(raw);
    if (typeof list === 'string') {
      errors.push(fieldError(['header', name], Kind.valueError(list)));
      return undefined;
    }
    return list.any ? '*' : list.tags.map((tag) => versionOf(tag, id)).filter((v) => v !== undefined);
  };
  const conditions = { ifMatch: read('if-match', ifMatch), ifNoneMatch: read('if-none-match', ifNoneMatch) };
  return errors.length > 0 ? { errors } : { conditions };
}

/** Whether a segment at `version` may be written under `conditions`. */
export function holdFor(conditions, version) {
  const named = (versions) => versions === '*' || versions.includes(version);
  return (conditions.ifMatch === undefined || named(conditions.ifMatch))
    && !(conditions.ifNoneMatch !== undefined && named(conditions.ifNoneMatch));
}

/** The version in a tag of segment `id` (its JSON or GeoJSON tag), if it is one. */
function versionOf(opaque, id) {
  const match = /^(\d+)\.(\d+)(?:\.geojson)?$/.exec(opaque);
  if (match === null || Number(match[1]) !== id) return undefined;
  return Number(match[2]);
}
