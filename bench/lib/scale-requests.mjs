// The requests `npm run bench:scale` measures at each table size, in this order: reads
// first, writes last, so that every read sees the seeded data. `only`: the servers that
// serve the request (the Hono peer has no GeoJSON, time filters, OGC API, changes feed or
// bulk import; it would ignore `format` and the time filters and answer a plain list, so
// it is not measured on them). `applies(size)`: where the request makes sense at all.
// `url(context)` and `body(context)` get { size, i } (i counts every request made of this
// kind, warm-ups included, so that writes never touch the same id twice) and, for `url`,
// `server` (the running target) to look something up first.
import { SEGMENTOS } from '../../scripts/lib/api.mjs';
import { instantAt } from './scale-data.mjs';

// Córdoba: the second town of the data (bench/lib/scale-data.mjs), about 6.5% of the rows.
const TOWN = 'Córdoba';
const CENTER = '-64.1888,-31.4201';
// Boxes around it: the city (about 4% of the rows) and its province (about 10%).
const CITY = '-64.29,-31.52,-64.09,-31.32';
const PROVINCE = '-65.8,-35,-61.8,-30';
const RECWAY = ['recway'];
// About one segment in a thousand describes a "Socavón" (bench/lib/scale-data.mjs).
const SELECTIVE = 'socav';
// The newest and oldest months of the two years the segments were made in.
const RECENT = '2026-11-01T00:00:00Z';
const EARLY = '2025-02-01T00:00:00Z';
// A name a few hundred segments share at 5 million (25 streets × 500 house numbers).
const NAME = 'Av. Colón 1500';

/** Ids spread over the table, a different one for each i. */
const spread = (size, i, salt) => 1 + ((i * 7919 + salt * 104_729) % size);

const read = (key, label, path, options = {}) => ({ key, label, kind: 'read', method: 'GET', url: () => path, ...options });

/** The rel="next" URL of a response, or a message saying why there is none. */
async function nextLink(server, path) {
  const response = await fetch(new URL(path, server.url));
  await response.arrayBuffer();
  const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  if (!next) throw new Error(`${path} answered ${response.status} without a rel="next" link`);
  return next;
}

const segment = (name) => ({
  nombre: name, descripcion: 'Medido en el relevamiento', longitud: -64.1811, latitud: -31.4135, ubicacion: TOWN,
});

