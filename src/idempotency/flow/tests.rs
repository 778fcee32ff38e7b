use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::idempotency::key::CLAIM_TIMEOUT_MS;

const PATH: &str = "/api/v1/segmentos";
const BODY: &[u8] = br#"{"nombre":"N","longitud":1,"latitud":2}"#;
const CLAIMED_AT: u64 = 1_000_000;
const NOW: u64 = CLAIMED_AT + 1_000;

fn attempt(token: &str) -> Attempt {
    let key = IdempotencyKey::parse("k-1").unwrap();
    Attempt::new(key, PATH, BODY, token.into(), NOW)
}

/// The key's state as the request with token `holder` left it, for this path and body.
fn state(holder: &str) -> KeyState {
    KeyState {
        record: KeyRecord {
            fingerprint: fingerprint("POST", PATH, BODY),
            token: holder.into(),
            claimed_at: CLAIMED_AT,
            created_ids: None,
            status: None,
            headers: None,
        },
        body: String::new(),
    }
}

fn answered(mut state: KeyState) -> KeyState {
    state.record.created_ids = Some("[7]".into());
    state.record.status = Some(201);
    state.record.headers = Some(r#"{"content-type":"application/json","location":"/x/7"}"#.into());
    state.body = r#"{"id_segmento":7}"#.into();
    state
}

#[test]
fn a_request_holds_the_key_it_just_claimed_for_a_post_of_its_path_and_body() {
    assert_eq!(attempt("ours").decide(&state("ours").record), Claim::Held);
}

#[test]
fn the_same_body_on_another_path_is_another_request() {
    let key = IdempotencyKey::parse("k-1").unwrap();
    let bulk = Attempt::new(key, "/api/v1/segmentos/bulk", BODY, "ours".into(), NOW);

    assert_eq!(bulk.decide(&state("theirs").record), Claim::Mismatch);
}

#[test]
fn a_retry_of_an_answered_request_replays_its_stored_response() {
    let replay = retried(&attempt("ours"), answered(state("theirs")));

    assert_eq!(
        replay,
        Ok(Retried::Replay(StoredResponse {
            status: 201,
            headers: BTreeMap::from([
                ("content-type".to_owned(), "application/json".to_owned()),
                ("location".to_owned(), "/x/7".to_owned()),
            ]),
            body: r#"{"id_segmento":7}"#.into(),
        }))
    );
}

#[test]
fn stored_headers_that_do_not_parse_are_an_internal_error_not_the_clients() {
    let mut corrupt = answered(state("theirs"));
    corrupt.record.headers = Some("[".into());

    let error = retried(&attempt("ours"), corrupt).unwrap_err();

    assert_eq!(error.status(), 500);
}

#[test]
fn a_retry_of_a_request_that_wrote_but_stored_nothing_recovers_its_rows() {
    let mut written = state("theirs");
    written.record.created_ids = Some("[7, 8]".into());
    let stalled = Attempt {
        now_ms: CLAIMED_AT + CLAIM_TIMEOUT_MS,
        ..attempt("ours")
    };

    assert_eq!(retried(&stalled, written), Ok(Retried::Recover(vec![7, 8])));
}

#[test]
fn a_retry_while_the_first_request_runs_is_a_409() {
    let error = retried(&attempt("ours"), state("theirs")).unwrap_err();

    assert_eq!(error, ApiError::IdempotencyKeyInFlight);
}

#[test]
fn a_request_that_holds_its_key_only_after_its_fenced_write_is_a_409_too() {
    let error = retried(&attempt("ours"), state("ours")).unwrap_err();

    assert_eq!(error, ApiError::IdempotencyKeyInFlight);
}

#[test]
fn a_key_used_for_another_request_is_a_422_on_its_header() {
    let other = Attempt {
        fingerprint: fingerprint("POST", PATH, b"{}"),
        ..attempt("ours")
    };

    let error = retried(&other, answered(state("theirs"))).unwrap_err();

    let reason = "this key was already used for a different request";
    assert_eq!(
        serde_json::to_value(error.body()).unwrap(),
        json!({"detail": [{
            "type": "value_error",
            "loc": ["header", "idempotency-key"],
            "msg": format!("Value error, {reason}"),
            "ctx": {"error": reason},
        }]})
    );
}
