//! An idempotent create from start to answer: claim the key, write under its fence, store
//! the response, and answer a retry from what the first request left (its stored response,
//! or the rows it wrote). A handler supplies only what is its own, as a [`Creation`]: how
//! to write the rows, re-read them, and answer them.

use worker::{Date, Headers, Response, ResponseBuilder};

use super::key::{fingerprint, Claim, IdempotencyKey, KeyRecord, StoredResponse, HEADER};
use super::store::{self as keys, Fence, KeyState};
use crate::db::Database;
use crate::error::ApiError;
use crate::http::{self, Incoming};
use crate::validation::{ErrorKind, FieldError};

/// The header a replayed response carries.
const REPLAYED_HEADER: &str = "idempotent-replayed";

/// The method of every idempotent request, as its fingerprint names it.
const METHOD: &str = "POST";

/// What a create writes and answers; [`create_once`] decides when, and how often.
pub trait Creation {
    /// A created row, as the write returns it.
    type Row;

    /// Writes the rows and returns them in input order. With a fence, the write happens
    /// only while the fence holds (otherwise it returns no rows), and the fence records
    /// the new ids in the same transaction.
    async fn insert(
        &self,
        db: &Database,
        fence: Option<&Fence<'_>>,
    ) -> Result<Vec<Self::Row>, ApiError>;

    /// Re-reads the rows a fenced write recorded, for a retry of a request that wrote
    /// them but stored no response; an error when they cannot answer it any more.
    async fn find(&self, db: &Database, ids: &[i64]) -> Result<Vec<Self::Row>, ApiError>;

    /// The `201` for the rows, as it is answered and stored for replay.
    fn respond(&self, rows: &[Self::Row]) -> Result<StoredResponse, ApiError>;
}

/// Creates what `creation` writes and answers it, honouring the request's
/// `Idempotency-Key` if it has one: a retry of the same request (`path` and `body`) gets
/// the first answer again, marked `Idempotent-Replayed: true`. An invalid `creation` is
/// refused before the key is touched, so a key is never spent on a request that could not
/// succeed; its problems are listed with the key's own.
pub async fn create_once<C: Creation>(
    req: &Incoming,
    db: &Database,
    path: &str,
    body: &[u8],
    creation: Result<C, ApiError>,
) -> Result<Response, ApiError> {
    let key = http::header(req, HEADER)?
        .map(|raw| IdempotencyKey::parse(&raw))
        .transpose()
        .map_err(ApiError::from);
    let (creation, key) = ApiError::combine(creation, key)?;
    let Some(key) = key else {
        let rows = creation.insert(db, None).await?;
        return answer(&creation.respond(&rows)?, false);
    };
    let attempt = Attempt::new(
        key,
        path,
        body,
        http::random_uuid(),
        Date::now().as_millis(),
    );
    let mut state = attempt.claim(db).await?;
    if attempt.decide(&state.record) == Claim::Held {
        match first(db, &attempt, &creation).await? {
            Some(response) => return answer(&response, false),
            // The fence held the rows back (our own earlier attempt of this batch had
            // committed, or another request took the key over): answer as a retry would.
            None => state = attempt.claim(db).await?,
        }
    }
    let response = match retried(&attempt, state)? {
        Retried::Replay(response) => response,
        Retried::Recover(ids) => {
            let rows = creation.find(db, &ids).await?;
            let response = creation.respond(&rows)?;
            keys::store(db, &attempt.key, &response).await?;
            response
        }
    };
    answer(&response, true)
}

/// This request's attempt at its key: what it claims it with, and when.
struct Attempt {
    key: IdempotencyKey,
    fingerprint: String,
    /// Unique to this request: tells its claim from another's.
    token: String,
    now_ms: u64,
}

impl Attempt {
    fn new(key: IdempotencyKey, path: &str, body: &[u8], token: String, now_ms: u64) -> Self {
        Self {
            key,
            fingerprint: fingerprint(METHOD, path, body),
            token,
            now_ms,
        }
    }

    async fn claim(&self, db: &Database) -> Result<KeyState, ApiError> {
        keys::claim(db, &self.key, &self.fingerprint, &self.token, self.now_ms).await
    }

    fn decide(&self, record: &KeyRecord) -> Claim {
        record.claim(&self.token, &self.fingerprint, self.now_ms)
    }
}

/// The write of the request that holds its key, and its stored response; `None` when the
/// fence held the rows back.
async fn first<C: Creation>(
    db: &Database,
    attempt: &Attempt,
    creation: &C,
) -> Result<Option<StoredResponse>, ApiError> {
    let fence = Fence::new(&attempt.key, &attempt.token);
    let rows = match creation.insert(db, Some(&fence)).await {
        Ok(rows) => rows,
        Err(error) => {
            // Nothing was written: free the key so that a retry need not wait. Should this
            // fail too, the claim times out instead.
            let _ = keys::release(db, &attempt.key, &attempt.token).await;
            return Err(error);
        }
    };
    if rows.is_empty() {
        return Ok(None);
    }
    let response = creation.respond(&rows)?;
    keys::store(db, &attempt.key, &response).await?;
    Ok(Some(response))
}

/// What a request that does not hold its key answers with.
#[derive(Debug, PartialEq)]
enum Retried {
    /// The first request's stored response.
    Replay(StoredResponse),
    /// The rows of these ids, which the first request wrote without storing a response.
    Recover(Vec<i64>),
}

/// The answer to a request that does not hold its key, from the key's state after its
/// last claim. One that holds it only now, after the fence held its rows back, is told to
/// retry too: a request writes once at most.
fn retried(attempt: &Attempt, state: KeyState) -> Result<Retried, ApiError> {
    let record = &state.record;
    match attempt.decide(record) {
        Claim::Replay => StoredResponse::from_stored(
            record.status.unwrap_or_default(),
            record.headers.as_deref().unwrap_or("{}"),
            state.body,
        )
        .map(Retried::Replay)
        .map_err(ApiError::Internal),
        Claim::Recover(ids) => Ok(Retried::Recover(ids)),
        Claim::InFlight | Claim::Held => Err(ApiError::IdempotencyKeyInFlight),
        Claim::Mismatch => Err(ApiError::from(FieldError::header(
            HEADER,
            ErrorKind::value_error("this key was already used for a different request"),
        ))),
    }
}

/// A stored response as sent: first answered, or `replayed`.
fn answer(stored: &StoredResponse, replayed: bool) -> Result<Response, ApiError> {
    let headers = Headers::new();
    for (name, value) in &stored.headers {
        headers.set(name, value)?;
    }
    if replayed {
        headers.set(REPLAYED_HEADER, "true")?;
    }
    Ok(ResponseBuilder::new()
        .with_status(stored.status)
        .with_headers(headers)
        .fixed(stored.body.clone().into_bytes()))
}

#[cfg(test)]
mod tests;
