-- Migration number: 0008
-- Search by place that scales (issue 26): `bbox` and `near` read what they find, not the
-- latitude band of the whole globe that segmentos_by_position gave them.
--
-- 1. The spatial index. A band is a strip 0.01 degree of latitude tall (src/segments/geo/
--    band.rs holds the same expression, and a test holds the two equal); within a band the
--    entries run west to east, so the part of a box inside one band is one index range.
--    An index on an expression of `latitud`: SQLite keeps it in step with every insert,
--    update and delete, whoever writes (the previous version during a gradual deploy too),
--    with no trigger and no virtual table, so `wrangler d1 export` still exports the
--    database. latitud is in the index as well, so a box's exact edges are checked on the
--    index before any row is read.
CREATE INDEX segmentos_by_band ON segmentos (CAST((latitud + 90.0) * 100.0 AS INTEGER), longitud, latitud);

-- 2. A sample of the same index: one segment in 256, by id (ids follow creation, not
--    place, so the sample is spread as the table is). A list counts a box's sample, a few
--    dozen entries at most, to choose between reading the box through the index and
--    reading the list's order until the page is full (src/segments/list/sql/spatial.rs).
CREATE INDEX segmentos_sample_by_band ON segmentos (CAST((latitud + 90.0) * 100.0 AS INTEGER), longitud) WHERE id_segmento % 256 = 0;
