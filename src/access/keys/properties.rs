use proptest::prelude::*;
use proptest::sample::select;

use super::*;
use crate::testing::arbitrary::{config, edge_text, text};

/// `Authorization` values: anything, near-misses of a key, and well-formed keys.
fn authorization() -> BoxedStrategy<String> {
    let secret = "[A-Za-z0-9_-]{42,44}";
    prop_oneof![
        text(60),
        (
            select(&["Bearer", "bearer", "BEARER", "Basic", "Token", ""][..]),
            select(&[" ", "  ", "\t", ""][..]),
            select(&["rwk_", "rwx_", "RWK_", ""][..]),
            secret,
            edge_text(2)
        )
            .prop_map(|(scheme, gap, prefix, secret, tail)| format!(
                "{scheme}{gap}{prefix}{secret}{tail}"
            )),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn an_authorization_value_yields_a_key_only_when_it_is_a_well_formed_bearer_key(header in authorization()) {
        match bearer_key(&header) {
            Ok(key) => {
                prop_assert!(header.len() > 7 && header[..7].eq_ignore_ascii_case("bearer "));
                prop_assert_eq!(&header[7..], key);
                prop_assert_eq!(key.len(), 47);
                prop_assert!(key.starts_with(KEY_PREFIX));
                prop_assert!(key[4..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            }
            Err(denial) => prop_assert_eq!(denial, Denial::InvalidKey),
        }
    }

    #[test]
    fn a_key_hash_is_64_lowercase_hex_digits_and_differs_between_keys(a in text(50), b in text(50)) {
        let (hash_a, hash_b) = (key_hash(&a), key_hash(&b));

        prop_assert_eq!(hash_a.len(), 64);
        prop_assert!(hash_a.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')));
        prop_assert_eq!(hash_a == hash_b, a == b);
    }

    #[test]
    fn an_access_mode_is_one_of_three_words_or_refused_with_its_name(raw in prop_oneof![text(8), select(&["open", "writes", "all", " all\t", "Open"][..]).prop_map(String::from)]) {
        match AccessMode::parse(&raw) {
            Ok(_) => prop_assert!(["open", "writes", "all"].contains(&raw.trim())),
            Err(message) => prop_assert!(message.starts_with("ACCESS_MODE is")),
        }
    }

    #[test]
    fn stored_scopes_grant_exactly_what_they_name_and_nothing_unknown(names in proptest::collection::vec(prop_oneof![select(&["read", "write", "admin"][..]).prop_map(String::from), text(6)], 0..4)) {
        let key = ApiKey::from_row(1, &serde_json::to_string(&names).unwrap());
        let highest = names.iter().filter_map(|name| Scope::parse(name)).max();

        for scope in [Scope::Read, Scope::Write, Scope::Admin] {
            prop_assert_eq!(key.grants(scope), highest.is_some_and(|highest| highest >= scope));
        }
    }
}
