-- Migration number: 0002
-- Indexes for the filters and sort orders of GET /api/v1/segmentos (issue 3), so that no
-- listing walks the whole table to find or order its rows. SQLite appends the rowid
-- (id_segmento) to every index entry, so each index below also serves the id tie-break
-- that makes every order total (src/segments/list/sort.rs).
--
-- The query plans are checked by tests against these files (src/segments/list/sql/tests.rs).
--
-- `q` (substring search) has no index: a LIKE '%text%' cannot use a b-tree. It narrows
-- whatever the other filters select, and alone it reads the table.

-- sort=nombre / -nombre.
CREATE INDEX segmentos_by_nombre ON segmentos (nombre);

-- ubicacion=<exact>.
CREATE INDEX segmentos_by_ubicacion ON segmentos (ubicacion);

-- created_after / created_before, and sort=created_at.
CREATE INDEX segmentos_by_created_at ON segmentos (created_at);

-- updated_after / updated_before, and sort=updated_at.
CREATE INDEX segmentos_by_updated_at ON segmentos (updated_at);

-- bbox and near: a latitude band first (always a range), then longitude within it.
CREATE INDEX segmentos_by_position ON segmentos (latitud, longitud);
