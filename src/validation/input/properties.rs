use super::*;
use crate::testing::arbitrary::{body_bytes, config, loc, number_text};
use proptest::prelude::*;
use serde_json::{json, Value};

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn an_arbitrary_body_is_read_or_located_in_the_body(body in body_bytes()) {
        let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
        match parse_json::<Value>(&body) {
            Ok(value) => {
                prop_assert_eq!(first, Some(&b'{'));
                prop_assert!(value.is_object());
            }
            Err(error) => {
                let loc = loc(&error);
                match error.kind().code() {
                    "missing" => {
                        prop_assert_eq!(first, None);
                        prop_assert_eq!(loc, json!(["body"]));
                    }
                    "model_attributes_type" => {
                        prop_assert_ne!(first, Some(&b'{'));
                        prop_assert_eq!(loc, json!(["body"]));
                    }
                    "json_invalid" => {
                        prop_assert_eq!(&loc[0], "body");
                        let offset = loc[1].as_u64().expect("a byte offset");
                        prop_assert!(offset as usize <= body.len(), "{offset}");
                        prop_assert_eq!(loc.as_array().map(Vec::len), Some(2));
                    }
                    other => prop_assert!(false, "unexpected {other}"),
                }
            }
        }
    }

    #[test]
    fn an_integer_in_range_is_read_exactly_and_anything_else_names_its_problem(
        raw in prop_oneof![number_text(), any::<String>()],
        bounds in prop_oneof![
            Just((0, MAX_SAFE_INTEGER)),
            Just((0, 1000)),
            Just((-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)),
            (any::<i64>(), any::<i64>()).prop_map(|(a, b)| (a.min(b), a.max(b))),
        ],
    ) {
        let (min, max) = bounds;
        let parsed = raw.trim().parse::<i64>();
        match integer_in_range(&raw, min, max) {
            Ok(number) => {
                prop_assert_eq!(Ok(number), parsed);
                prop_assert!((min..=max).contains(&number));
            }
            Err(ErrorKind::IntParsing) => prop_assert!(parsed.is_err()),
            Err(ErrorKind::GreaterThanEqual { min: bound }) => {
                prop_assert_eq!(bound, min as f64);
                prop_assert!(parsed.is_ok_and(|n| n < min));
            }
            Err(ErrorKind::LessThanEqual { max: bound }) => {
                prop_assert_eq!(bound, max as f64);
                prop_assert!(parsed.is_ok_and(|n| n > max));
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn an_integer_in_range_round_trips_through_its_text(
        number in prop_oneof![any::<i64>(), -2000i64..2000],
        padding in "[ \t]{0,2}",
    ) {
        let raw = format!("{padding}{number}{padding}");

        prop_assert_eq!(integer_in_range(&raw, i64::MIN, i64::MAX), Ok(number));
    }
}
