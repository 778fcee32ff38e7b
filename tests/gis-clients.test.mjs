// GIS clients nobody here wrote, against the worker's OGC API Features: GDAL's OAPIF
// driver (Debian's gdal-bin: ogrinfo, ogr2ogr) and OWSLib (PyPI, in build/gis-venv), both
// installed by `scripts/bootstrap.sh --gis`. What they read must be the segments as
// stored, field by field.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';
import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { insertSegment, SEGMENT_COLUMNS } from './support/api.mjs';

const run = promisify(execFile);
const scratch = join(rootDir, 'build/gis');
const python = join(rootDir, 'build/gis-venv/bin/python');

const PLACES = [
  { nombre: 'Av. Colón', longitud: -64.1888, latitud: -31.4135, ubicacion: 'Córdoba', descripcion: 'Baches', created_at: '2026-11-19T08:00:00.123Z' },
  { nombre: 'Bv. San Juan', longitud: -64.185, latitud: -31.422, ubicacion: 'Córdoba', created_at: '2026-11-20T09:30:00.000Z' },
  { nombre: 'Ruta 20', longitud: -64.23, latitud: -31.43, ubicacion: 'Córdoba', created_at: '2026-11-21T10:00:00.000Z' },
  { nombre: 'Gran Vía', longitud: -3.7038, latitud: 40.4168, ubicacion: 'Madrid', created_at: '2026-11-22T11:00:00.000Z' },
  { nombre: 'Kings Road', longitud: 179.9, latitud: -17.5, ubicacion: 'Fiji', created_at: '2026-11-23T12:00:00.000Z' },
];

let api;
let base; // the landing page's URL, without its slash
let stored; // every row, by nombre

before(async () => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  api = await startWorker();
  for (const place of PLACES) await insertSegment(api.db, place);
  const rows = (await api.db.prepare(`SELECT ${SEGMENT_COLUMNS} FROM segmentos`).all()).results;
  stored = new Map(rows.map((row) => [row.nombre, row]));
  base = new URL(api.url).origin;
});
after(() => api.close());

/** Runs a GDAL tool; GDAL_HTTP_TIMEOUT keeps a hung request from hanging the test. */
async function gdal(tool, args) {
  const { stdout } = await run(tool, args, { env: { ...process.env, GDAL_HTTP_TIMEOUT: '20' }, maxBuffer: 1 << 24 });
  return stdout;
}

/** The features of a GDAL dataset, as GeoJSON written by ogr2ogr itself. */
async function featuresOf(source, ...args) {
  return JSON.parse(await gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', source, ...args])).features;
}

/** Asserts that GDAL's `features` are exactly the stored rows named, every field equal. */
function assertStored(features, names) {
  assert.deepEqual(features.map((feature) => feature.properties.nombre).sort(), [...names].sort());
  for (const { properties, geometry } of features) {
    const row = stored.get(properties.nombre);
    assert.deepEqual(geometry.coordinates, [row.longitud, row.latitud], row.nombre);
    for (const [field, value] of Object.entries(row)) {
      const copied = properties[field];
      if (field.endsWith('_at')) assert.equal(Date.parse(copied), Date.parse(value), `${row.nombre}.${field}`);
      else assert.equal(copied, value, `${row.nombre}.${field}`);
    }
  }
}

const inCordoba = PLACES.filter((place) => place.ubicacion === 'Córdoba').map((place) => place.nombre);

describe('GDAL (ogrinfo, ogr2ogr: the OAPIF driver)', () => {
  it('ogrinfo reports the layer: its feature count, Point geometry and extent', async () => {
    const report = await gdal('ogrinfo', ['-ro', '-al', '-so', `OAPIF:${base}`, 'segmentos']);

    assert.match(report, /^Layer name: segmentos$/m);
    assert.match(report, /^Geometry: Point$/m);
    assert.match(report, new RegExp(`^Feature Count: ${PLACES.length}$`, 'm'));
    assert.match(report, /^Extent: \(-64\.230000, -31\.430000\) - \(179\.900000, 40\.416800\)$/m);
    assert.match(report, /^nombre: String/m);
    assert.match(report, /^updated_at: DateTime/m);
  });

  it('ogr2ogr copies every segment into a GeoPackage with all its properties', async () => {
    const gpkg = join(scratch, 'roads.gpkg');

    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${base}`, 'segmentos']);

    assertStored(await featuresOf(gpkg), stored.keys());
  });

  it('ogr2ogr copies every segment when made to page two at a time', async () => {
    const gpkg = join(scratch, 'paged.gpkg');

    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${base}`, 'segmentos', '-oo', 'PAGE_SIZE=2']);

    assertStored(await featuresOf(gpkg), stored.keys());
  });

  it('ogr2ogr -spat copies only the segments in the box (a bbox the server applies)', async () => {
    const features = await featuresOf(`OAPIF:${base}`, 'segmentos', '-spat', '-64.3', '-31.5', '-64.1', '-31.3');

    assertStored(features, inCordoba);
  });

  it('ogr2ogr -where on nombre and on updated_at reads what the filters select', async () => {
    const named = await featuresOf(`OAPIF:${base}`, 'segmentos', '-where', "nombre = 'Gran Vía'");
    // GDAL 3.6 sends a date-only bound ("2026-11-21T/..") as `datetime` and trusts the answer.
    const recent = await featuresOf(`OAPIF:${base}`, 'segmentos', '-where', "updated_at >= '2026-11-21'");

    assertStored(named, ['Gran Vía']);
    assertStored(recent, ['Ruta 20', 'Gran Vía', 'Kings Road']);
  });
});

