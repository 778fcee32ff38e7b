use super::*;
use crate::testing::arbitrary::{config, edge_text, text_around};
use proptest::prelude::*;
use proptest::sample::select;

fn is_uuid_v4(id: &str) -> bool {
    let bytes = id.as_bytes();
    id.len() == 36
        && [8, 13, 18, 23].iter().all(|&at| bytes[at] == b'-')
        && bytes[14] == b'4'
        && matches!(bytes[19], b'8' | b'9' | b'a' | b'b')
        && id
            .bytes()
            .filter(|b| *b != b'-')
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_method_is_served_only_under_its_exact_name(raw in prop_oneof![
        select(&["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "Patch", "PROPFIND", "TRACE", ""][..]).prop_map(String::from),
        edge_text(8),
    ]) {
        let served = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].contains(&raw.as_str());

        prop_assert_eq!(parse_method(&raw).is_some(), served);
        prop_assert_eq!(method_label(&raw), if served { raw.as_str() } else { "OTHER" });
    }

    #[test]
    fn a_caller_request_id_is_echoed_only_when_safe(
        id in prop_oneof![any::<String>(), edge_text(8), "[A-Za-z0-9._-]{0,4}", "[A-Za-z0-9._-]{126,130}", text_around(128)]
    ) {
        let safe = (1..=128).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));

        let chosen = request_id(Some(&id));

        if safe {
            prop_assert_eq!(chosen, id);
        } else {
            prop_assert!(is_uuid_v4(&chosen), "{chosen}");
            prop_assert!(is_acceptable_request_id(&chosen));
        }
    }

    #[test]
    fn a_generated_request_id_is_a_version_4_uuid(bytes in any::<[u8; 16]>()) {
        let id = format_uuid_v4(bytes);

        prop_assert!(is_uuid_v4(&id), "{id}");
        prop_assert!(is_acceptable_request_id(&id));
    }
}
