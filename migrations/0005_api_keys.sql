-- Migration number: 0005
-- API keys (issue 5). `npm run keys -- create` shows a key once and stores only its
-- SHA-256 here: a leaked table grants nothing. Keys are never deleted, only revoked, so
-- that `npm run keys -- list` keeps the history of who could access the API.
CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    -- Who or what holds the key ("mobile app", "nightly import").
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- The key's first 12 characters (`rwk_` and 8 more): enough to recognise it in a
    -- list or a secret scanner's report, far too few to use.
    prefix      TEXT NOT NULL CHECK (length(prefix) = 12 AND prefix GLOB 'rwk_*'),
    -- Lowercase hex SHA-256 of the whole key; UNIQUE also indexes the lookup.
    key_hash    TEXT NOT NULL UNIQUE
                CHECK (length(key_hash) = 64 AND key_hash NOT GLOB '*[^0-9a-f]*'),
    -- JSON array of scopes: "read", "write", "admin" (admin includes write includes read).
    scopes      TEXT NOT NULL
                CHECK (json_valid(scopes) AND json_type(scopes) = 'array'
                       AND json_array_length(scopes) BETWEEN 1 AND 3),
    -- RFC 3339 UTC instants.
    created_at  TEXT NOT NULL,
    revoked_at  TEXT CHECK (revoked_at IS NULL OR revoked_at >= created_at)
) STRICT;
