use super::*;
use crate::testing::arbitrary::{config, edge_char, loc};
use proptest::prelude::*;
use serde_json::json;

fn well_formed(raw: &str) -> bool {
    (1..=256).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Bookmark-like text around the length limit, sometimes with one odd character.
fn bookmark_like() -> impl Strategy<Value = String> {
    (
        "[0-9a-f-]{250,260}",
        prop::option::of((edge_char(), any::<prop::sample::Index>())),
    )
        .prop_map(|(mut raw, odd)| {
            if let Some((c, at)) = odd {
                let at = at.index(raw.len());
                raw.replace_range(at..=at, &c.to_string());
            }
            raw
        })
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_bookmarks_are_accepted_only_when_well_formed(
        raw in prop_oneof![any::<String>(), "[A-Za-z0-9-]{0,12}", bookmark_like()]
    ) {
        match Bookmark::parse(&raw) {
            Ok(bookmark) => {
                prop_assert!(well_formed(&raw), "{raw:?} accepted");
                prop_assert_eq!(bookmark.as_str(), raw.as_str());
            }
            Err(error) => {
                prop_assert!(!well_formed(&raw), "{raw:?} refused");
                prop_assert_eq!(loc(&error), json!(["header", "x-d1-bookmark"]));
            }
        }
    }
}
