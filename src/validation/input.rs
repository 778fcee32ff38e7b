//! Reading request input: a JSON body, or precisely why it cannot be read; integers of
//! the query and the path within their bounds.

use serde::de::{DeserializeOwned, IgnoredAny};

use crate::validation::field_error::{ErrorKind, FieldError};

/// Largest integer a JavaScript number (and so a D1 binding) holds exactly.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

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
