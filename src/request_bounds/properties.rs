use proptest::collection::vec;
use proptest::prelude::*;

use super::*;
use crate::testing::arbitrary::{config, loc, text};

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_query_passes_exactly_when_every_bound_holds(pairs in vec((text(MAX_QUERY_NAME_CHARS), text(MAX_QUERY_VALUE_CHARS)), 0..40)) {
        let within = pairs.len() <= MAX_QUERY_PARAMS
            && pairs.iter().all(|(name, value)| {
                name.chars().count() <= MAX_QUERY_NAME_CHARS
                    && value.chars().count() <= MAX_QUERY_VALUE_CHARS
            });

        let checked = check_query(pairs.iter().map(|(n, v)| (Cow::from(n.as_str()), Cow::from(v.as_str()))));

        prop_assert_eq!(checked.is_ok(), within);
        for error in checked.err().unwrap_or_default() {
            let loc = loc(&error);
            prop_assert_eq!(&loc[0], "query");
            if let Some(name) = loc.get(1) {
                prop_assert!(pairs.iter().any(|(n, _)| name == n.as_str()));
            }
        }
    }

    #[test]
    fn a_header_passes_exactly_within_its_byte_bound(value in text(MAX_HEADER_BYTES)) {
        let checked = check_header("if-match", &value);

        prop_assert_eq!(checked.is_ok(), value.len() <= MAX_HEADER_BYTES);
        if let Err(error) = checked {
            prop_assert_eq!(loc(&error), serde_json::json!(["header", "if-match"]));
        }
    }
}
