-- Migration number: 0003
-- A version per segment, for HTTP conditional requests (issue 4): the strong ETag of a
-- segment is derived from it, and every update bumps it in the same statement that checks
-- the client's If-Match, so a stale write can never overwrite a newer one.
--
-- Existing segments start at version 1, as new ones do.
ALTER TABLE segmentos ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
