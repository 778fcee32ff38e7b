// Golden bodies: the exact bytes of every representation of a segment, recorded from the
// serde-built bodies of issue 14's worker (tests/golden/bodies.json), for rows chosen to be
// awkward: floats whose shortest text is 17 digits, ties, powers of two, subnormals, -0.0,
// whole numbers, tiny values in every notation band, and text with quotes, backslashes,
// control characters, unicode and line separators. However a body is built, not a byte of
// it may change.
//
// RECWAY_WRITE_GOLDEN=1 rewrites the file from the worker under test: only ever from a
// build whose bodies are known right, as it is the oracle.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';
import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { SEGMENTOS, insertSegment, json } from './support/api.mjs';
import { maxLength, OPTIONAL_FIELDS } from './support/fields.mjs';

const GOLDEN = `${rootDir}/tests/golden/bodies.json`;
const WRITE = process.env.RECWAY_WRITE_GOLDEN === '1';

/** Numbers that serializers print differently; every one is a valid coordinate. */
export const AWKWARD_NUMBERS = [
  0.1 + 0.2, // 17 significant digits
  -64.17970000000001, // 16
  -64.1797, // a typical GPS coordinate
  -0, // sent as 0.0
  5, // a whole number stored as REAL
  180,
  -90,
  1e-7, // scientific notation in every serializer, spelled differently
  1.5e-7,
  0.0000123, // decimal in serde_json, scientific in C's %g
  0.0001,
  1e-5,
  -9.99999e-6,
  2 ** -25, // 2.98023223876953125e-8: a tie at 17 digits
  2 ** -30, // a power of two: a lopsided rounding interval
  2 ** -1022, // the smallest normal double
  5e-324, // the smallest subnormal
  6.3e-322,
  179.99999999999997, // the double just below 180
  89.99999999999999,
  1.0000000000000002,
  123.456,
];

/** Text that JSON encoders escape in different ways. */
export const AWKWARD_TEXTS = [
  'Av. Colón "Norte" \\ barra / slash',
  'controles: \u0000\u0001\u0007\b\t\n\u000b\f\r\u001b\u001f fin',
  'unicode: ñandú, 道路, 🚧 obra, e\u0301 combinado',
  'separadores: \u2028 y \u2029, borrar \u007f, bom \ufeff',
  '</script><!-- & \'comillas\' -->',
  ' espacio al borde ',
];

/** The optional text fields the rows below do not name, each given awkward texts too. */
const OTHER_TEXTS = OPTIONAL_FIELDS.filter((name) => !['descripcion', 'ubicacion'].includes(name));

/** An awkward text, cut to `name`'s length in characters (not UTF-16 units). */
const awkwardFor = (name, index) =>
  Array.from(AWKWARD_TEXTS[index % AWKWARD_TEXTS.length]).slice(0, maxLength(name)).join('');

/** Rows pairing every awkward number with text and a fixed instant. */
function awkwardRows() {
  return AWKWARD_NUMBERS.map((number, index) => ({
    ...Object.fromEntries(
      OTHER_TEXTS.map((name, position) => [name, index % 5 === 0 ? null : awkwardFor(name, index + 2 + position)]),
    ),
    nombre: AWKWARD_TEXTS[index % AWKWARD_TEXTS.length],
    descripcion: index % 3 === 0 ? null : AWKWARD_TEXTS[(index + 1) % AWKWARD_TEXTS.length],
    ubicacion: index % 4 === 0 ? null : index % 4 === 1 ? '' : `zona ${index}`,
    longitud: index % 2 === 0 ? number : -number,
    latitud: Math.max(-90, Math.min(90, number / 2)),
    created_at: `2026-01-01T00:00:${String(index).padStart(2, '0')}.${String(index * 7).padStart(3, '0')}Z`,
  }));
}

// The instants a write sets, and the id it gets, vary from run to run.
const varying = (text) =>
  text
    .replace(/"(created_at|updated_at)":"[^"]*"/g, '"$1":"<instant>"')
    .replace(/"id_segmento":\d+/g, '"id_segmento":<id>')
    .replace(/"id":\d+/g, '"id":<id>');

let api;
let rows;
const recorded = {};
const golden = WRITE ? {} : JSON.parse(readFileSync(GOLDEN, 'utf8'));

before(async () => {
  api = await startWorker();
  rows = [];
  for (const row of awkwardRows()) rows.push(await insertSegment(api.db, row));
});
after(async () => {
  await api.close();
  if (WRITE) writeFileSync(GOLDEN, `${JSON.stringify(recorded, null, 1)}\n`);
});

