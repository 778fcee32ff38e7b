//! Idempotent retries of `POST` (Stripe's idempotency keys, the IETF `Idempotency-Key`
//! draft): what a key is, how a request is recognised again, and what a retry gets.
//!
//! The first request with a key claims it, writes, and stores its response; a retry of the
//! same request replays that response. The storage and its atomicity live in
//! `db::idempotency`; the decisions live here, so they are tested natively.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::field_error::{ErrorKind, FieldError};

/// How long a key and its stored response are kept.
pub const KEY_LIFETIME_MS: u64 = 24 * 60 * 60 * 1000;

/// How long a claim stands without a write before a retry may take the key over. Longer
/// than any request runs (D1 stops a query at 30 s); should the holder still be running,
/// its write is fenced off by the token and creates nothing.
pub const CLAIM_TIMEOUT_MS: u64 = 60 * 1000;

/// The header a replayed response carries.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// Name of the request header, in error locations.
const HEADER: &str = "idempotency-key";

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
mod tests {
    use super::*;

    fn record() -> KeyRecord {
        KeyRecord {
            fingerprint: "f".repeat(64),
            token: "theirs".into(),
            claimed_at: 1_000_000,
            created_ids: None,
            status: None,
            headers: None,
        }
    }

    const NOW: u64 = 1_000_000 + 1_000;

    #[test]
    fn a_key_is_read_bare_or_as_a_quoted_string() {
        assert_eq!(IdempotencyKey::parse("abc-1").unwrap().as_str(), "abc-1");
        assert_eq!(
            IdempotencyKey::parse("\"abc-1\"").unwrap().as_str(),
            "abc-1"
        );
        assert_eq!(
            IdempotencyKey::parse(&"k".repeat(255))
                .unwrap()
                .as_str()
                .len(),
            255
        );
    }

    #[test]
    fn quotes_around_nothing_valid_are_part_of_a_bare_key() {
        assert_eq!(IdempotencyKey::parse("\"\"").unwrap().as_str(), "\"\"");
        assert_eq!(IdempotencyKey::parse("\"  \"").unwrap().as_str(), "\"  \"");
    }

