-- One step of migration 0009's backfill (npm run db:backfill): the next 20,000 segments
-- that were there before the migration, in sequence order, into the text index, and the
-- mark moved past them, in one transaction. Safe to repeat and to stop anywhere: each step
-- starts where the last one that committed ended, and writes the segments as they are
-- (one changed since has a new `seq`, past the range, and is the folds' to take in).
-- Measured by `npm run bench:scale` at 5,000,000 segments (bench/SCALE.md).
INSERT OR REPLACE INTO segment_text (rowid, en_nombre, en_descripcion, en_ubicacion)
SELECT id_segmento, nombre, descripcion, ubicacion FROM segmentos
WHERE seq > (SELECT backfilled_seq FROM segment_text_state)
  AND seq <= coalesce((SELECT max(seq) FROM (SELECT seq FROM segmentos
      WHERE seq > (SELECT backfilled_seq FROM segment_text_state)
        AND seq <= (SELECT started_seq FROM segment_text_state)
      ORDER BY seq LIMIT 20000)), (SELECT started_seq FROM segment_text_state));
UPDATE segment_text_state SET backfilled_seq = coalesce((SELECT max(seq) FROM (SELECT seq
    FROM segmentos WHERE seq > (SELECT backfilled_seq FROM segment_text_state)
      AND seq <= (SELECT started_seq FROM segment_text_state)
    ORDER BY seq LIMIT 20000)), (SELECT started_seq FROM segment_text_state))
RETURNING backfilled_seq, started_seq;
