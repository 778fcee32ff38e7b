-- Migration number: 0006
-- The changes feed (issue 17): GET /api/v1/segmentos/changes lists every segment's latest
-- state, and every recent delete, in the order the writes committed.
--
-- Every write gives the segment (or, for a delete, its tombstone) the next number of one
-- sequence, in the statement that writes (src/segments/store.rs, NEXT_SEQ): one more than
-- any number a segment or a tombstone holds, or the feed ever purged. D1 runs one write at
-- a time, so the numbers follow the commit order, and a write that commits after a page
-- was read always gets a number above that page's. (Not triggers: remote D1 migrations
-- have split trigger bodies at their semicolons.)

-- A segment's place in the feed: the number of its last write. Existing segments are
-- backfilled in id order, so an existing deployment's feed starts with all of them. NULL
-- only for a row the code before this migration writes while the two are deployed one
-- after the other; its next write gives it a place.
ALTER TABLE segmentos ADD COLUMN seq INTEGER CHECK (seq IS NULL OR seq >= 1);
UPDATE segmentos SET seq = id_segmento;

-- The feed reads segments in sequence order; UNIQUE also holds the numbers apart.
CREATE UNIQUE INDEX segmentos_by_seq ON segmentos (seq);

-- A deleted segment: its id, the version it last had, when and at which number it went.
-- Kept for CHANGES_RETENTION_DAYS (wrangler.toml), then purged by the cron job.
CREATE TABLE segment_tombstones (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    -- Ids are never reused (AUTOINCREMENT), so a segment is deleted at most once.
    id_segmento INTEGER NOT NULL UNIQUE,
    version     INTEGER NOT NULL CHECK (version >= 1),
    -- RFC 3339 UTC with milliseconds, as the segments' times.
    deleted_at  TEXT NOT NULL
) STRICT;

-- The purge deletes by age.
CREATE INDEX segment_tombstones_by_deleted_at ON segment_tombstones (deleted_at);

-- The feed's own state, one row:
--   horizon    the highest number a purged tombstone had: a token below it may have missed
--              a delete, and gets 410 Gone. No write is numbered below it either.
--   token_key  the HMAC key of the feed's tokens, random per database: a token altered,
--              made up, or from another deployment does not verify. Never sent anywhere.
CREATE TABLE change_feed (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    horizon   INTEGER NOT NULL DEFAULT 0 CHECK (horizon >= 0),
    token_key TEXT NOT NULL CHECK (length(token_key) = 64)
) STRICT;

INSERT INTO change_feed (id, token_key) VALUES (1, lower(hex(randomblob(32))));