    #[test]
    fn an_empty_long_blank_or_non_ascii_key_is_refused_on_its_header() {
        for raw in ["", &"k".repeat(256), "   ", "tab\there", "ñandú", "\"ñ\""] {
            let error = IdempotencyKey::parse(raw).unwrap_err();
            let value = serde_json::to_value(&error).unwrap();
            assert_eq!(
                value["loc"],
                serde_json::json!(["header", "idempotency-key"]),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let base = fingerprint("POST", "/api/v1/segmentos", b"{}");

        assert_eq!(base.len(), 64);
        assert_eq!(base, fingerprint("POST", "/api/v1/segmentos", b"{}"));
        assert_ne!(base, fingerprint("POST", "/api/v1/segmentos/bulk", b"{}"));
        assert_ne!(base, fingerprint("POST", "/api/v1/segmentos", b"{ }"));
    }

    #[test]
    fn the_fingerprint_is_sha256_of_the_documented_text() {
        // sha256("POST /x\n") computed with coreutils' sha256sum.
        assert_eq!(
            fingerprint("POST", "/x", b""),
            "416743b001479e7549889144cc92e1e9bb89f01799e1c3fa1188142e86666347"
        );
    }

    #[test]
    fn a_different_request_with_the_key_is_a_mismatch_whatever_the_state() {
        let stored = KeyRecord {
            status: Some(201),
            ..record()
        };

        assert_eq!(stored.claim("ours", &"0".repeat(64), NOW), Claim::Mismatch);
        assert_eq!(
            record().claim("theirs", &"0".repeat(64), NOW),
            Claim::Mismatch
        );
    }

    #[test]
    fn the_holder_of_the_token_holds_the_key() {
        assert_eq!(record().claim("theirs", &"f".repeat(64), NOW), Claim::Held);
    }

    #[test]
    fn a_stored_response_is_replayed() {
        let stored = KeyRecord {
            status: Some(201),
            headers: Some("{}".into()),
            ..record()
        };

        assert_eq!(stored.claim("ours", &"f".repeat(64), NOW), Claim::Replay);
    }

    #[test]
    fn a_recent_claim_without_a_response_is_in_flight() {
        let written = KeyRecord {
            created_ids: Some("[4]".into()),
            ..record()
        };

        assert_eq!(
            record().claim("ours", &"f".repeat(64), NOW),
            Claim::InFlight
        );
        assert_eq!(written.claim("ours", &"f".repeat(64), NOW), Claim::InFlight);
    }

    #[test]
    fn a_holder_whose_earlier_attempt_wrote_answers_from_its_rows() {
        let written = KeyRecord {
            created_ids: Some("[4]".into()),
            ..record()
        };

        assert_eq!(
            written.claim("theirs", &"f".repeat(64), NOW),
            Claim::Recover(vec![4])
        );
    }

    #[test]
    fn a_stalled_claim_that_wrote_is_recovered_from_its_rows() {
        let written = KeyRecord {
            created_ids: Some("[4, 5]".into()),
            ..record()
        };
        let later = 1_000_000 + CLAIM_TIMEOUT_MS;

        assert_eq!(
            written.claim("ours", &"f".repeat(64), later),
            Claim::Recover(vec![4, 5])
        );
    }

    #[test]
    fn a_body_is_split_at_character_boundaries() {
        assert_eq!(body_parts("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(body_parts("añb", 2), ["a", "ñ", "b"]);
        assert!(body_parts("", 4).is_empty());
        assert_eq!(body_parts("añb", 100).concat(), "añb");
    }

    #[test]
    fn a_stored_response_round_trips_its_headers() {
        let response = StoredResponse {
            status: 201,
            headers: BTreeMap::from([("location".to_owned(), "/x/1".to_owned())]),
            body: "{}".into(),
        };

        let back = StoredResponse::from_stored(201, &response.headers_json(), "{}".into());

        assert_eq!(back, Ok(response));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{config, edge_char, edge_text, loc, text_around};
    use proptest::prelude::*;
    use serde_json::json;

    fn valid_key(key: &str) -> bool {
        (1..=MAX_KEY_CHARS).contains(&key.len())
            && key.bytes().all(|byte| (b' '..=b'~').contains(&byte))
            && !key.trim().is_empty()
    }

    /// What the header names: the text between the quotes of a quoted string, else all of it.
    /// The key a header names: the inside of quotes when that is a valid key, else all.
    fn unquoted(raw: &str) -> &str {
        raw.strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .filter(|inner| valid_key(inner))
            .unwrap_or(raw)
    }

    /// Keys as clients send them, around the length limit, quoted or not.
    fn key_text() -> impl Strategy<Value = String> {
        let bare = prop_oneof![
            any::<String>(),
            edge_text(12),
            "[ -~]{1,20}",
            "[ -~]{253,257}",
            text_around(MAX_KEY_CHARS),
            " {0,3}",
        ];
        (bare, any::<bool>())
            .prop_map(|(key, quoted)| if quoted { format!("\"{key}\"") } else { key })
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn an_arbitrary_idempotency_key_is_accepted_only_when_valid_and_refused_on_its_header(
            raw in key_text()
        ) {
            let key = unquoted(&raw);
            match IdempotencyKey::parse(&raw) {
                Ok(parsed) => {
                    prop_assert!(valid_key(key), "{raw:?} accepted");
                    prop_assert_eq!(parsed.as_str(), key);
                    prop_assert!(valid_key(parsed.as_str()));
                }
                Err(error) => {
                    prop_assert!(!valid_key(key), "{raw:?} refused");
                    prop_assert_eq!(loc(&error), json!(["header", "idempotency-key"]));
                }
            }
        }

        #[test]
        fn a_key_names_the_same_key_bare_or_quoted(key in "[ -~]{1,255}") {
            prop_assume!(!(key.len() >= 2 && key.starts_with('"') && key.ends_with('"')));

            prop_assert_eq!(
                IdempotencyKey::parse(&key),
                IdempotencyKey::parse(&format!("\"{key}\""))
            );
        }

        #[test]
        fn body_parts_join_back_to_the_body_each_within_the_limit(
            body in prop_oneof![any::<String>(), edge_text(40), "[ñ€😀a]{0,64}"],
            max_bytes in prop_oneof![4usize..16, Just(4), 16usize..600_000],
        ) {
            let parts = body_parts(&body, max_bytes);

            prop_assert_eq!(parts.concat(), body.as_str());
            for part in &parts {
                prop_assert!(!part.is_empty() && part.len() <= max_bytes, "{part:?}");
            }
            // Every part but the last is as long as the limit allows at a character boundary.
            for pair in parts.windows(2) {
                let next = pair[1].chars().next().expect("not empty");
                prop_assert!(pair[0].len() + next.len_utf8() > max_bytes, "{pair:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(config(64))]

        #[test]
        fn body_parts_returns_for_any_limit(
            body in prop_oneof![edge_char().prop_map(String::from), edge_text(8)],
            max_bytes in 0usize..4,
        ) {
            // Run on a thread with a deadline: the failure this guards against is an endless
            // loop that keeps pushing empty parts. On a miss the whole run stops before
            // memory runs out.
            let (sender, receiver) = std::sync::mpsc::channel();
            let input = body.clone();
            std::thread::spawn(move || {
                let _ = sender.send(body_parts(&input, max_bytes).concat() == input);
            });
            match receiver.recv_timeout(std::time::Duration::from_millis(50)) {
                Ok(joined) => prop_assert!(joined),
                Err(_) => {
                    eprintln!("body_parts({body:?}, {max_bytes}) did not return");
                    std::process::exit(101);
                }
            }
        }
    }
}
