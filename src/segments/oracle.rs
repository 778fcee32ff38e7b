//! The property tests' oracle for segment bodies: which problems a body must be reported
//! with, and what an accepted one must hold. It reads the rules table (`fields`) and
//! applies each rule directly, written apart from the reader the API uses
//! (`FieldRule::read`, `model::SegmentPayload`), so the two are checked against each other.

use std::collections::BTreeMap;

use proptest::collection::btree_map;
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::fields::{client_fields, is_server_field, FieldRule, Kind, Presence, FIELDS};
use super::model::{ColumnValue, NewSegment};
use crate::testing::arbitrary::{json_key, json_leaf, json_number, json_value, number_text, text};

/// Which write a segment body is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// `POST`: the required fields must be sent.
    Create,
    /// `PATCH` and `PUT`: only the fields sent change.
    Patch,
}

/// Whether `name` is a member a segment body may carry.
pub fn is_body_field(name: &str) -> bool {
    FIELDS.iter().any(|field| field.name == name)
}

/// `(field, type)` of every problem a segment object must be reported with, in the order
/// the API reports them: the fields in table order, then unknown keys in sorted order.
pub fn segment_problems(body: &Map<String, Value>, write: Write) -> Vec<(String, &'static str)> {
    let mut problems = Vec::new();
    for field in client_fields() {
        let name = field.name;
        let value = match body.get(name) {
            None if field.presence == Presence::Required && write == Write::Create => {
                problems.push((name.to_owned(), "missing"));
                continue;
            }
            None => continue,
            Some(Value::Null) if field.presence == Presence::Optional => continue,
            Some(value) => value,
        };
        problems.extend(
            value_problems(field, value)
                .into_iter()
                .map(|code| (name.to_owned(), code)),
        );
    }
    let mut unknown: Vec<&String> = body.keys().filter(|key| !is_body_field(key)).collect();
    unknown.sort();
    problems.extend(
        unknown
            .into_iter()
            .map(|key| (key.clone(), "extra_forbidden")),
    );
    problems
}

/// The codes of the rules a present, non-null JSON value breaks.
fn value_problems(field: &FieldRule, value: &Value) -> Vec<&'static str> {
    match (field.kind, value) {
        (
            Kind::Text {
                max_chars,
                not_blank,
            },
            Value::String(text),
        ) => {
            let mut codes = Vec::new();
            if text.chars().count() as u64 > max_chars {
                codes.push("string_too_long");
            }
            if not_blank && text.trim().is_empty() {
                codes.push("string_blank");
            }
            codes
        }
        (Kind::Text { .. }, _) => vec!["string_type"],
        (Kind::Number { min, max }, Value::Number(number)) => {
            let number = number.as_f64().expect("a JSON number is a double");
            if number < min {
                vec!["greater_than_equal"]
            } else if number > max {
                vec!["less_than_equal"]
            } else {
                vec![]
            }
        }
        (Kind::Number { .. }, _) => vec!["float_type"],
        (Kind::Integer | Kind::Instant, _) => unreachable!("{} is the server's", field.name),
    }
}

/// Checks that `value`, written to `field`'s column, keeps every rule of the field.
fn check_value(field: &FieldRule, value: &ColumnValue<'_>) -> Result<(), TestCaseError> {
    match (field.kind, value) {
        (Kind::Text { .. }, ColumnValue::Text(None)) => {
            prop_assert_eq!(field.presence, Presence::Optional, "{} cleared", field.name);
        }
        (
            Kind::Text {
                max_chars,
                not_blank,
            },
            ColumnValue::Text(Some(text)),
        ) => {
            prop_assert!(text.chars().count() as u64 <= max_chars, "{}", field.name);
            prop_assert!(!not_blank || !text.trim().is_empty(), "{}", field.name);
        }
        (Kind::Number { min, max }, ColumnValue::Number(number)) => {
            prop_assert!(number.is_finite() && (min..=max).contains(number));
        }
        (kind, value) => prop_assert!(false, "{kind:?} written as {value:?}"),
    }
    Ok(())
}

/// A body's value for `field` as the column would hold it: absent or `null` is no text.
fn column_value<'a>(field: &FieldRule, body: &'a Map<String, Value>) -> Option<ColumnValue<'a>> {
    let value = body.get(field.name)?;
    Some(match value {
        Value::Number(number) => ColumnValue::Number(number.as_f64()?),
        _ => ColumnValue::Text(value.as_str()),
    })
}

