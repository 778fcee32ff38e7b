// What a request cost in D1 (rows read and written, as D1 bills them), on every response
// (`Server-Timing`), in the request log and in /metrics; D1's own `meta` is the oracle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../scripts/lib/worker-harness.mjs';
import { createSegment, json, SEGMENTOS, validSegment } from './support/api.mjs';

let api;
before(async () => {
  api = await startWorker();
});
after(() => api.close());

const SERVER_TIMING_D1 = /^d1;dur=(\d+(?:\.\d+)?);desc="(\d+) D1 round trips?, (\d+) rows read, (\d+) rows written", total;dur=\d+(?:\.\d+)?$/;

/** The D1 entry of a response's `Server-Timing`, as numbers. */
function d1Cost(response) {
  const header = response.headers.get('server-timing');
  const match = SERVER_TIMING_D1.exec(header);
  assert.ok(match, `Server-Timing in the documented shape: ${header}`);
  const [, ms, roundTrips, rowsRead, rowsWritten] = match.map(Number);
  return { ms, roundTrips, rowsRead, rowsWritten };
}

/** The log entry of the response's request. */
function logged(response) {
  const id = response.headers.get('x-request-id');
  const entries = api.requestLog().filter((entry) => entry.request_id === id);
  assert.equal(entries.length, 1, `one log line for ${id}`);
  return entries[0];
}

/** This isolate's counter `name` for `route`, 0 before its first sample. */
async function rowCounter(name, route) {
  const text = await (await api.fetch('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`route="${route}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('the D1 cost of a request', () => {
  it('a read by id reports the rows D1 itself counts for that lookup, and writes none', async () => {
    const { id_segmento: id } = await createSegment(api);
    const oracle = await api.db.prepare('SELECT * FROM segmentos WHERE id_segmento = ?').bind(id).all();

    const response = await api.fetch(`${SEGMENTOS}/${id}`);

    assert.equal(response.status, 200);
    const { roundTrips, rowsRead, rowsWritten } = d1Cost(response);
    assert.deepEqual({ roundTrips, rowsRead, rowsWritten }, { roundTrips: 1, rowsRead: oracle.meta.rows_read, rowsWritten: 0 });
    assert.equal(oracle.meta.rows_read, 1);
  });

  it('a create reports the rows it wrote: the segment and its index entries', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', validSegment()));

    assert.equal(response.status, 201);
    const { rowsWritten, roundTrips } = d1Cost(response);
    assert.equal(roundTrips, 1);
    // The row, and one entry in each index of the table (at least the changes feed's).
    assert.ok(rowsWritten >= 2, `${rowsWritten} rows written`);
  });

  it('a request refused before it reaches D1 reports no round trip and no rows', async () => {
    const response = await api.fetch(SEGMENTOS, json('POST', {}));

    assert.equal(response.status, 422);
    assert.deepEqual(d1Cost(response), { ms: 0, roundTrips: 0, rowsRead: 0, rowsWritten: 0 });
    assert.equal(logged(response).d1, undefined);
  });

  it('the database health check reports its one query', async () => {
    const response = await api.fetch('/health/database');

    assert.equal(response.status, 200);
    const { roundTrips, rowsRead } = d1Cost(response);
    assert.equal(roundTrips, 1);
    assert.ok(rowsRead >= 1, `${rowsRead} rows read`);
  });

  it('the request log line carries the same figures as Server-Timing', async () => {
    await createSegment(api);
    const response = await api.fetch(`${SEGMENTOS}?limit=5`);

    const { ms, roundTrips, rowsRead, rowsWritten } = d1Cost(response);
    const { d1 } = logged(response);
    assert.deepEqual(
      { round_trips: d1.round_trips, wait_ms: d1.wait_ms, rows_read: d1.rows_read, rows_written: d1.rows_written },
      { round_trips: roundTrips, wait_ms: ms, rows_read: rowsRead, rows_written: rowsWritten },
    );
    assert.equal(typeof d1.sql_ms, 'number');
    assert.ok(rowsRead >= 1);
  });

  it('/metrics counts the rows each route read and wrote', async () => {
    const { id_segmento: id } = await createSegment(api);
    const [readBefore, writtenBefore] = [
      await rowCounter('recway_d1_rows_read_total', 'segmento'),
      await rowCounter('recway_d1_rows_written_total', 'segmento'),
    ];

    const read = d1Cost(await api.fetch(`${SEGMENTOS}/${id}`));
    const patched = await api.fetch(`${SEGMENTOS}/${id}`, json('PATCH', { descripcion: 'Bacheo' }));
    const written = d1Cost(patched);

    assert.equal(patched.status, 200);
    assert.ok(written.rowsWritten >= 1);
    assert.equal(await rowCounter('recway_d1_rows_read_total', 'segmento'), readBefore + read.rowsRead + written.rowsRead);
    assert.equal(await rowCounter('recway_d1_rows_written_total', 'segmento'), writtenBefore + written.rowsWritten);
  });
});
