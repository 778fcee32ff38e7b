// `Server-Timing` with what D1 did for the request, in the reference's format:
//
//   d1;dur=<ms>;desc="<k> D1 round trip(s), <r> rows read, <w> rows written", total;dur=<ms>
//
// summed over every D1 result the request got (each query, each batch() as one round trip
// with all its results), from D1's own `meta`: what D1 bills is rows read and written.

/** A fresh tally: the middleware makes one per request, `metered` adds to it. */
const newTally = () => ({ roundTrips: 0, rowsRead: 0, rowsWritten: 0, durationMs: 0 });

function add(tally, results) {
  for (const { meta } of results) {
    tally.rowsRead += meta?.rows_read ?? 0;
    tally.rowsWritten += meta?.rows_written ?? 0;
    tally.durationMs += meta?.duration ?? 0;
  }
}

/** A prepared statement that counts each run; `first()` goes through `all()` to keep `meta`. */
function meteredStatement(statement, tally) {
  const run = async (method) => {
    const result = await statement[method]();
    tally.roundTrips += 1;
    add(tally, [result]);
    return result;
  };
  return {
    raw: statement,
    bind: (...values) => meteredStatement(statement.bind(...values), tally),
    all: () => run('all'),
    run: () => run('run'),
    first: async (column) => {
      const row = (await run('all')).results[0] ?? null;
      return column === undefined || row === null ? row : row[column];
    },
  };
}

/** `db` (a D1 database or session) whose every result is added to `tally`. */
export function metered(db, tally) {
  return {
    prepare: (sql) => meteredStatement(db.prepare(sql), tally),
    batch: async (statements) => {
      const results = await db.batch(statements.map((statement) => statement.raw));
      tally.roundTrips += 1;
      add(tally, results);
      return results;
    },
  };
}

/** Outermost but one middleware: gives the request its tally (`c.get('d1')`), then the header. */
export function serverTiming() {
  return async (c, next) => {
    const started = Date.now();
    const tally = newTally();
    c.set('d1', tally);
    await next();
    const { roundTrips, rowsRead, rowsWritten, durationMs } = tally;
    const trips = `${roundTrips} D1 round trip${roundTrips === 1 ? '' : 's'}`;
    c.res.headers.set(
      'Server-Timing',
      `d1;dur=${Math.round(durationMs * 1000) / 1000};desc="${trips}, ${rowsRead} rows read, ${rowsWritten} rows written", `
        + `total;dur=${Date.now() - started}`,
    );
  };
}
