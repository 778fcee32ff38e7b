//! Bounds on what a client controls beyond the body (whose limits live in `http` and the
//! DTOs): the query string and the headers the API reads. Every bound is far above what a
//! legitimate request uses and far below what could cost the worker memory or CPU.

use std::borrow::Cow;

use crate::error::ApiError;
use crate::http::{self, Incoming};
use crate::validation::{ErrorKind, FieldError};

/// `422` for a header the API reads that is over its bound, or a query string with too
/// many or too long parameters; checked before anything is parsed.
pub fn check(req: &Incoming) -> Result<(), ApiError> {
    for (name, value) in req.read_headers() {
        if let Some(value) = value {
            check_header(name, value)?;
        }
    }
    check_query(http::query_pairs(req.url()))?;
    Ok(())
}

/// Most query parameters one request may carry (the list takes 14 distinct ones).
pub const MAX_QUERY_PARAMS: usize = 32;

/// Longest query parameter name, in characters.
pub const MAX_QUERY_NAME_CHARS: usize = 64;

/// Longest query parameter value, in characters (a cursor over two 200-character sort
/// keys stays well below).
pub const MAX_QUERY_VALUE_CHARS: usize = 2048;

/// Longest value of a header the API reads, in bytes.
pub const MAX_HEADER_BYTES: usize = 4096;

/// Every problem with the query string's size: too many parameters, or a name or value
/// too long. What the parameters mean is each route's business.
pub fn check_query<'a>(
    pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<(), Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut count = 0;
    for (name, value) in pairs {
        count += 1;
        let name_chars = name.chars().count();
        if name_chars > MAX_QUERY_NAME_CHARS {
            problems.push(FieldError::query_string(ErrorKind::value_error(format!(
                "query parameter names are at most {MAX_QUERY_NAME_CHARS} characters"
            ))));
        } else if value.chars().count() > MAX_QUERY_VALUE_CHARS {
            problems.push(FieldError::query(
                &name,
                ErrorKind::StringTooLong {
                    max: MAX_QUERY_VALUE_CHARS as u64,
                },
            ));
        }
    }
    if count > MAX_QUERY_PARAMS {
        problems.push(FieldError::query_string(ErrorKind::TooLong {
            max: MAX_QUERY_PARAMS,
            actual: count,
        }));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A header value over [`MAX_HEADER_BYTES`], as a `422` entry.
pub fn check_header(name: &str, value: &str) -> Result<(), FieldError> {
    if value.len() > MAX_HEADER_BYTES {
        Err(FieldError::header(
            name,
            ErrorKind::StringTooLong {
                max: MAX_HEADER_BYTES as u64,
            },
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
