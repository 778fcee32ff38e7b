use super::*;
use crate::testing::arbitrary::{config, edge_f64, json_key};
use proptest::collection::vec;
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = ErrorKind> {
    prop_oneof![
        Just(ErrorKind::Missing),
        Just(ErrorKind::StringType),
        Just(ErrorKind::NotFinite),
        any::<u64>().prop_map(|max| ErrorKind::StringTooLong { max }),
        edge_f64().prop_map(|min| ErrorKind::GreaterThanEqual { min }),
        edge_f64().prop_map(|min| ErrorKind::GreaterThan { min }),
        edge_f64().prop_map(|max| ErrorKind::LessThanEqual { max }),
        (any::<usize>(), any::<usize>())
            .prop_map(|(min, actual)| ErrorKind::TooShort { min, actual }),
        (any::<usize>(), any::<usize>())
            .prop_map(|(max, actual)| ErrorKind::TooLong { max, actual }),
        any::<String>().prop_map(ErrorKind::value_error),
        any::<String>().prop_map(|error| ErrorKind::JsonInvalid { error }),
    ]
}

fn path() -> impl Strategy<Value = Vec<LocItem>> {
    vec(
        prop_oneof![
            json_key().prop_map(LocItem::Name),
            any::<usize>().prop_map(LocItem::Index)
        ],
        0..4,
    )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_error_serializes_with_its_type_location_and_message(
        kind in kind(),
        field in json_key(),
        source in 0..4usize,
    ) {
        let error = match source {
            0 => FieldError::body_field(&field, kind.clone()),
            1 => FieldError::query(&field, kind.clone()),
            2 => FieldError::header(&field, kind.clone()),
            _ => FieldError::path(&field, kind.clone()),
        };

        let value = serde_json::to_value(&error).expect("an error serializes");

        prop_assert_eq!(&value["type"], kind.code());
        prop_assert_eq!(&value["msg"], &kind.message());
        prop_assert_eq!(&value["loc"][0], ["body", "query", "header", "path"][source]);
        prop_assert_eq!(&value["loc"][1], &field);
    }

    #[test]
    fn a_location_within_a_part_goes_between_the_source_and_the_field(
        field in json_key(),
        path in path(),
    ) {
        let error = FieldError::body_field(&field, ErrorKind::Missing).within(path.clone());

        let mut expected = vec![LocItem::Name("body".into())];
        expected.extend(path);
        expected.push(LocItem::Name(field));
        prop_assert_eq!(error.loc, expected);
    }
}
