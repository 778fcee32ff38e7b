use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::testing::arbitrary::{config, json_value};

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_value_is_read_exactly_when_the_json_has_its_field_s_type(value in json_value()) {
        for field in client_fields() {
            let read = field.read(value.clone());
            match (field.kind, &value) {
                (Kind::Text { .. }, Value::String(text)) => match read {
                    Ok(FieldValue::Text(read)) => prop_assert_eq!(&read, text),
                    Ok(other) => prop_assert!(false, "{} read as {other:?}", field.name),
                    Err(problems) => prop_assert!(!problems.contains(&ErrorKind::StringType)),
                },
                (Kind::Number { .. }, Value::Number(number)) => match read {
                    Ok(FieldValue::Number(read)) => prop_assert_eq!(Some(read), number.as_f64()),
                    Ok(other) => prop_assert!(false, "{} read as {other:?}", field.name),
                    Err(problems) => prop_assert!(!problems.contains(&ErrorKind::NumberType)),
                },
                (Kind::Text { .. }, _) => prop_assert_eq!(read, Err(vec![ErrorKind::StringType])),
                (Kind::Number { .. }, _) => prop_assert_eq!(read, Err(vec![ErrorKind::NumberType])),
                (kind, _) => prop_assert!(false, "{} of kind {kind:?} is a client field", field.name),
            }
        }
    }
}