/// Checks that an accepted segment holds only valid values, and exactly those of `body`.
pub fn check_segment(segment: &NewSegment, body: &Map<String, Value>) -> Result<(), TestCaseError> {
    let values = segment.values();
    prop_assert_eq!(values.len(), client_fields().count());
    for (field, value) in client_fields().zip(&values) {
        check_value(field, value)?;
        let sent = column_value(field, body).unwrap_or(ColumnValue::Text(None));
        prop_assert_eq!(value, &sent, "{}", field.name);
    }
    Ok(())
}

/// Checks a patch's changes against its body: each field sent, in table order, with its
/// value, every one valid.
pub fn check_changes(
    changes: &[(&'static str, ColumnValue<'_>)],
    body: &Map<String, Value>,
) -> Result<(), TestCaseError> {
    let expected: Vec<(&str, ColumnValue<'_>)> = client_fields()
        .filter_map(|field| Some((field.name, column_value(field, body)?)))
        .collect();
    prop_assert_eq!(changes, &expected[..]);
    for (name, value) in changes {
        let field = client_fields().find(|field| field.name == *name);
        check_value(field.expect("a client field"), value)?;
    }
    Ok(())
}

/// A value for one field of a segment body: usually of the right type and near its
/// limits, sometimes `null` or of any other JSON type.
fn field_value(field: &FieldRule) -> BoxedStrategy<Value> {
    let right_type = match field.kind {
        Kind::Text { max_chars, .. } => {
            let limit = usize::try_from(max_chars).expect("a small limit");
            prop_oneof![text(limit), text(12)]
                .prop_map(Value::String)
                .boxed()
        }
        Kind::Number { .. } => json_number(),
        Kind::Integer | Kind::Instant => json_value(),
    };
    prop_oneof![
        6 => right_type,
        1 => Just(Value::Null),
        1 => json_value(),
        1 => number_text().prop_map(Value::String),
    ]
    .boxed()
}

/// A segment body: each field present or not with a value from [`field_value`], server
/// fields now and then, and sometimes keys the API does not know.
pub fn segment_object() -> BoxedStrategy<Map<String, Value>> {
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = FIELDS
        .iter()
        .map(|field| {
            let present = if is_server_field(field.name) {
                0.2
            } else {
                0.8
            };
            let name = field.name;
            prop::option::weighted(present, field_value(field))
                .prop_map(move |value| value.map(|value| (name.to_owned(), value)))
                .boxed()
        })
        .collect();
    let extra = prop_oneof![
        4 => Just(BTreeMap::new()),
        1 => btree_map(json_key(), json_leaf(), 0..3),
    ];
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut body: Map<String, Value> = extra.into_iter().collect();
            body.extend(fields.into_iter().flatten());
            body
        })
        .boxed()
}

/// A valid value for `field`, or (for an optional field) none, or `null`.
fn valid_value(field: &FieldRule) -> BoxedStrategy<Option<Value>> {
    let value = match field.kind {
        Kind::Text {
            max_chars,
            not_blank,
        } => {
            let limit = usize::try_from(max_chars).expect("a small limit");
            any::<String>()
                .prop_filter("not blank", move |text| {
                    !not_blank || !text.trim().is_empty()
                })
                .prop_map(move |text| Value::String(text.chars().take(limit).collect()))
                .boxed()
        }
        Kind::Number { min, max } => (min..=max).prop_map(Value::from).boxed(),
        Kind::Integer | Kind::Instant => unreachable!("{} is the server's", field.name),
    };
    match field.presence {
        Presence::Required => value.prop_map(Some).boxed(),
        _ => prop::option::of(prop_oneof![value, Just(Value::Null)]).boxed(),
    }
}

/// A segment body that passes every rule of a create.
pub fn valid_segment_object() -> BoxedStrategy<Map<String, Value>> {
    let fields: Vec<_> = client_fields()
        .map(|field| {
            let name = field.name;
            valid_value(field).prop_map(move |value| value.map(|value| (name.to_owned(), value)))
        })
        .collect();
    fields
        .prop_map(|fields| fields.into_iter().flatten().collect())
        .boxed()
}
