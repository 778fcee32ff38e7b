//! Reading request input so that every problem in it is reported at once, as FastAPI does.
//!
//! serde stops at the first value of the wrong type. A [`Field`] never fails: it records
//! whether its value was absent, `null`, of the wrong type, or usable, and the DTO's
//! `validator` rules then run on the usable values. A [`Checker`] turns all of that into
//! the list of [`FieldError`]s a `422` carries, in field order.

use serde::de::{Deserialize, DeserializeOwned, Deserializer, IgnoredAny};
use serde::{Serialize, Serializer};
use serde_json::Value;
use validator::{ValidateLength, ValidateRange, ValidationError, ValidationErrors};

use super::field_error::{ErrorKind, FieldError};

/// Largest integer a JavaScript number (and so a D1 binding) holds exactly.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// One field of a JSON body, as it arrived.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    WrongType,
    Value(T),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Null => Self::Null,
            value => T::deserialize(value).map_or(Self::WrongType, Self::Value),
        })
    }
}

/// `validator` records a failing value in its error (`range` needs it to say which bound
/// was crossed); anything but a usable value records as `null`.
impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(serializer)
    }
}

impl<T> Field<T> {
    fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }
}

/// The JSON type a field expects, named by the error its absence of that type gives.
pub trait JsonType {
    const WRONG_TYPE: ErrorKind;
}

impl JsonType for String {
    const WRONG_TYPE: ErrorKind = ErrorKind::StringType;
}

impl JsonType for f64 {
    const WRONG_TYPE: ErrorKind = ErrorKind::NumberType;
}

// Let `#[validate(length(..))]` and `#[validate(range(..))]` see through a `Field`;
// rules apply only to usable values, as they do to `Some` values of an `Option`.
impl ValidateLength<u64> for Field<String> {
    fn length(&self) -> Option<u64> {
        self.value().map(|text| text.chars().count() as u64)
    }
}

impl ValidateRange<f64> for Field<f64> {
    fn greater_than(&self, max: f64) -> Option<bool> {
        self.value().map(|number| *number > max)
    }

    fn less_than(&self, min: f64) -> Option<bool> {
        self.value().map(|number| *number < min)
    }
}

/// `#[validate(custom(function = "not_blank"))]`: text must have a non-space character.
pub fn not_blank(field: &Field<String>) -> Result<(), ValidationError> {
    match field.value() {
        Some(text) if text.trim().is_empty() => Err(ValidationError::new("blank")),
        _ => Ok(()),
    }
}

/// `#[validate(custom(function = "finite"))]`: no NaN or infinity.
pub fn finite(field: &Field<f64>) -> Result<(), ValidationError> {
    match field.value() {
        Some(number) if !number.is_finite() => Err(ValidationError::new("finite")),
        _ => Ok(()),
    }
}

/// Collects the problems of one body, field by field.
pub struct Checker {
    rule_failures: Option<ValidationErrors>,
    errors: Vec<FieldError>,
}

impl Checker {
    /// Starts from the result of the DTO's `validate()`.
    pub fn new(validated: Result<(), ValidationErrors>) -> Self {
        Self {
            rule_failures: validated.err(),
            errors: Vec::new(),
        }
    }

    /// A field that must be present with a value.
    pub fn required<T: JsonType>(&mut self, name: &str, field: Field<T>) -> Option<T> {
        match field {
            Field::Absent => self.reject(name, ErrorKind::Missing),
            other => self.present(name, other),
        }
    }

    /// A field that may be left out but, when sent, must have a value (`null` is not one).
    pub fn optional<T: JsonType>(&mut self, name: &str, field: Field<T>) -> Option<T> {
        match field {
            Field::Absent => None,
            other => self.present(name, other),
        }
    }

    /// A field that may be left out or `null`; `None` means the field was not sent and
    /// `Some(None)` that it was sent as `null`.
    pub fn nullable<T: JsonType>(&mut self, name: &str, field: Field<T>) -> Option<Option<T>> {
        match field {
            Field::Absent => None,
            Field::Null => Some(None),
            other => self.present(name, other).map(Some),
        }
    }

