// The scale benchmark's segments (bench/scale.mjs): deterministic, from a fixed seed, and
// shaped like a real deployment's, so that the filters select what they would in one. Points
// cover Argentina, clustered around a few hundred towns whose weights fall off as a city
// size distribution does (Zipf), plus rural points along national and provincial routes.
import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';

/** Bump when anything below changes what is generated: it names the seeded databases. */
export const DATASET_VERSION = 1;
const SEED = 20261207;

/** Columns in the order `rows()` yields them. */
export const COLUMNS = [
  'id_segmento', 'nombre', 'descripcion', 'longitud', 'latitud', 'ubicacion', 'created_at', 'updated_at', 'version', 'seq',
];

const FIRST_MS = Date.parse('2025-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('2026-12-01T00:00:00.000Z');
const RURAL_SHARE = 0.15;

/** The instant `fraction` of the way through the creation times, as a query takes it. */
export const instantAt = (fraction) => new Date(FIRST_MS + fraction * (LAST_MS - FIRST_MS)).toISOString().replace('.000Z', 'Z');

// Real towns, biggest first (rank sets the weight): [name, lon, lat].
const REAL_TOWNS = [
  ['Buenos Aires', -58.3816, -34.6037], ['Córdoba', -64.1888, -31.4201], ['Rosario', -60.6393, -32.9468],
  ['Mendoza', -68.8458, -32.8895], ['San Miguel de Tucumán', -65.2226, -26.8083], ['La Plata', -57.9545, -34.9214],
  ['Mar del Plata', -57.5575, -38.0055], ['Salta', -65.4117, -24.7821], ['Santa Fe', -60.7000, -31.6333],
  ['San Juan', -68.5364, -31.5375], ['Resistencia', -58.9867, -27.4606], ['Neuquén', -68.0591, -38.9516],
  ['Santiago del Estero', -64.2615, -27.7951], ['Corrientes', -58.8341, -27.4692], ['Posadas', -55.8961, -27.3671],
  ['San Salvador de Jujuy', -65.2971, -24.1858], ['Bahía Blanca', -62.2724, -38.7196], ['Paraná', -60.5238, -31.7333],
  ['Formosa', -58.1781, -26.1775], ['San Luis', -66.3356, -33.2950], ['La Rioja', -66.8558, -29.4131],
  ['Catamarca', -65.7795, -28.4696], ['Río Cuarto', -64.3499, -33.1232], ['Comodoro Rivadavia', -67.4809, -45.8641],
  ['San Carlos de Bariloche', -71.3103, -41.1335], ['Santa Rosa', -64.2906, -36.6167], ['Concordia', -58.0209, -31.3929],
  ['San Rafael', -68.3301, -34.6177], ['Tandil', -59.1332, -37.3217], ['Villa María', -63.2400, -32.4075],
  ['Trelew', -65.3051, -43.2490], ['Rafaela', -61.4867, -31.2503], ['Río Gallegos', -69.2166, -51.6230],
  ['Ushuaia', -68.3030, -54.8019], ['Viedma', -62.9967, -40.8135], ['Puerto Madryn', -65.0385, -42.7692],
  ['Villa Carlos Paz', -64.4978, -31.4241], ['Junín', -60.9611, -34.5850], ['Olavarría', -60.3225, -36.8927],
  ['Rawson', -65.1023, -43.3002],
];
const TOWN_PREFIXES = ['Villa', 'Colonia', 'Puerto', 'Estación', 'Pueblo', 'Paraje'];
const TOWN_NAMES = [
  'San Martín', 'Belgrano', 'Esperanza', 'del Rosario', 'Alberdi', 'Sarmiento', 'Mitre', 'Güemes', 'Rivadavia',
  'Las Rosas', 'del Carmen', 'Nueva', 'Los Álamos', 'El Ceibo', 'Santa Ana', 'San José', 'La Florida', 'Dorrego',
  'Moreno', 'Urquiza', 'Castelli', 'Pringles', 'Lavalle', 'Saavedra', 'Brown', 'Paz', 'Roca', 'Ocampo', 'Aráoz',
  'Quiroga', 'Mansilla', 'Necochea', 'Pueyrredón', 'Alvear', 'Laprida', 'Balcarce', 'Larrea', 'Matheu',
  'Azcuénaga', 'Chiclana', 'Viamonte', 'Irigoyen', 'Iriondo', 'Pellegrini',
];
const GENERATED_TOWNS = 260;

// A coarse outline of Argentina (lon, lat), so that generated towns fall on land.
const OUTLINE = [
  [-66.2, -21.8], [-62.3, -22.2], [-57.6, -25.3], [-54.6, -25.6], [-53.6, -26.2], [-55.7, -28.0], [-57.6, -30.2],
  [-58.4, -33.9], [-57.0, -36.3], [-57.5, -38.1], [-62.2, -38.8], [-62.4, -40.6], [-65.0, -41.0], [-63.8, -42.1],
  [-65.4, -44.5], [-67.6, -46.0], [-65.8, -47.8], [-69.0, -51.6], [-68.4, -52.3], [-68.6, -55.0], [-66.5, -55.0],
  [-68.6, -52.7], [-72.3, -51.5], [-73.5, -49.5], [-71.9, -45.0], [-71.7, -43.0], [-71.9, -40.0], [-71.0, -36.5],
  [-70.0, -33.0], [-70.5, -29.0], [-68.5, -27.0], [-68.3, -25.0], [-67.0, -23.0],
];

// National routes as the towns they join (the km marks run from the first).
const NATIONAL_ROUTES = [
  ['Ruta Nacional 9', ['Buenos Aires', 'Rosario', 'Córdoba', 'Santiago del Estero', 'San Miguel de Tucumán', 'Salta', 'San Salvador de Jujuy']],
  ['Ruta Nacional 7', ['Buenos Aires', 'Junín', 'San Luis', 'Mendoza']],
  ['Ruta Nacional 3', ['Buenos Aires', 'Olavarría', 'Bahía Blanca', 'Viedma', 'Trelew', 'Comodoro Rivadavia', 'Río Gallegos']],
  ['Ruta Nacional 40', ['San Salvador de Jujuy', 'Catamarca', 'La Rioja', 'San Juan', 'Mendoza', 'San Rafael', 'Neuquén', 'San Carlos de Bariloche', 'Río Gallegos']],
  ['Ruta Nacional 5', ['Buenos Aires', 'Santa Rosa']],
  ['Ruta Nacional 14', ['Buenos Aires', 'Concordia', 'Posadas']],
  ['Ruta Nacional 12', ['Paraná', 'Corrientes', 'Posadas']],
  ['Ruta Nacional 11', ['Rosario', 'Santa Fe', 'Resistencia', 'Formosa']],
  ['Ruta Nacional 8', ['Buenos Aires', 'Río Cuarto', 'San Luis']],
  ['Ruta Nacional 22', ['Bahía Blanca', 'Neuquén']],
  ['Ruta Nacional 34', ['Rosario', 'Rafaela', 'Santiago del Estero', 'San Miguel de Tucumán']],
  ['Ruta Nacional 2', ['Buenos Aires', 'La Plata', 'Mar del Plata']],
  ['Ruta Nacional 226', ['Mar del Plata', 'Tandil', 'Olavarría']],
];

const STREETS = [
  'Av. Colón', 'Bv. San Juan', 'Av. San Martín', 'Calle Belgrano', 'Av. Rivadavia', 'Calle 25 de Mayo', 'Av. Sarmiento',
  'Calle Mitre', 'Av. Vélez Sarsfield', 'Calle Deán Funes', 'Av. Hipólito Yrigoyen', 'Bv. Oroño', 'Calle Güemes',
  'Av. del Libertador', 'Calle Italia', 'Calle España', 'Av. Perón', 'Calle Lavalle', 'Pasaje Los Aromos', 'Calle Tucumán',
  'Av. Circunvalación', 'Calle 9 de Julio', 'Av. Costanera', 'Calle Maipú', 'Bv. Illia',
];
// Road problems and their weights; `socav` (bench/lib/scale-requests.mjs) finds the rare one.
const PROBLEMS = [
  [null, 20], ['Baches en el carril derecho', 14], ['Fisuras longitudinales', 12], ['Hundimiento leve', 8],
  ['Señalización deficiente', 9], ['Banquina erosionada', 7], ['Demarcación borrada', 9], ['Alcantarilla obstruida', 5],
  ['Iluminación insuficiente', 6], ['Ahuellamiento por tránsito pesado', 5], ['Desprendimiento de áridos', 4.9],
  ['Socavón en la calzada', 0.1],
];

/** The point (lon, lat) inside `polygon`? (Ray casting.) */
function inside([lon, lat], polygon) {
  let within = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i, i += 1) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) within = !within;
  }
  return within;
}

