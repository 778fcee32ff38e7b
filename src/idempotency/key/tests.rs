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
