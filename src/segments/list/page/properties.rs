use super::*;
use crate::testing::arbitrary::{config, loc, number_text};
use proptest::prelude::*;
use serde_json::json;

/// What the parameter must read as: `Some(n)` for a valid value, `None` for a bad one.
fn expected(raw: Option<&str>, default: i64, max: i64) -> Option<i64> {
    match raw {
        None => Some(default),
        Some(raw) => raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=max).contains(n)),
    }
}

fn parameter() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![number_text(), any::<String>()])
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_page_is_in_range_or_each_bad_parameter_is_named(
        skip in parameter(),
        limit in parameter(),
    ) {
        let mut errors = Vec::new();
        let page = Page::parse(skip.as_deref(), limit.as_deref(), &mut errors);

        let want_skip = expected(skip.as_deref(), 0, MAX_SAFE_INTEGER);
        let want_limit = expected(limit.as_deref(), Page::DEFAULT_LIMIT, Page::MAX_LIMIT);
        let named: Vec<_> = errors.iter().map(loc).collect();
        let mut want_named = Vec::new();
        if want_skip.is_none() {
            want_named.push(json!(["query", "skip"]));
        }
        if want_limit.is_none() {
            want_named.push(json!(["query", "limit"]));
        }
        // A valid skip past the window is named after the rest.
        let reach = want_skip.unwrap_or(0) + want_limit.unwrap_or(Page::DEFAULT_LIMIT);
        if want_skip.is_some() && reach > Page::MAX_WINDOW {
            want_named.push(json!(["query", "skip"]));
        }
        prop_assert_eq!(named, want_named);
        prop_assert!((0..=MAX_SAFE_INTEGER).contains(&page.skip()));
        prop_assert!((0..=Page::MAX_LIMIT).contains(&page.limit()));
        prop_assert_eq!(page.skip(), want_skip.unwrap_or(0));
        prop_assert_eq!(page.limit(), want_limit.unwrap_or(Page::DEFAULT_LIMIT));
    }
}