/** A picker over `weights` with one random number: cumulative sums, binary search. */
function weighted(weights) {
  const sums = [];
  weights.reduce((total, weight) => (sums.push(total + weight), total + weight), 0);
  const total = sums.at(-1);
  return (u) => {
    let [low, high] = [0, sums.length - 1];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sums[middle] > u * total) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}

const KM_PER_DEGREE = 111.195;
const kmBetween = ([lon1, lat1], [lon2, lat2]) =>
  Math.hypot((lon2 - lon1) * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180), lat2 - lat1) * KM_PER_DEGREE;

/** The towns, biggest first: { name, at: [lon, lat], weight, spread (degrees) }. */
export function towns() {
  const random = mulberry32(SEED + 1);
  const names = TOWN_PREFIXES.flatMap((prefix) => TOWN_NAMES.map((name) => `${prefix} ${name}`));
  for (let i = names.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j], names[i]];
  }
  const generated = names.slice(0, GENERATED_TOWNS).map((name) => {
    for (;;) {
      const at = [-73.5 + random() * 19.9, -55 + random() * 33.2];
      if (inside(at, OUTLINE)) return [name, ...at];
    }
  });
  return [...REAL_TOWNS, ...generated].map(([name, lon, lat], index) => {
    const weight = 1 / (index + 1);
    return { name, at: [lon, lat], weight, spread: 0.01 + 0.12 * Math.sqrt(weight) };
  });
}