    /// Body keys that match no field, except those the API ignores on purpose.
    pub fn no_unknown_fields<'a>(
        &mut self,
        keys: impl IntoIterator<Item = &'a String>,
        ignored: &[&str],
    ) {
        for key in keys {
            if !ignored.contains(&key.as_str()) {
                self.errors
                    .push(FieldError::body_field(key, ErrorKind::ExtraForbidden));
            }
        }
    }

    /// `Ok(value)` when nothing was wrong; `build` runs only then.
    pub fn finish<V>(self, build: impl FnOnce() -> Option<V>) -> Result<V, Vec<FieldError>> {
        if self.errors.is_empty() {
            if let Some(value) = build() {
                return Ok(value);
            }
        }
        Err(self.errors)
    }

    fn present<T: JsonType>(&mut self, name: &str, field: Field<T>) -> Option<T> {
        let Field::Value(value) = field else {
            return self.reject(name, T::WRONG_TYPE);
        };
        let failures = self
            .rule_failures
            .as_ref()
            .and_then(|failures| failures.field_errors().get(name).copied());
        match failures {
            Some(failures) if !failures.is_empty() => {
                for failure in failures {
                    self.errors
                        .push(FieldError::body_field(name, rule_failure_kind(failure)));
                }
                None
            }
            _ => Some(value),
        }
    }

    fn reject<V>(&mut self, name: &str, kind: ErrorKind) -> Option<V> {
        self.errors.push(FieldError::body_field(name, kind));
        None
    }
}

/// Translates a `validator` rule failure into the pydantic error kind clients expect.
fn rule_failure_kind(failure: &ValidationError) -> ErrorKind {
    let param = |name: &str| failure.params.get(name).and_then(Value::as_f64);
    match failure.code.as_ref() {
        "length" => ErrorKind::StringTooLong {
            max: param("max").map_or(0, |max| max as u64),
        },
        "range" => match (param("value"), param("min")) {
            (Some(value), Some(min)) if value < min => ErrorKind::GreaterThanEqual { min },
            _ => ErrorKind::LessThanEqual {
                max: param("max").unwrap_or_default(),
            },
        },
        "blank" => ErrorKind::Blank,
        "finite" => ErrorKind::NotFinite,
        _ => ErrorKind::value_error("the value is not allowed"),
    }
}

/// Parses a JSON body into a DTO, or says precisely why it cannot be read at all.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, FieldError> {
    match body.iter().find(|byte| !byte.is_ascii_whitespace()) {
        None => Err(FieldError::body(ErrorKind::Missing)),
        Some(b'{') => serde_json::from_slice(body).map_err(|error| unreadable(body, &error)),
        // serde would fill a struct from a JSON array, position by position; a body must
        // be an object, so any other JSON value is the wrong kind of input.
        Some(_) => match serde_json::from_slice::<IgnoredAny>(body) {
            Ok(_) => Err(FieldError::body(ErrorKind::ObjectType)),
            Err(error) => Err(unreadable(body, &error)),
        },
    }
}

/// A body serde_json could not read, located by byte offset.
fn unreadable(body: &[u8], error: &serde_json::Error) -> FieldError {
    FieldError::body_position(
        byte_offset(body, error.line(), error.column()),
        ErrorKind::JsonInvalid {
            error: reason(error),
        },
    )
}

/// serde_json's message without its " at line L column C" suffix (the offset says where).
fn reason(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rsplit_once(" at line ") {
        Some((reason, _)) => reason.to_owned(),
        None => message,
    }
}

/// Turns serde_json's 1-based line and column into a 0-based byte offset.
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = body
        .split(|byte| *byte == b'\n')
        .take(line.saturating_sub(1))
        .map(|line| line.len() + 1)
        .sum();
    (line_start + column.saturating_sub(1)).min(body.len())
}

