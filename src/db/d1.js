// A D1 batch in one call from wasm: the statements run, then each result's rows become
// JSON text here, natively in V8. Converting rows field by field across the boundary was
// the largest share of a 100-row list's own CPU time; one call per batch keeps it out.
// D1's `meta` of every result is summed here too, into plain values that wasm reads
// without a deserializer.

/**
 * Runs `statements` (an array of prepared statements) as one batch of `target` (a
 * database or a session). Returns an array: what the batch cost (rows read, rows
 * written, SQL milliseconds, then the last `served_by_primary` and `served_by_region`
 * D1 gave, or null: five values, which src/db/mod.rs reads), then each result's rows as
 * a JSON array text.
 */
export async function batchAsJson(target, statements) {
  const results = await target.batch(statements);
  const out = [0, 0, 0, null, null];
  for (const result of results) {
    const meta = result.meta ?? {};
    out[0] += meta.rows_read ?? 0;
    out[1] += meta.rows_written ?? 0;
    out[2] += meta.timings?.sql_duration_ms ?? meta.duration ?? 0;
    out[3] = meta.served_by_primary ?? out[3];
    out[4] = meta.served_by_region ?? out[4];
    out.push(JSON.stringify(result.results ?? []));
  }
  return out;
}
