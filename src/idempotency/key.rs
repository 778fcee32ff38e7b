//! Idempotent retries of `POST` (Stripe's idempotency keys, the IETF `Idempotency-Key`
//! draft): what a key is, how a request is recognised again, and what a retry gets.
//!
//! The first request with a key claims it, writes, and stores its response; a retry of the
//! same request replays that response. The storage and its atomicity live in `store`,
//! the sequence in `flow`; the decisions live here, so they are tested natively.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::validation::field_error::{ErrorKind, FieldError};

/// How long a key and its stored response are kept.
pub const KEY_LIFETIME_MS: u64 = 24 * 60 * 60 * 1000;

/// How long a claim stands without a write before a retry may take the key over. Longer
/// than any request runs (D1 stops a query at 30 s); should the holder still be running,
/// its write is fenced off by the token and creates nothing.
pub const CLAIM_TIMEOUT_MS: u64 = 60 * 1000;

/// The request header that carries the key, named as error locations name it.
pub const HEADER: &str = "idempotency-key";

const MAX_KEY_CHARS: usize = 255;

/// A valid `Idempotency-Key`: 1 to 255 printable ASCII characters, not all spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Reads the header; the draft sends the key as an RFC 8941 string (`"abc"`), Stripe
    /// bare (`abc`): both name the same key. A quoted value whose inside is not a valid
    /// key (`""`) is taken bare, quotes included.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let unquoted = raw
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .filter(|inner| Self::check(inner).is_ok());
        let key = unquoted.unwrap_or(raw);
        Self::check(key)
            .map(|()| Self(key.to_owned()))
            .map_err(|reason| FieldError::header(HEADER, ErrorKind::value_error(reason)))
    }

    fn check(key: &str) -> Result<(), &'static str> {
        if key.is_empty() || key.len() > MAX_KEY_CHARS {
            return Err("the key must have 1 to 255 characters");
        }
        if !key.bytes().all(|byte| (b' '..=b'~').contains(&byte)) {
            return Err("the key must be printable ASCII");
        }
        if key.trim().is_empty() {
            return Err("the key must not be blank");
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `Idempotency-Key` request header, for the v1 OpenAPI document: where it is taken
/// (its description and schema are [`DESCRIPTION`] and [`header_schema`]).
#[cfg(test)]
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IdempotencyKeyHeader {
    #[param(rename = "idempotency-key")]
    idempotency_key: Option<String>,
}

/// The header, as both OpenAPI documents describe it.
#[cfg(test)]
pub const DESCRIPTION: &str = "1 to 255 printable ASCII characters (a UUID is a good key), \
    bare or as a quoted string: a retry of this request with the same key and body within 24 h \
    creates nothing and gets the first answer.";

/// The header's value as it arrives (HTTP trims its ends), for both OpenAPI documents:
/// printable ASCII, not blank; or empty, which the runtime drops (no key).
#[cfg(test)]
pub fn header_schema() -> serde_json::Value {
    serde_json::json!({"type": "string", "maxLength": MAX_KEY_CHARS,
        "pattern": "^([!-~]([ -~]*[!-~])?)?$"})
}

/// What makes two requests "the same request": lowercase hex SHA-256 of
/// `METHOD + " " + path + "\n" + body`, with the path free of any trailing slash.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(b" ");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A key's row as stored (`idempotency_keys`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct KeyRecord {
    pub fingerprint: String,
    pub token: String,
    pub claimed_at: u64,
    /// JSON array of the ids the holder created; set together with the rows.
    pub created_ids: Option<String>,
    pub status: Option<u16>,
    /// JSON object of the headers to replay.
    pub headers: Option<String>,
}

/// What a request does with a key, given the key's row after its claim attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This request holds the key: write, then store the response.
    Held,
    /// The first request's response is stored: replay it.
    Replay,
    /// The first request wrote but its response was never stored (it crashed in between,
    /// or storing failed): answer from the rows it created.
    Recover(Vec<i64>),
    /// The first request is still running: `409`.
    InFlight,
    /// The key was used for another request: `422`.
    Mismatch,
}

impl KeyRecord {
    /// The decision for the request with `token` and `fingerprint`, at `now_ms`.
    pub fn claim(&self, token: &str, fingerprint: &str, now_ms: u64) -> Claim {
        if self.fingerprint != fingerprint {
            return Claim::Mismatch;
        }
        if self.status.is_some() {
            return Claim::Replay;
        }
        let ours = self.token == token;
        // A claim that stalled with nothing written is taken over by the claim statement
        // itself (the token is then ours); one that wrote is answered from its rows.
        let stalled = now_ms.saturating_sub(self.claimed_at) >= CLAIM_TIMEOUT_MS;
        let created = self
            .created_ids
            .as_deref()
            .map(serde_json::from_str::<Vec<i64>>);
        match created {
            Some(Ok(ids)) if ours || stalled => Claim::Recover(ids),
            None if ours => Claim::Held,
            _ => Claim::InFlight,
        }
    }
}

/// A response as it is stored for replay, and as a created resource is first answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredResponse {
    pub status: u16,
    /// Lowercase header names and their values.
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl StoredResponse {
    /// A `201 Created` with a body of `media_type` and, for one resource, its `Location`
    /// and `ETag`.
    pub fn created(media_type: &str, body: String, resource: Option<(String, String)>) -> Self {
        // Inserted one by one: `BTreeMap::from` an array sorts it, and a sort is 10 KB of wasm.
        let mut headers = BTreeMap::new();
        headers.insert("content-type".to_owned(), media_type.to_owned());
        if let Some((location, etag)) = resource {
            headers.insert("location".to_owned(), location);
            headers.insert("etag".to_owned(), etag);
        }
        Self {
            status: 201,
            headers,
            body,
        }
    }

    /// Rebuilds a stored response from its row and its body parts.
    pub fn from_stored(status: u16, headers: &str, body: String) -> Result<Self, String> {
        let headers = serde_json::from_str(headers)
            .map_err(|error| format!("stored headers are not a JSON object: {error}"))?;
        Ok(Self {
            status,
            headers,
            body,
        })
    }

    pub fn headers_json(&self) -> String {
        // A map of strings always serializes.
        serde_json::to_string(&self.headers).unwrap_or_default()
    }
}

/// Splits a body into parts of at most `max_bytes` bytes, at character boundaries (each
/// part is stored as SQLite TEXT); a limit below one character gives one part per
/// character.
pub fn body_parts(body: &str, max_bytes: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let mut end = max_bytes.min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            // A limit below one character still makes progress: the part is that character.
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (part, after) = rest.split_at(end);
        parts.push(part);
        rest = after;
    }
    parts
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
