use super::*;
use crate::testing::arbitrary::{config, edge_char, edge_text, loc, text_around};
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
    (bare, any::<bool>()).prop_map(|(key, quoted)| if quoted { format!("\"{key}\"") } else { key })
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
        // A blank key is no key bare, and quoted it is taken with its quotes (`parse`):
        // the property is of valid keys. (The pattern makes a blank one now and then.)
        prop_assume!(valid_key(&key));

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
