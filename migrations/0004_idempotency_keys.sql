-- Migration number: 0004
-- Idempotency keys of POST requests (issue 4; Stripe's keys, the IETF Idempotency-Key
-- draft). Times are milliseconds since the Unix epoch, set by the worker.
--
-- A key moves through three states, each change made atomically with what it records:
--   claimed  token set, created_ids and status NULL: a request holds the key;
--   written  created_ids set, in the same D1 batch as the rows it names;
--   done     status, headers and the body parts of the first response are stored.
-- The write is guarded by the token, so a request whose claim was taken over (after it
-- stalled past the claim timeout) writes nothing: a key never creates rows twice.
CREATE TABLE idempotency_keys (
    idempotency_key TEXT PRIMARY KEY CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    -- Lowercase hex SHA-256 of the method, path and body of the first request.
    fingerprint     TEXT NOT NULL CHECK (length(fingerprint) = 64),
    -- Random, per request: who holds the key.
    token           TEXT NOT NULL,
    claimed_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL CHECK (expires_at > claimed_at),
    -- JSON array of the ids the request created.
    created_ids     TEXT CHECK (created_ids IS NULL OR json_valid(created_ids)),
    -- The stored response: status and a JSON object of the headers to replay.
    status          INTEGER CHECK (status BETWEEN 200 AND 599),
    headers         TEXT CHECK (headers IS NULL OR json_valid(headers)),
    CHECK ((status IS NULL) = (headers IS NULL))
) STRICT;

-- The cron cleanup deletes by expiry.
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

-- The stored response body, in parts: a bulk response can exceed D1's 1 MB row limit.
CREATE TABLE idempotency_response_parts (
    idempotency_key TEXT NOT NULL
        REFERENCES idempotency_keys (idempotency_key) ON DELETE CASCADE,
    part            INTEGER NOT NULL CHECK (part >= 0),
    body            TEXT NOT NULL,
    PRIMARY KEY (idempotency_key, part)
) STRICT, WITHOUT ROWID;
