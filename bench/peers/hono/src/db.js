// SQL for the `segmentos` table (schema: /migrations). Column names come only from fixed lists;
// every value travels as a `?N` parameter.
import { holdFor } from './conditions.js';
import { EARTH_RADIUS_M, boundingBox } from './listing.js';
import { COLUMNS } from './segmento.js';

/** The current instant as RFC 3339 UTC with milliseconds, as the column defaults write it. */
const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** SQL text and its parameters, numbered as they are bound. */
class Statement {
  params = [];
  text = '';

  /** Binds a value and returns its placeholder. */
  bind(value) {
    this.params.push(value);
    return `?${this.params.length}`;
  }

  prepare(db) {
    return db.prepare(this.text).bind(...this.params);
  }
}

export function findSegment(db, id) {
  return db.prepare(`SELECT ${COLUMNS} FROM segmentos WHERE id_segmento = ?1`).bind(id).first();
}

/** Inserts a valid new segment and returns it as stored, in one statement. */
export function insertSegment(db, segment) {
  return db
    .prepare(
      'INSERT INTO segmentos (nombre, descripcion, longitud, latitud, ubicacion) '
      + `VALUES (?1, ?2, ?3, ?4, ?5) RETURNING ${COLUMNS}`,
    )
    .bind(segment.nombre, segment.descripcion, segment.longitud, segment.latitud, segment.ubicacion)
    .first();
}

/**
 * The outcome of a conditional write: `{ row }` when it happened, `{ refused: version }` when the
 * segment exists but the conditions do not hold for it, `{ missing: true }` when it does not.
 */
function written(row, current) {
  if (row) return { row };
  if (current) return { refused: current.version };
  return { missing: true };
}

/**
 * Applies a partial update if `conditions` hold: the changed columns, `updated_at` and
 * `version + 1`, checked and written in one statement. An empty patch changes nothing.
 */
export async function updateSegment(db, id, patch, conditions) {
  const changes = Object.entries(patch);
  if (changes.length === 0) {
    const row = await findSegment(db, id);
    if (!row) return { missing: true };
    return holdFor(conditions, row.version) ? { row } : { refused: row.version };
  }
  const statement = new Statement();
  const assignments = changes.map(([column, value]) => `${column} = ${statement.bind(value)}, `).join('');
  const where = `id_segmento = ${statement.bind(id)}${conditionsSql(statement, conditions)}`;
  statement.text = `UPDATE segmentos SET ${assignments}updated_at = ${NOW}, version = version + 1 `
    + `WHERE ${where} RETURNING ${COLUMNS}`;
  return writeThenVersion(db, statement, id);
}

/** Deletes a segment if `conditions` hold. */
export function deleteSegment(db, id, conditions) {
  const statement = new Statement();
  const where = `id_segmento = ${statement.bind(id)}${conditionsSql(statement, conditions)}`;
  statement.text = `DELETE FROM segmentos WHERE ${where} RETURNING id_segmento`;
  return writeThenVersion(db, statement, id);
}

/**
 * Runs a conditional write and, in the same batch (one round trip, one transaction), reads the
 * version the segment has afterwards: no row written but a version means a refusal.
 */
async function writeThenVersion(db, statement, id) {
  const [write, read] = await db.batch([
    statement.prepare(db),
    db.prepare('SELECT version FROM segmentos WHERE id_segmento = ?1').bind(id),
  ]);
  return written(write.results[0], read.results[0]);
}

/** ` AND ...` for each condition of a write. */
function conditionsSql(statement, { ifMatch, ifNoneMatch }) {
  let sql = '';
  // `*` in If-Match: any current version; the row's existence is the WHERE's own condition.
  if (Array.isArray(ifMatch)) {
    sql += ` AND version IN (SELECT value FROM json_each(${statement.bind(JSON.stringify(ifMatch))}))`;
  }
  if (ifNoneMatch === '*') sql += ' AND FALSE';
  else if (ifNoneMatch !== undefined) {
    sql += ` AND version NOT IN (SELECT value FROM json_each(${statement.bind(JSON.stringify(ifNoneMatch))}))`;
  }
  return sql;
}

/**
 * Counts the matches and reads one page of them (one row more than the page, to learn whether
 * another follows), in one batch, so both see the same snapshot. Both select from
 *
 *   SELECT <columns>[, <distance> AS distance_m] FROM segmentos WHERE <filters>
 *
 * which SQLite flattens, so the filters and the order reach the table's indexes.
 */
