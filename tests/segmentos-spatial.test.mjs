// Search by place at the cost of what it finds (issue 26), on the real local D1: rows read
// as D1 counts them (`Server-Timing`), against what the old plan read (a band of the globe
// as tall as the box) and against an oracle computed here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { haversineM, ids, SEGMENTOS } from './support/api.mjs';

const CORDOBA = [-64.1888, -31.4201];
// Far from Córdoba at its latitude: every one of them is in the band of the globe that
// Córdoba's box spans, as segmentos_by_position read it.
const OCEAN = 1200;
// Around Córdoba's centre, within about 10 km.
const TOWN = 1500;
const SCATTERED = 6;

let api;
let scattered;
before(async () => {
  api = await startWorker();
  // Ids follow this order: the ocean first, the town, then the few scattered segments.
  const rows = [];
  for (let i = 0; i < OCEAN; i += 1) rows.push([-20 + (i % 40) * 0.05, -31.4 + (i % 7) * 0.01]);
  for (let i = 0; i < TOWN; i += 1) {
    const angle = i * 2.399963; // the golden angle: a disc filled evenly
    const r = 0.09 * Math.sqrt((i + 0.5) / TOWN);
    rows.push([CORDOBA[0] + r * Math.cos(angle), CORDOBA[1] + r * Math.sin(angle)]);
  }
  for (let i = 0; i < SCATTERED; i += 1) rows.push([-66.5 + i * 0.01, -31.45 + i * 0.005]);
  await api.db
    .prepare(
      `INSERT INTO segmentos (nombre, longitud, latitud)
       SELECT 'Tramo ' || key, value ->> 0, value ->> 1 FROM json_each(?1)`,
    )
    .bind(JSON.stringify(rows))
    .run();
  scattered = rows.slice(OCEAN + TOWN).map((_, i) => OCEAN + TOWN + i + 1);
});
after(() => api.close());

/** The page's rows and the rows D1 read to answer it. */
async function list(query) {
  const response = await api.fetch(`${SEGMENTOS}?${query}`);
  assert.equal(response.status, 200, await response.clone().text());
  const [, rowsRead] = /(\d+) rows read/.exec(response.headers.get('server-timing'));
  return { rows: await response.json(), rowsRead: Number(rowsRead) };
}

describe('search by place on a table far larger than what it finds', () => {
  it('a sparse box is read through the band index: about what it holds, not its band of the globe', async () => {
    const { rows, rowsRead } = await list('bbox=-66.6,-31.5,-66.4,-31.4&sort=id_segmento');

    assert.deepEqual(ids(rows), scattered);
    // The six, one seek for each of the box's eleven bands, the sample's seeks, and the
    // steps of counting the bands out; the band of the globe held 1,206.
    assert.ok(rowsRead < 120, `${rowsRead} rows read`);
  });

  it('a dense box in time order is read in that order until the page is full', async () => {
    const { rows, rowsRead } = await list('bbox=-64.3,-31.52,-64.08,-31.32&limit=10');

    // Newest first: the last ten of the town.
    const town = Array.from({ length: TOWN }, (_, i) => OCEAN + i + 1);
    assert.deepEqual(ids(rows), town.slice(-10).reverse());
    // Ten rows and the one after them, read from the end of the table past the
    // scattered six, and the sample: never the town's 1,500.
    assert.ok(rowsRead < 150, `${rowsRead} rows read`);
  });

  it('nearest first reads the smallest circle that holds the page, not the whole radius', async () => {
    const { rows, rowsRead } = await list(`near=${CORDOBA}&radius_m=100000&limit=10`);

    assert.equal(rows.length, 10);
    // The oracle: every segment of the table, by its haversine distance from the centre.
    const all = await api.db.prepare('SELECT id_segmento, longitud, latitud FROM segmentos').all();
    const nearest = all.results
      .map((row) => ({ id: row.id_segmento, d: haversineM(CORDOBA, [row.longitud, row.latitud]) }))
      .filter((row) => row.d <= 100_000)
      .sort((a, b) => a.d - b.d || a.id - b.id)
      .slice(0, 10);
    assert.deepEqual(ids(rows), nearest.map((row) => row.id));
    // distance_m is given to the millimetre.
    rows.forEach((row, i) => assert.ok(Math.abs(row.distance_m - nearest[i].d) <= 0.0005));
    // The circle holds 1,506; the page came from circles of a few hundred metres.
    assert.ok(rowsRead < 300, `${rowsRead} rows read`);
  });

  it('a count asked for reads each match once through the band index', async () => {
    const response = await api.fetch(`${SEGMENTOS}?bbox=-66.6,-31.5,-66.4,-31.4&limit=0`);

    assert.equal(response.headers.get('x-total-count'), String(SCATTERED));
    const [, rowsRead] = /(\d+) rows read/.exec(response.headers.get('server-timing'));
    assert.ok(Number(rowsRead) < 100, `${rowsRead} rows read`);
  });
});
