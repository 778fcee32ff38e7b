//! SQL for idempotency keys (`migrations/0004_idempotency_keys.sql`): claim, fence,
//! store, replay, release and purge. The decisions are `key`'s.

use serde::Deserialize;

use crate::db::{rows_of, Database, Param, Retry, Statement};
use crate::error::ApiError;
use crate::idempotency::key::{
    body_parts, IdempotencyKey, KeyRecord, StoredResponse, CLAIM_TIMEOUT_MS, KEY_LIFETIME_MS,
};

/// Largest body part stored in one row: well under D1's 1 MB row limit.
const PART_BYTES: usize = 512 * 1024;

/// Keys deleted per statement of a purge, and statements per purge: bounded work for
/// each cron run (a backlog takes a few runs).
const PURGE_BATCH: i64 = 1000;
const PURGE_ROUNDS: usize = 20;

/// Takes the key if it is free, expired, or held by a claim that stalled before writing;
/// otherwise leaves it as it is.
const CLAIM: &str = "INSERT INTO idempotency_keys \
    (idempotency_key, fingerprint, token, claimed_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5) \
    ON CONFLICT (idempotency_key) DO UPDATE SET \
    fingerprint = excluded.fingerprint, token = excluded.token, \
    claimed_at = excluded.claimed_at, expires_at = excluded.expires_at, \
    created_ids = NULL, status = NULL, headers = NULL \
    WHERE idempotency_keys.expires_at <= excluded.claimed_at \
    OR (idempotency_keys.created_ids IS NULL \
        AND idempotency_keys.fingerprint = excluded.fingerprint \
        AND idempotency_keys.claimed_at <= ?6)";
/// The parts of an expired response whose key was just taken again.
const DROP_OLD_PARTS: &str = "DELETE FROM idempotency_response_parts WHERE idempotency_key = ?1 \
    AND EXISTS (SELECT 1 FROM idempotency_keys WHERE idempotency_key = ?1 AND token = ?2)";
const SELECT_RECORD: &str = "SELECT fingerprint, token, claimed_at, created_ids, status, headers \
    FROM idempotency_keys WHERE idempotency_key = ?1";
const SELECT_PARTS: &str =
    "SELECT body FROM idempotency_response_parts WHERE idempotency_key = ?1 ORDER BY part";
/// A part of the response, stored only while no response is stored.
const INSERT_PART: &str = "INSERT INTO idempotency_response_parts (idempotency_key, part, body) \
    SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM idempotency_keys \
    WHERE idempotency_key = ?1 AND created_ids IS NOT NULL AND status IS NULL)";
const STORE_RESPONSE: &str = "UPDATE idempotency_keys SET status = ?2, headers = ?3 \
    WHERE idempotency_key = ?1 AND created_ids IS NOT NULL AND status IS NULL";
const RELEASE: &str = "DELETE FROM idempotency_keys \
    WHERE idempotency_key = ?1 AND token = ?2 AND created_ids IS NULL";
const PURGE_PARTS: &str = "DELETE FROM idempotency_response_parts WHERE idempotency_key IN \
    (SELECT idempotency_key FROM idempotency_keys WHERE expires_at <= ?1 \
     ORDER BY expires_at, idempotency_key LIMIT ?2)";
const PURGE_KEYS: &str = "DELETE FROM idempotency_keys WHERE idempotency_key IN \
    (SELECT idempotency_key FROM idempotency_keys WHERE expires_at <= ?1 \
     ORDER BY expires_at, idempotency_key LIMIT ?2) RETURNING idempotency_key";

/// A request's hold on a key: its writes are guarded by it.
#[derive(Debug, Clone, Copy)]
pub struct Fence<'a> {
    key: &'a str,
    token: &'a str,
}

impl<'a> Fence<'a> {
    /// Parameters [`Self::holds`] binds.
    pub const PARAMS: usize = 2;

    pub fn new(key: &'a IdempotencyKey, token: &'a str) -> Self {
        Self {
            key: key.as_str(),
            token,
        }
    }

    /// A condition true only while this request holds the key and has written nothing.
    pub fn holds(&self, statement: &mut Statement<'a>) -> String {
        let key = statement.bind(Param::Text(Some(self.key)));
        let token = statement.bind(Param::Text(Some(self.token)));
        format!(
            "EXISTS (SELECT 1 FROM idempotency_keys WHERE idempotency_key = {key} \
             AND token = {token} AND created_ids IS NULL)"
        )
    }