describe('OWSLib (owslib.ogcapi.features)', () => {
  let read;
  before(async () => {
    const { stdout } = await run(python, [join(rootDir, 'tests/gis/owslib_client.py'), 'read', `${base}/`]);
    read = JSON.parse(stdout);
  });

  it('reads the landing page, the OpenAPI 3.0 document and the conformance', () => {
    assert.deepEqual(read.landing_links, ['conformance', 'data', 'self', 'service-desc', 'service-doc']);
    assert.match(read.openapi, /^3\.0\./);
    assert.ok(read.conformance.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'));
  });

  it('finds the collection, as a feature collection', () => {
    assert.deepEqual(read.collections, ['segmentos']);
    assert.deepEqual(read.feature_collections, ['segmentos']);
    assert.equal(read.collection, 'segmentos');
  });

  it('pages the items with limit, and filters them with bbox', () => {
    assert.deepEqual([read.page.returned, read.page.matched], [2, PLACES.length]);
    assert.equal(read.page.next.length, 1);
    assert.deepEqual(read.boxed, [...inCordoba].sort());
  });

  it('reads one item, the same feature the page holds', () => {
    assert.deepEqual({ ...read.item, links: undefined }, { ...read.first, links: undefined });
    const row = stored.get(read.item.properties.nombre);
    assert.equal(read.item.id, row.id_segmento);
  });
});

// Last: it writes (and then deletes what it wrote).
describe('OWSLib Part 4 (collection_item_create, _update, _delete)', () => {
  let edited;
  before(async () => {
    const { stdout } = await run(python, [join(rootDir, 'tests/gis/owslib_client.py'), 'edit', `${base}/`]);
    edited = JSON.parse(stdout);
  });

  it('creates a feature, which the collection then holds with its properties and position', () => {
    assert.equal(edited.created, true);
    assert.equal(edited.found.length, 1);
    const [found] = edited.found;
    assert.deepEqual(found.geometry, { type: 'Point', coordinates: [-64.2, -31.4] });
    assert.deepEqual(
      [found.properties.nombre, found.properties.descripcion, found.properties.ubicacion],
      ['OWSLib nuevo', 'creado', 'OWSLib'],
    );
  });

  it('replaces the feature whole, and deletes it', async () => {
    const [{ id }] = edited.found;
    assert.equal(edited.replaced, true);
    assert.equal(edited.after_replace.id, id);
    assert.deepEqual(edited.after_replace.geometry.coordinates, [-58.38, -34.6]);
    assert.deepEqual(
      [edited.after_replace.properties.nombre, edited.after_replace.properties.descripcion],
      ['OWSLib reemplazado', null],
    );
    assert.equal(edited.after_replace.properties.version, 2);
    assert.equal(edited.deleted, true);
    assert.equal(edited.gone, true);
    const row = await api.db.prepare(`SELECT ${SEGMENT_COLUMNS} FROM segmentos WHERE id_segmento = ?`).bind(id).first();
    assert.equal(row, null);
  });
});
