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

use crate::validation::field_error::{ErrorKind, FieldError};

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
        ignored: impl Fn(&str) -> bool,
    ) {
        for key in keys {
            if !ignored(key) {
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
///
/// Every rule a DTO uses must be named here. A rule that is not is a bug, caught by
/// every test that breaks it (debug builds panic); a release build still answers `422`,
/// naming the rule, rather than fail the request.
fn rule_failure_kind(failure: &ValidationError) -> ErrorKind {
    known_rule_failure(failure).unwrap_or_else(|| {
        debug_assert!(false, "unknown validator code {:?}", failure.code);
        ErrorKind::value_error(format!("the value breaks the rule `{}`", failure.code))
    })
}

/// The error kind of a rule failure whose code this module knows.
fn known_rule_failure(failure: &ValidationError) -> Option<ErrorKind> {
    let param = |name: &str| failure.params.get(name).and_then(Value::as_f64);
    Some(match failure.code.as_ref() {
        "length" => ErrorKind::StringTooLong {
            max: param("max")? as u64,
        },
        "range" => match (param("value"), param("min")) {
            (Some(value), Some(min)) if value < min => ErrorKind::GreaterThanEqual { min },
            _ => ErrorKind::LessThanEqual { max: param("max")? },
        },
        "blank" => ErrorKind::Blank,
        "finite" => ErrorKind::NotFinite,
        _ => return None,
    })
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
mod tests;

#[cfg(test)]
mod properties;