/// Reads an integer query or path parameter within `[min, max]`.
pub fn integer_in_range(raw: &str, min: i64, max: i64) -> Result<i64, ErrorKind> {
    let number: i64 = raw.trim().parse().map_err(|_| ErrorKind::IntParsing)?;
    if number < min {
        Err(ErrorKind::GreaterThanEqual { min: min as f64 })
    } else if number > max {
        Err(ErrorKind::LessThanEqual { max: max as f64 })
    } else {
        Ok(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        text: Field<String>,
        #[serde(default)]
        number: Field<f64>,
    }

    fn probe(body: &str) -> Probe {
        parse_json(body.as_bytes()).unwrap()
    }

    #[test]
    fn a_field_records_absence_null_wrong_type_and_value() {
        assert_eq!(probe("{}").text, Field::Absent);
        assert_eq!(probe(r#"{"text": null}"#).text, Field::Null);
        assert_eq!(probe(r#"{"text": 5}"#).text, Field::WrongType);
        assert_eq!(probe(r#"{"text": "a"}"#).text, Field::Value("a".into()));
    }

    #[test]
    fn a_number_field_accepts_integers_but_not_numeric_strings() {
        assert_eq!(probe(r#"{"number": 10}"#).number, Field::Value(10.0));
        assert_eq!(probe(r#"{"number": "10"}"#).number, Field::WrongType);
        assert_eq!(probe(r#"{"number": true}"#).number, Field::WrongType);
    }

    #[test]
    fn every_wrong_type_in_a_body_is_kept_not_just_the_first() {
        let body = probe(r#"{"text": [], "number": {}}"#);

        assert_eq!(body.text, Field::WrongType);
        assert_eq!(body.number, Field::WrongType);
    }

    #[test]
    fn an_empty_body_is_a_missing_body() {
        let error = parse_json::<Probe>(b"  \n").err().unwrap();

        assert_eq!(error, FieldError::body(ErrorKind::Missing));
    }

    #[test]
    fn malformed_json_is_located_by_byte_offset() {
        let error = parse_json::<Probe>(b"{\"text\": \n  tru}").err().unwrap();

        let value = serde_json::to_value(&error).unwrap();
        assert_eq!(value["type"], "json_invalid");
        assert_eq!(value["loc"], json!(["body", 15]));
        assert!(!value["ctx"]["error"].as_str().unwrap().contains("line"));
    }

    #[test]
    fn a_json_array_body_is_not_an_object() {
        let error = parse_json::<Probe>(b"[1, 2]").err().unwrap();

        assert_eq!(error, FieldError::body(ErrorKind::ObjectType));
    }

    #[test]
    fn a_json_string_body_is_not_an_object() {
        let error = parse_json::<Probe>(br#""hello""#).err().unwrap();

        assert_eq!(error, FieldError::body(ErrorKind::ObjectType));
    }

    #[test]
    fn a_truncated_body_is_invalid_json() {
        let error = parse_json::<Probe>(br#"{"text": "a"#).err().unwrap();

        assert_eq!(error.kind().code(), "json_invalid");
    }

    #[test]
    fn an_integer_parameter_must_parse() {
        assert_eq!(integer_in_range("12", 0, 100), Ok(12));
        assert_eq!(integer_in_range("1.5", 0, 100), Err(ErrorKind::IntParsing));
        assert_eq!(integer_in_range("", 0, 100), Err(ErrorKind::IntParsing));
        assert_eq!(integer_in_range("ten", 0, 100), Err(ErrorKind::IntParsing));
        assert_eq!(
            integer_in_range("99999999999999999999", 0, 100),
            Err(ErrorKind::IntParsing)
        );
    }

    #[test]
    fn an_integer_parameter_outside_its_range_names_the_broken_bound() {
        assert_eq!(
            integer_in_range("-1", 0, 100),
            Err(ErrorKind::GreaterThanEqual { min: 0.0 })
        );
        assert_eq!(
            integer_in_range("101", 0, 100),
            Err(ErrorKind::LessThanEqual { max: 100.0 })
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{body_bytes, config, json_value, loc, number_text};
    use proptest::prelude::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Probe {
        #[serde(default)]
        text: Field<String>,
        #[serde(default)]
        number: Field<f64>,
    }

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
        fn a_field_is_a_value_exactly_when_the_json_has_its_type(value in json_value()) {
            let body = json!({"text": value, "number": value}).to_string();
            let probe: Probe = parse_json(body.as_bytes()).expect("an object");

            let (text, number) = match &value {
                Value::Null => (Field::Null, Field::Null),
                Value::String(text) => (Field::Value(text.clone()), Field::WrongType),
                Value::Number(number) => (
                    Field::WrongType,
                    Field::Value(number.as_f64().expect("a double")),
                ),
                _ => (Field::WrongType, Field::WrongType),
            };
            prop_assert_eq!(probe.text, text);
            prop_assert_eq!(probe.number, number);
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
}
