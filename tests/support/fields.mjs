// A segment's fields as the v1 OpenAPI document states them (public/openapi.json, which
// `npm run openapi` writes from the rules table, src/segments/fields.rs): the tests that
// send "every field" build their bodies from here, so a field added to the table is
// sent, stored and read back by them without a line of theirs changing.
import { readFileSync } from 'node:fs';

const document = JSON.parse(readFileSync(new URL('../../public/openapi.json', import.meta.url), 'utf8'));
const { properties, required } = document.components.schemas.SegmentoCreate;

/** Every member of a stored segment, as the API sends it. */
export const STORED_FIELDS = Object.keys(document.components.schemas.Segmento.properties);

/** Whether a property of the create body is the server's (sent back, and ignored). */
const isServers = (schema) => schema.type === undefined;

/** The fields a client sets, in the document's order. */
export const CLIENT_FIELDS = Object.keys(properties).filter((name) => !isServers(properties[name]));

/** The client fields a create may leave out and an update may clear with `null`. */
export const OPTIONAL_FIELDS = CLIENT_FIELDS.filter((name) => !required.includes(name));

// What the older tests sent; a field without one gets a text of its own.
const SAMPLES = { descripcion: 'Bache grande', ubicacion: 'Córdoba' };

/** The longest text the field `name` takes, in characters. */
export const maxLength = (name) => properties[name].maxLength;

/** A text for `name` within its schema's `maxLength`. */
function sample(name) {
  const text = SAMPLES[name] ?? `${name} de prueba`;
  return text.slice(0, maxLength(name) ?? text.length);
}

/** A value for every optional field: what a full segment adds to a valid one. */
export function optionalValues() {
  return Object.fromEntries(OPTIONAL_FIELDS.map((name) => [name, sample(name)]));
}

/** `null` for every optional field: what clears a segment down to its required fields. */
export function clearedValues() {
  return Object.fromEntries(OPTIONAL_FIELDS.map((name) => [name, null]));
}