export async function listSegments(db, query) {
  const [counted, page] = await db.batch([countStatement(query).prepare(db), pageStatement(query).prepare(db)]);
  const rows = page.results;
  const more = rows.length > query.limit;
  if (more) rows.length = query.limit;
  return { total: counted.results[0].total, rows, more };
}

function countStatement({ filter }) {
  const statement = new Statement();
  const matches = matchesSql(statement, filter);
  statement.text = `SELECT COUNT(*) AS total FROM (${matches})${whereSql(radiusConditions(statement, filter))}`;
  return statement;
}

function pageStatement({ filter, sort, cursor, skip, limit }) {
  const statement = new Statement();
  const matches = matchesSql(statement, filter);
  const outer = radiusConditions(statement, filter);
  if (cursor) outer.push(afterCursorSql(statement, sort, cursor));
  const order = sort.map((key) => `${key.field} ${key.descending ? 'DESC' : 'ASC'}`).join(', ');
  statement.text = `SELECT * FROM (${matches})${whereSql(outer)} ORDER BY ${order} `
    + `LIMIT ${statement.bind(limit + 1)} OFFSET ${statement.bind(skip)}`;
  return statement;
}

function whereSql(conditions) {
  return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
}

/** The rows the filters keep, with `distance_m` when the list is `near` a point. */
function matchesSql(statement, { search, ubicacion, bbox, near }) {
  const conditions = [];
  if (search !== undefined) {
    // instr, not LIKE: no wildcards to escape, and no limit on the pattern's length.
    const text = statement.bind(search);
    conditions.push(
      `(instr(lower(nombre), ${text}) > 0 OR instr(lower(descripcion), ${text}) > 0 `
      + `OR instr(lower(ubicacion), ${text}) > 0)`,
    );
  }
  if (ubicacion !== undefined) conditions.push(`ubicacion = ${statement.bind(ubicacion)}`);
  if (bbox) conditions.push(...insideSql(statement, bbox));
  let distance = '';
  if (near) {
    // Only rows inside the circle's bounding box are measured (an index range).
    conditions.push(...insideSql(statement, boundingBox(near)));
    distance = `, ${distanceSql(statement, near.center)} AS distance_m`;
  }
  return `SELECT ${COLUMNS}${distance} FROM segmentos${whereSql(conditions)}`;
}

/**
 * A position inside `box`: a crossing box takes both sides of the antimeridian, and one
 * spanning every longitude needs no longitude condition.
 */
function insideSql(statement, box) {
  const conditions = [`latitud BETWEEN ${statement.bind(box.minLat)} AND ${statement.bind(box.maxLat)}`];
  if (box.minLon > -180 || box.maxLon < 180) {
    const [west, east] = [statement.bind(box.minLon), statement.bind(box.maxLon)];
    conditions.push(
      box.minLon > box.maxLon ? `(longitud >= ${west} OR longitud <= ${east})` : `longitud BETWEEN ${west} AND ${east}`,
    );
  }
  return conditions;
}

/** The haversine great-circle distance in metres from `center`. */
function distanceSql(statement, center) {
  const radius = statement.bind(EARTH_RADIUS_M);
  const lat = statement.bind(center.lat);
  const lon = statement.bind(center.lon);
  return `2 * ${radius} * asin(min(1, sqrt(pow(sin(radians(latitud - ${lat}) / 2), 2) `
    + `+ cos(radians(${lat})) * cos(radians(latitud)) * pow(sin(radians(longitud - ${lon}) / 2), 2))))`;
}

function radiusConditions(statement, { near }) {
  return near ? [`distance_m <= ${statement.bind(near.radius)}`] : [];
}

/**
 * Rows strictly after the cursor in `sort` order (keyset paging):
 * `k1 >= v1 AND ((k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...)`, with `<` for descending keys.
 * The leading bound alone is a range an index on `k1` can seek to.
 */
function afterCursorSql(statement, sort, values) {
  const keys = sort.map((key, i) => ({ column: key.field, operator: key.descending ? '<' : '>', value: statement.bind(values[i]) }));
  const alternatives = keys.map(({ column, operator, value }, i) =>
    [...keys.slice(0, i).map((before) => `${before.column} = ${before.value}`), `${column} ${operator} ${value}`].join(' AND '));
  const [first] = keys;
  return `${first.column} ${first.operator}= ${first.value} AND ((${alternatives.join(') OR (')}))`;
}