    /// Records the ids of the `count` rows just inserted (AUTOINCREMENT ids only grow,
    /// and the batch is one transaction: they are the newest). Runs last in the write's
    /// batch, under the same condition as its inserts.
    pub fn record_created(&self, count: usize) -> Statement<'a> {
        let mut statement = Statement::default();
        let count = statement.bind(Param::Integer(i64::try_from(count).unwrap_or(i64::MAX)));
        let key = statement.bind(Param::Text(Some(self.key)));
        let token = statement.bind(Param::Text(Some(self.token)));
        statement.text = format!(
            "UPDATE idempotency_keys SET created_ids = (SELECT json_group_array(id_segmento) \
             FROM (SELECT id_segmento FROM segmentos ORDER BY id_segmento DESC LIMIT {count})) \
             WHERE idempotency_key = {key} AND token = {token} AND created_ids IS NULL"
        );
        statement
    }
}

/// The key's state after a claim attempt, and its stored body if it has one.
pub struct KeyState {
    pub record: KeyRecord,
    pub body: String,
}

/// Tries to take the key for the request with `token` and `fingerprint`, and reads the
/// key's state in the same batch. Safe to retry: a repeat finds the key already ours.
pub async fn claim(
    db: &Database,
    key: &IdempotencyKey,
    fingerprint: &str,
    token: &str,
    now_ms: u64,
) -> Result<KeyState, ApiError> {
    let key_param = || Param::Text(Some(key.as_str()));
    let statements = [
        Statement::new(
            CLAIM,
            vec![
                key_param(),
                Param::Text(Some(fingerprint)),
                Param::Text(Some(token)),
                Param::Integer(millis(now_ms)),
                Param::Integer(millis(now_ms + KEY_LIFETIME_MS)),
                Param::Integer(millis(now_ms.saturating_sub(CLAIM_TIMEOUT_MS))),
            ],
        ),
        Statement::new(DROP_OLD_PARTS, vec![key_param(), Param::Text(Some(token))]),
        Statement::new(SELECT_RECORD, vec![key_param()]),
        Statement::new(SELECT_PARTS, vec![key_param()]),
    ];
    let results = db.batch(&statements, Retry::Transient).await?;
    let record = rows_of::<KeyRecord>(&results[2])?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Internal("a claimed idempotency key has no row".into()))?;
    #[derive(Deserialize)]
    struct Part {
        body: String,
    }
    let body = rows_of::<Part>(&results[3])?
        .into_iter()
        .map(|part| part.body)
        .collect();
    Ok(KeyState { record, body })
}

/// Stores the response of a key whose rows are written, unless one is stored already.
pub async fn store(
    db: &Database,
    key: &IdempotencyKey,
    response: &StoredResponse,
) -> Result<(), ApiError> {
    let key_param = || Param::Text(Some(key.as_str()));
    let mut statements: Vec<Statement> = body_parts(&response.body, PART_BYTES)
        .into_iter()
        .enumerate()
        .map(|(part, body)| {
            let part = i64::try_from(part).unwrap_or(i64::MAX);
            Statement::new(
                INSERT_PART,
                vec![key_param(), Param::Integer(part), Param::Text(Some(body))],
            )
        })
        .collect();
    statements.push(Statement::new(
        STORE_RESPONSE,
        vec![
            key_param(),
            Param::Integer(i64::from(response.status)),
            Param::OwnedText(response.headers_json()),
        ],
    ));
    db.batch(&statements, Retry::Transient).await.map(drop)
}

/// Gives a key back after a write that failed, so that a retry can proceed at once.
pub async fn release(db: &Database, key: &IdempotencyKey, token: &str) -> Result<(), ApiError> {
    let statement = Statement::new(
        RELEASE,
        vec![Param::Text(Some(key.as_str())), Param::Text(Some(token))],
    );
    db.batch(&[statement], Retry::Transient).await.map(drop)
}

/// Deletes expired keys and their responses; returns how many keys went.
pub async fn purge_expired(db: &Database, now_ms: u64) -> Result<usize, ApiError> {
    let params = || vec![Param::Integer(millis(now_ms)), Param::Integer(PURGE_BATCH)];
    let mut purged = 0;
    for _ in 0..PURGE_ROUNDS {
        let statements = [
            Statement::new(PURGE_PARTS, params()),
            Statement::new(PURGE_KEYS, params()),
        ];
        let results = db.batch(&statements, Retry::Transient).await?;
        let deleted = rows_of::<serde::de::IgnoredAny>(&results[1])?.len();
        purged += deleted;
        if i64::try_from(deleted).unwrap_or(i64::MAX) < PURGE_BATCH {
            break;
        }
    }
    Ok(purged)
}

/// Milliseconds as a D1 integer (exact: epoch milliseconds stay far below 2^53).
fn millis(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}
