// The benchmark's data: the same 10,000 segments (by default) for every server, generated
// from a fixed seed, as one SQL file of multi-row INSERTs that D1 (`wrangler d1 execute`)
// and Python's sqlite3 both run as it is. Positions fill a 2° × 2° square around Córdoba,
// so that the bbox and near queries below find about a page of segments each.
import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';

const STREETS = ['Av. Colón', 'Bv. San Juan', 'Ruta 9', 'Av. Vélez Sarsfield', 'Calle Deán Funes', 'Ruta 20'];
const PLACES = ['Córdoba', 'Villa Carlos Paz', 'Alta Gracia', 'Jesús María', 'Río Segundo', null];
const PROBLEMS = ['Baches en el carril derecho', 'Fisuras longitudinales', 'Hundimiento leve', null];
const ROWS_PER_INSERT = 100;
const FIRST_INSTANT = Date.parse('2026-01-01T00:00:00.000Z');

/** The segments, in id order (1..count). */
export function segments(count, seed = 20261123) {
  const random = mulberry32(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, (_, index) => {
    const id = index + 1;
    const instant = new Date(FIRST_INSTANT + id * 60_000).toISOString();
    return {
      id_segmento: id,
      nombre: `${pick(STREETS)} ${id}`,
      descripcion: pick(PROBLEMS),
      longitud: Number((-65.5 + random() * 2).toFixed(6)),
      latitud: Number((-32.5 + random() * 2).toFixed(6)),
      ubicacion: pick(PLACES),
      created_at: instant,
      updated_at: instant,
      version: 1,
      // The changes feed's number (migration 0006 backfills `seq = id_segmento` alike):
      // without it, a seeded segment is not in the feed.
      seq: id,
    };
  });
}

const literal = (value) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`;

/** The INSERT statements that store `rows`. */
export function seedSql(rows) {
  const columns = Object.keys(rows[0]);
  const statements = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const values = rows
      .slice(start, start + ROWS_PER_INSERT)
      .map((row) => `(${columns.map((column) => literal(row[column])).join(', ')})`);
    statements.push(`INSERT INTO segmentos (${columns.join(', ')}) VALUES\n${values.join(',\n')};`);
  }
  return `${statements.join('\n')}\n`;
}
