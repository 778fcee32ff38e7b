use proptest::prelude::*;
use proptest::sample::select;

use super::*;
use crate::testing::arbitrary::{config, edge_text, text};

/// Origin lists: anything, and lists of near-origins.
fn origins() -> BoxedStrategy<String> {
    let origin = (
        select(&["https", "http", "HTTPS", "ftp", ""][..]),
        select(&["://", ":/", ""][..]),
        "[a-z0-9.*-]{0,12}",
        select(&["", ":8443", ":0", ":99999", "/", "/x"][..]),
    )
        .prop_map(|(scheme, separator, host, tail)| format!("{scheme}{separator}{host}{tail}"));
    prop_oneof![
        text(40),
        proptest::collection::vec(origin, 0..4).prop_map(|list| list.join(", ")),
        edge_text(10),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn an_origin_list_is_read_whole_or_refused_naming_its_setting(raw in origins()) {
        match AllowedOrigins::parse(&raw) {
            Ok(origins) => {
                for origin in raw.split(|c: char| c == ',' || c.is_whitespace()).filter(|o| !o.is_empty()) {
                    prop_assert!(origins.allows(origin), "{origin:?} not allowed");
                    prop_assert!(!origin.contains('*'));
                    let rest = origin.split_once("://").unwrap().1;
                    prop_assert!(!rest.contains('/'));
                }
            }
            Err(message) => prop_assert!(message.starts_with("CORS_ALLOWED_ORIGINS holds")),
        }
    }

    #[test]
    fn no_origin_outside_the_list_is_allowed(raw in origins(), candidate in text(30)) {
        if let Ok(origins) = AllowedOrigins::parse(&raw) {
            let listed = raw
                .split(|c: char| c == ',' || c.is_whitespace())
                .any(|origin| !origin.is_empty() && origin.eq_ignore_ascii_case(&candidate));
            prop_assert_eq!(origins.allows(&candidate), listed);
        }
    }
}
