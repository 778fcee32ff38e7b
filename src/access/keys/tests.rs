use super::*;

const KEY: &str = "rwk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

#[test]
fn the_three_access_modes_parse_and_anything_else_is_refused() {
    assert_eq!(AccessMode::parse("open"), Ok(AccessMode::Open));
    assert_eq!(AccessMode::parse(" writes "), Ok(AccessMode::Writes));
    assert_eq!(AccessMode::parse("all"), Ok(AccessMode::All));
    for bad in ["", "Open", "none", "write"] {
        assert!(AccessMode::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn open_mode_never_asks_for_a_key() {
    for resource in [Resource::Public, Resource::Segments, Resource::Metrics] {
        for writes in [false, true] {
            assert_eq!(required_scope(AccessMode::Open, resource, writes), None);
        }
    }
}

#[test]
fn writes_mode_asks_for_write_on_writes_and_admin_on_metrics_only() {
    let mode = AccessMode::Writes;
    assert_eq!(required_scope(mode, Resource::Segments, false), None);
    assert_eq!(
        required_scope(mode, Resource::Segments, true),
        Some(Scope::Write)
    );
    assert_eq!(
        required_scope(mode, Resource::Metrics, false),
        Some(Scope::Admin)
    );
    assert_eq!(required_scope(mode, Resource::Public, false), None);
}

#[test]
fn all_mode_asks_for_read_on_reads_but_keeps_health_public() {
    let mode = AccessMode::All;
    assert_eq!(
        required_scope(mode, Resource::Segments, false),
        Some(Scope::Read)
    );
    assert_eq!(
        required_scope(mode, Resource::Segments, true),
        Some(Scope::Write)
    );
    assert_eq!(required_scope(mode, Resource::Public, false), None);
}

#[test]
fn admin_includes_write_which_includes_read() {
    let admin = ApiKey::from_row(1, r#"["admin"]"#);
    let writer = ApiKey::from_row(2, r#"["write"]"#);
    let reader = ApiKey::from_row(3, r#"["read"]"#);

    assert!(admin.grants(Scope::Admin) && admin.grants(Scope::Read));
    assert!(writer.grants(Scope::Write) && writer.grants(Scope::Read));
    assert!(!writer.grants(Scope::Admin));
    assert!(reader.grants(Scope::Read) && !reader.grants(Scope::Write));
}

#[test]
fn unknown_or_unreadable_scopes_grant_nothing() {
    assert!(!ApiKey::from_row(1, r#"["root","*"]"#).grants(Scope::Read));
    assert!(!ApiKey::from_row(1, "not json").grants(Scope::Read));
    assert!(!ApiKey::from_row(1, r#""admin""#).grants(Scope::Read));
}

#[test]
fn a_bearer_key_is_accepted_with_the_scheme_in_any_case() {
    assert_eq!(bearer_key(&format!("Bearer {KEY}")), Ok(KEY));
    assert_eq!(bearer_key(&format!("bearer {KEY}")), Ok(KEY));
    assert_eq!(bearer_key(&format!("BEARER {KEY}")), Ok(KEY));
}

#[test]
fn other_schemes_and_malformed_keys_are_invalid() {
    for header in [
        format!("Basic {KEY}"),
        format!("Token {KEY}"),
        format!("Bearer  {KEY}"),
        format!("Bearer {KEY} "),
        format!("Bearer {}", &KEY[..KEY.len() - 1]),
        format!("Bearer {KEY}A"),
        format!("Bearer {}", KEY.replace("rwk_", "rwx_")),
        format!("Bearer {}", KEY.replace('A', "+")),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        KEY.to_owned(),
        String::new(),
    ] {
        assert_eq!(bearer_key(&header), Err(Denial::InvalidKey), "{header:?}");
    }
}

#[test]
fn the_stored_hash_is_the_sha256_of_the_key_in_hex() {
    // `printf %s rwk_AAA…A | sha256sum`
    assert_eq!(
        key_hash(KEY),
        "f8a7d340c76fe171acd355f490cafbbde018e6d41773e72be244ad2355d77d10"
    );
}

#[test]
fn challenges_follow_rfc_6750() {
    assert_eq!(Denial::MissingKey.challenge(), r#"Bearer realm="recway""#);
    assert_eq!(
        Denial::InvalidKey.challenge(),
        r#"Bearer realm="recway", error="invalid_token""#
    );
    assert_eq!(
        Denial::InsufficientScope(Scope::Write).challenge(),
        r#"Bearer realm="recway", error="insufficient_scope", scope="write""#
    );
    assert_eq!(Denial::InsufficientScope(Scope::Admin).status(), 403);
    assert_eq!(Denial::InvalidKey.status(), 401);
}

#[test]
fn a_missing_or_bad_key_is_401_and_a_missing_scope_403() {
    let status = |denial: Denial| ApiError::from(denial).status();

    assert_eq!(status(Denial::MissingKey), 401);
    assert_eq!(status(Denial::InvalidKey), 401);
    let forbidden = ApiError::from(Denial::InsufficientScope(Scope::Write));
    assert_eq!(forbidden.status(), 403);
    assert_eq!(
        serde_json::to_value(forbidden.body()).unwrap(),
        serde_json::json!({"detail": "The API key lacks the `write` scope"})
    );
}
