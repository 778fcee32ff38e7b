#!/usr/bin/env node
// Demo data for a local API: `npm run seed [-- <base-url>] [--key <api-key>]`.
//
// Imports 360 road segments in six cities through the bulk import, as a client would, so
// every one passes the API's own rules; then resurveys one in five (a PATCH), so that
// versions and `updated_at` differ from creation. The sample is generated from a fixed
// seed: the same names, places and descriptions on every machine. Running it again finds
// the sample already there and changes nothing. The base URL defaults to `npm start`'s.
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';

import { SEGMENTOS } from './lib/api.mjs';
import { mulberry32 } from './lib/mulberry32.mjs';

const PER_CITY = 60;
const RESURVEYED_EVERY = 5;

/** Cities, their centres (lon, lat) and streets. */
const CITIES = [
  { name: 'Córdoba', at: [-64.1888, -31.4201], streets: ['Av. Colón', 'Bv. San Juan', 'Av. Vélez Sarsfield', 'Calle Deán Funes', 'Av. Maipú', 'Av. Hipólito Yrigoyen'] },
  { name: 'Rosario', at: [-60.6393, -32.9468], streets: ['Bv. Oroño', 'Av. Pellegrini', 'Calle Córdoba', 'Av. Francia', 'Bv. 27 de Febrero'] },
  { name: 'Mendoza', at: [-68.8458, -32.8895], streets: ['Av. San Martín', 'Av. Las Heras', 'Calle Belgrano', 'Av. Emilio Civit', 'Av. Arístides Villanueva'] },
  { name: 'Buenos Aires', at: [-58.3816, -34.6037], streets: ['Av. Corrientes', 'Av. de Mayo', 'Av. Santa Fe', 'Av. Rivadavia', 'Av. Belgrano', 'Av. Callao'] },
  { name: 'Montevideo', at: [-56.1645, -34.9011], streets: ['Av. 18 de Julio', 'Rambla República de México', 'Bv. Artigas', 'Av. Italia', 'Calle Sarandí'] },
  { name: 'Santiago', at: [-70.6693, -33.4489], streets: ['Av. Libertador B. O\'Higgins', 'Av. Providencia', 'Av. Vicuña Mackenna', 'Calle Huérfanos', 'Av. Matta'] },
];

const FINDINGS = [
  'Baches profundos en el carril derecho',
  'Fisuras longitudinales a lo largo de la cuadra',
  'Hundimiento leve junto a la boca de tormenta',
  'Pintura de sendas peatonales gastada',
  'Desprendimiento de carpeta asfáltica',
  'Tapa de registro desnivelada',
  'Ahuellamiento por tránsito pesado',
  null,
];

const RESURVEY = 'Reparado: bacheo completo, pendiente de señalización';

/** The sample: `PER_CITY` segments per city, each a block of a street, within ~6 km. */
export function demoSegments(seed = 20261202) {
  const random = mulberry32(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  return CITIES.flatMap((city) =>
    Array.from({ length: PER_CITY }, (_, index) => {
      const block = 100 * (1 + index + Math.floor(random() * 40));
      const segment = {
        nombre: `${pick(city.streets)} al ${block}`,
        longitud: Number((city.at[0] + (random() - 0.5) * 0.12).toFixed(6)),
        latitud: Number((city.at[1] + (random() - 0.5) * 0.1).toFixed(6)),
        ubicacion: city.name,
      };
      const finding = pick(FINDINGS);
      return finding ? { ...segment, descripcion: finding } : segment;
    }),
  );
}

/** Seeds the API at `baseUrl`; returns what it did, for the caller to report. */
export async function seed(baseUrl, { key } = {}) {
  const base = new URL(baseUrl);
  const auth = key ? { authorization: `Bearer ${key}` } : {};
  const call = async (method, path, body, headers = {}) => {
    const response = await fetch(new URL(path, base), {
      method,
      headers: { ...auth, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  };
  const segments = demoSegments();
  const [first] = segments;
  const probe = `${SEGMENTOS}?ubicacion=${encodeURIComponent(first.ubicacion)}&q=${encodeURIComponent(first.nombre)}&limit=0`;
  const present = await call('GET', probe);
  if (present.status !== 200) throw new Error(`GET ${probe}: ${present.status} ${present.text.slice(0, 300)}`);
  if (Number(present.headers.get('x-total-count')) > 0) return { created: 0, resurveyed: 0 };

  // The key is the sample's own hash: a retry of an interrupted first run creates nothing twice.
  const idempotencyKey = `seed-${createHash('sha256').update(JSON.stringify(segments)).digest('hex').slice(0, 32)}`;
  const imported = await call('POST', `${SEGMENTOS}/bulk`, segments, { 'idempotency-key': idempotencyKey });
  if (imported.status !== 201) throw new Error(`POST ${SEGMENTOS}/bulk: ${imported.status} ${imported.text.slice(0, 600)}`);
  const created = JSON.parse(imported.text);
  let resurveyed = 0;
  for (const segment of created.filter((_, index) => index % RESURVEYED_EVERY === 0)) {
    const patched = await call('PATCH', `${SEGMENTOS}/${segment.id_segmento}`, { descripcion: RESURVEY });
    if (patched.status !== 200) throw new Error(`PATCH segment ${segment.id_segmento}: ${patched.status} ${patched.text.slice(0, 300)}`);
    resurveyed += 1;
  }
  return { created: created.length, resurveyed };
}

async function main() {
  const { values, positionals } = parseArgs({ options: { key: { type: 'string' } }, allowPositionals: true });
  if (positionals.length > 1) {
    console.error('usage: npm run seed [-- <base-url>] [--key <api-key>]');
    process.exit(2);
  }
  const baseUrl = positionals[0] ?? 'http://127.0.0.1:8787';
  try {
    const { created, resurveyed } = await seed(baseUrl, { key: values.key ?? process.env.RECWAY_API_KEY });
    console.log(created === 0
      ? `The demo data is already in ${baseUrl}: nothing to do.`
      : `Imported ${created} segments in ${CITIES.length} cities into ${baseUrl}; resurveyed ${resurveyed}. Open ${new URL('/map', baseUrl)}.`);
  } catch (error) {
    // fetch() fails with a `cause` only when no HTTP answer came back at all.
    const reason = error.cause
      ? `nothing answers at ${baseUrl} (${error.cause.code ?? error.cause.message}): start the API with \`npm start\` first`
      : error.message;
    console.error(`seed: ${reason}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