export const REQUESTS = [
  // No D1 at all: what any request costs the server and the client here, to read the rest against.
  read('health', 'health (floor)', '/health'),
  read('get', 'get one', undefined, { url: ({ size, i }) => `${SEGMENTOS}/${spread(size, i, 1)}` }),
  read('list', 'list 100', `${SEGMENTOS}?limit=100`),
  read('ubicacion', 'filter ubicacion', `${SEGMENTOS}?ubicacion=${encodeURIComponent(TOWN)}&limit=100`),
  read('q', 'filter q (selective)', `${SEGMENTOS}?q=${SELECTIVE}&limit=100`),
  // The same term in another order than the id's (every match is read), and a common one
  // written without its accents (the index folds them: "Señalización").
  read('q_sorted', 'filter q, newest edits', `${SEGMENTOS}?q=${SELECTIVE}&sort=-updated_at&limit=100`, { only: RECWAY }),
  read('q_common', 'filter q (common, no accents)', `${SEGMENTOS}?q=senalizacion&limit=100`, { only: RECWAY }),
  read('created_after', 'filter created_after', `${SEGMENTOS}?created_after=${RECENT}&limit=100`, { only: RECWAY }),
  read('created_before', 'filter created_before', `${SEGMENTOS}?created_before=${EARLY}&limit=100`, { only: RECWAY }),
  read('updated_after', 'filter updated_after', `${SEGMENTOS}?updated_after=${RECENT}&limit=100`, { only: RECWAY }),
  read('updated_before', 'filter updated_before', `${SEGMENTOS}?updated_before=${EARLY}&limit=100`, { only: RECWAY }),
  read('bbox_city', 'bbox city (0.2°)', `${SEGMENTOS}?bbox=${CITY}&limit=100`),
  read('bbox_province', 'bbox province (4°×5°)', `${SEGMENTOS}?bbox=${PROVINCE}&limit=100`),
  read('near_10km', 'near 10 km', `${SEGMENTOS}?near=${CENTER}&radius_m=10000&limit=100`),
  read('near_100km', 'near 100 km', `${SEGMENTOS}?near=${CENTER}&radius_m=100000&limit=100`),
  // Issue 26's other shapes: a large box in time order, a circle in time order, filters
  // combined, and a box in the empty south, whose few segments only the index finds.
  read('bbox_province_time', 'bbox province, newest edits', `${SEGMENTOS}?bbox=${PROVINCE}&sort=-updated_at&limit=100`, { only: RECWAY }),
  read('near_10km_time', 'near 10 km, newest', `${SEGMENTOS}?near=${CENTER}&radius_m=10000&sort=-created_at&limit=100`, { only: RECWAY }),
  read('bbox_city_recent', 'bbox city + created_after', `${SEGMENTOS}?bbox=${CITY}&created_after=${RECENT}&limit=100`, { only: RECWAY }),
  read('bbox_sparse', 'bbox sparse (1°, Patagonia)', `${SEGMENTOS}?bbox=-70,-48,-69,-47&limit=100`),
  read('sort_nombre', 'sort nombre', `${SEGMENTOS}?sort=nombre&limit=100`),
  read('sort_-nombre', 'sort -nombre', `${SEGMENTOS}?sort=-nombre&limit=100`),
  read('sort_created_at', 'sort created_at', `${SEGMENTOS}?sort=created_at&limit=100`),
  read('sort_updated_at', 'sort updated_at', `${SEGMENTOS}?sort=updated_at&limit=100`),
  read('sort_id', 'sort id_segmento', `${SEGMENTOS}?sort=id_segmento&limit=100`),
  read('geojson', 'GeoJSON 100', `${SEGMENTOS}?format=geojson&limit=100`, { only: RECWAY }),
  read('skip_9900', 'skip 9,900', `${SEGMENTOS}?skip=9900&limit=100`),
  read('skip_900000', 'skip 900,000', `${SEGMENTOS}?skip=900000&limit=100`, { applies: (size) => size > 900_000 }),
  {
    key: 'cursor',
    label: 'cursor page (deep)',
    kind: 'read',
    method: 'GET',
    // The page after the first of those created in the last tenth of the two years, by id:
    // its cursor sits 90% down the table. (The Hono peer ignores created_after: its
    // cursor is the second page's, which its keyset seek reads alike.)
    url: ({ server }) => nextLink(server, `${SEGMENTOS}?sort=id_segmento&created_after=${instantAt(0.9)}&limit=100`),
    once: true,
  },
  read('ogc_items', 'OGC items 100', '/collections/segmentos/items?limit=100', { only: RECWAY }),
  read('ogc_nombre', 'OGC items nombre=', `/collections/segmentos/items?nombre=${encodeURIComponent(NAME)}&limit=100`, { only: RECWAY }),
  read('ogc_collection', 'OGC /collections/segmentos', '/collections/segmentos', { only: RECWAY }),
  read('ogc_collections', 'OGC /collections', '/collections', { only: RECWAY }),
  read('changes', 'changes feed 1000', `${SEGMENTOS}/changes?limit=1000`, { only: RECWAY }),
  {
    key: 'create', label: 'create', kind: 'write', method: 'POST', url: () => SEGMENTOS,
    body: ({ i }) => JSON.stringify(segment(`Ruta Nacional 9 km ${i}`)),
  },
  {
    key: 'update', label: 'update (PATCH)', kind: 'write', method: 'PATCH', url: ({ size, i }) => `${SEGMENTOS}/${spread(size, i, 2)}`,
    body: ({ i }) => JSON.stringify({ descripcion: `Bache reparado, visita ${i}` }),
  },
  // From the end of the table down, ten apart: never an id deleted before.
  { key: 'delete', label: 'delete', kind: 'write', method: 'DELETE', url: ({ size, i }) => `${SEGMENTOS}/${size - 10 * i - 3}` },
  {
    key: 'bulk', label: 'bulk 100', kind: 'write', method: 'POST', url: () => `${SEGMENTOS}/bulk`, only: RECWAY,
    body: ({ i }) => JSON.stringify(Array.from({ length: 100 }, (_, n) => segment(`Bv. Illia ${i * 100 + n}`))),
  },
];

/** Whether the server `key` is measured on `request`. */
export const serves = (request, key) => !request.only || request.only.includes(key);
