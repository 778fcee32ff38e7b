-- Migration number: 0001
-- Road segments of the RecWay v1 API.
--
-- The CHECKs repeat the API's validation as defence in depth: no code path, present or
-- future, and no manual `wrangler d1 execute`, can store a segment the API would reject.
-- They mirror the rules table (src/segments/fields.rs); a native test holds each bound
-- against it at the edges. STRICT makes SQLite refuse values of the wrong type, too.
--
-- No secondary index: every v1 query goes through the primary key (lookups by id, and
-- listings ordered by id, which is creation order), and COUNT(*) reads the table b-tree.
CREATE TABLE segmentos (
    -- AUTOINCREMENT: the id of a deleted segment is never handed out again, so an id a
    -- client cached can never silently point at another segment.
    id_segmento INTEGER PRIMARY KEY AUTOINCREMENT,
    -- length() counts characters, as the API does (but stops at a NUL, so it never refuses
    -- what the API accepts); a name the API finds non-blank is never '' once trimmed.
    nombre      TEXT NOT NULL CHECK (length(nombre) <= 200 AND trim(nombre) <> ''),
    descripcion TEXT CHECK (length(descripcion) <= 2000),
    longitud    REAL NOT NULL CHECK (longitud BETWEEN -180 AND 180),
    latitud     REAL NOT NULL CHECK (latitud BETWEEN -90 AND 90),
    ubicacion   TEXT CHECK (length(ubicacion) <= 200),
    -- RFC 3339 UTC with milliseconds, always set by the database.
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