/** Compares `text` with the golden body `name` (or records it). */
function matchesGolden(name, text) {
  recorded[name] = text;
  if (WRITE) return;
  assert.ok(name in golden, `no golden body "${name}"`);
  assert.equal(text, golden[name], `body "${name}" differs from the recorded one`);
}

/** GETs `path` and checks its body, total and next link against the golden ones. */
async function readsAsRecorded(name, path, headers = {}) {
  const response = await api.fetch(path, { headers });
  assert.equal(response.status, 200, name);
  const meta = {
    total: response.headers.get('x-total-count'),
    link: response.headers.get('link'),
    contentType: response.headers.get('content-type'),
  };
  // The port differs from run to run.
  const text = `${JSON.stringify(meta)}\n${await response.text()}`;
  matchesGolden(name, text.replaceAll(new URL(api.url).origin, '<origin>'));
}

describe('golden bodies of stored segments', () => {
  it('every segment reads as recorded, as JSON and as GeoJSON', async () => {
    for (const [index, row] of rows.entries()) {
      await readsAsRecorded(`get ${index}`, `${SEGMENTOS}/${row.id_segmento}`);
      await readsAsRecorded(`get ${index} geojson`, `${SEGMENTOS}/${row.id_segmento}?format=geojson`);
    }
  });

  it('lists read as recorded, in every order and both formats', async () => {
    const lists = {
      'list newest first': '',
      'list by name': '?sort=nombre',
      'list geojson': '?format=geojson',
      'list geojson by updated_at': '?sort=-updated_at&format=geojson',
      'list page of 5 with its next link': '?limit=5',
      'list second page of 5 by name': '?limit=5&skip=5&sort=-nombre',
      'list searched with q': '?q=%C3%B1and%C3%BA',
      'list in a bbox': '?bbox=-180,-1,180,1',
      'list near': '?near=0.0001,0.00001&radius_m=200000',
      'list near geojson, paged': '?near=-0.5,0.25&limit=4&format=geojson',
      'list near by distance descending': '?near=179.9,-45&sort=-distance_m&limit=7',
      'list empty': '?ubicacion=nowhere',
      'list counted only': '?limit=0',
    };
    for (const [name, query] of Object.entries(lists)) {
      await readsAsRecorded(name, `${SEGMENTOS}${query}`);
    }
    // The search finds exactly the rows whose text holds the term, diacritics aside.
    const searched = recorded['list searched with q'];
    const found = JSON.parse(searched.slice(searched.indexOf('\n') + 1));
    const holding = rows.filter((row) =>
      [row.nombre, row.descripcion, row.ubicacion].some((text) => text?.includes('ñandú')),
    );
    assert.ok(holding.length > 0 && holding.length < rows.length);
    assert.deepEqual(
      found.map((segment) => segment.id_segmento).sort((a, b) => a - b),
      holding.map((row) => row.id_segmento).sort((a, b) => a - b),
    );
  });

  it('a followed next link reads as recorded', async () => {
    const first = await api.fetch(`${SEGMENTOS}?near=1,1&limit=3`);
    const next = first.headers.get('link').match(/^<([^>]+)>/)[1];
    await readsAsRecorded('list near, second page', new URL(next).pathname + new URL(next).search);
  });
});

describe('golden bodies of writes', () => {
  it('a create answers as recorded', async () => {
    for (const [index, row] of awkwardRows().entries()) {
      const { created_at: _, ...segment } = row;
      const response = await api.fetch(SEGMENTOS, json('POST', segment));
      assert.equal(response.status, 201);
      matchesGolden(`create ${index}`, varying(await response.text()));
    }
  });

  it('an update answers as recorded', async () => {
    const target = rows[0].id_segmento;
    for (const [index, row] of awkwardRows().entries()) {
      const { created_at: _, ...segment } = row;
      const response = await api.fetch(`${SEGMENTOS}/${target}`, json('PATCH', segment));
      assert.equal(response.status, 200);
      matchesGolden(`update ${index}`, varying(await response.text()));
    }
  });

  it('a bulk import answers as recorded', async () => {
    const segments = awkwardRows().map(({ created_at: _, ...segment }) => segment);
    const response = await api.fetch(`${SEGMENTOS}/bulk`, json('POST', segments));
    assert.equal(response.status, 201);
    matchesGolden('bulk', varying(await response.text()));
  });
});