/** Every route: { name, points: [[lon, lat]...], km: cumulative km at each point, town }. */
function routes(townList) {
  const byName = new Map(townList.map((town) => [town.name, town]));
  const national = NATIONAL_ROUTES.map(([name, stops]) => ({ name, towns: stops.map((stop) => byName.get(stop)) }));
  // A provincial route joins each generated town to the nearest of the 20 biggest.
  const provincial = townList.slice(REAL_TOWNS.length).map((town, index) => {
    const hub = townList.slice(0, 20).reduce((best, other) => (kmBetween(other.at, town.at) < kmBetween(best.at, town.at) ? other : best));
    return { name: `Ruta Provincial ${1 + (index % 99)}`, towns: [hub, town] };
  });
  return [...national, ...provincial].map(({ name, towns: stops }) => {
    const km = [0];
    for (let i = 1; i < stops.length; i += 1) km.push(km[i - 1] + kmBetween(stops[i - 1].at, stops[i].at));
    return { name, points: stops.map((town) => town.at), towns: stops, km, national: !name.startsWith('Ruta Provincial') };
  });
}

const round6 = (value) => Math.round(value * 1e6) / 1e6;
const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

/**
 * The `count` segments in id order (1..count), each an array in COLUMNS order, generated
 * one at a time: 5 million never sit in memory together.
 */
export function* rows(count) {
  const random = mulberry32(SEED);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const townList = towns();
  const pickTown = weighted(townList.map((town) => town.weight));
  const routeList = routes(townList);
  const pickRoute = weighted(routeList.map((route) => (route.national ? 8 : 1)));
  const pickProblem = weighted(PROBLEMS.map(([, weight]) => weight));
  const step = (LAST_MS - FIRST_MS) / count;
  for (let id = 1; id <= count; id += 1) {
    let lon, lat, nombre, ubicacion;
    if (random() >= RURAL_SHARE) {
      const town = townList[pickTown(random())];
      lon = town.at[0] + gaussian() * town.spread;
      lat = town.at[1] + gaussian() * town.spread * 0.85;
      nombre = `${STREETS[Math.floor(random() * STREETS.length)]} ${10 * Math.floor(random() * 500)}`;
      ubicacion = random() < 0.05 ? null : town.name;
    } else {
      const route = routeList[pickRoute(random())];
      const leg = Math.floor(random() * (route.points.length - 1));
      const t = random();
      const [[lon1, lat1], [lon2, lat2]] = [route.points[leg], route.points[leg + 1]];
      lon = lon1 + (lon2 - lon1) * t + gaussian() * 0.01;
      lat = lat1 + (lat2 - lat1) * t + gaussian() * 0.01;
      const km = Math.round(route.km[leg] + (route.km[leg + 1] - route.km[leg]) * t);
      nombre = `${route.name} km ${km}`;
      ubicacion = random() < 0.6 ? null : route.towns[t < 0.5 ? leg : leg + 1].name;
    }
    // Creation follows the ids, with up to 10 minutes of jitter either way.
    const created = clamp(FIRST_MS + (id - 0.5) * step + (random() - 0.5) * 1_200_000, FIRST_MS, LAST_MS - 1);
    const edited = random() < 0.35;
    const updated = edited ? created + Math.max(1000, random() ** 2 * (LAST_MS - created)) : created;
    yield [
      id,
      nombre,
      PROBLEMS[pickProblem(random())][0],
      round6(clamp(lon, -180, 180)),
      round6(clamp(lat, -90, 90)),
      ubicacion,
      new Date(Math.floor(created)).toISOString(),
      new Date(Math.floor(Math.min(updated, LAST_MS))).toISOString(),
      edited ? 2 + Math.floor(random() * 4) : 1,
      id,
    ];
  }
}
