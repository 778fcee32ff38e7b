-- Migration number: 0007
-- What a list costs at national scale (issue 25): D1 bills every row a query visits, and a
-- COUNT(*) visits the whole table. Two structures take the table's size out of the reads
-- that used to scan it.
--
-- 1. How many segments there are, without counting them. `counted` was exact when the
--    highest id was `through_id` and the highest tombstone `through_seq`; the total now is
--      counted + (segments with a higher id) - (tombstones with a higher seq of segments
--                                               with an id up to through_id)
--    which every write of this version folds back into the row, in the batch that writes
--    (src/segments/count.rs). Ids only grow (AUTOINCREMENT) and every delete leaves a
--    tombstone (migration 0006), so the sum stays exact whoever writes: also the previous
--    version, which does not know this table, during a gradual deploy; its writes are only
--    read one by one until the next fold. (Not triggers: remote D1 migrations have split
--    trigger bodies at their semicolons.)
--
--    One COUNT(*) here, once (npm run bench:scale times every statement of this file on
--    up to 5,000,000 segments: bench/SCALE.md).
CREATE TABLE segment_count (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    -- No CHECK (counted >= 0): a row written straight into the table, outside the API,
    -- could push it below; a wrong total is better than refusing a client's delete.
    counted     INTEGER NOT NULL,
    through_id  INTEGER NOT NULL CHECK (through_id >= 0),
    through_seq INTEGER NOT NULL CHECK (through_seq >= 0)
) STRICT;

INSERT INTO segment_count (id, counted, through_id, through_seq)
SELECT 1,
       (SELECT count(*) FROM segmentos),
       coalesce((SELECT max(id_segmento) FROM segmentos), 0),
       coalesce((SELECT max(seq) FROM segment_tombstones), 0);

-- 2. The collection's extent (OGC API Features) from indexes: the lowest and highest of each
--    column is one index lookup. latitud leads segmentos_by_position and updated_at has its
--    own index; longitud had none, and a min() over it read every row.
CREATE INDEX segmentos_by_longitud ON segmentos (longitud);
