//! `skip` / `limit` paging of the segment list.

use crate::validation::field_error::FieldError;
use crate::validation::input::{integer_in_range, MAX_SAFE_INTEGER};

/// One page of a listing. `limit` 0 is allowed: it returns no rows but still the
/// `X-Total-Count`, a cheap way to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    skip: i64,
    limit: i64,
}

impl Page {
    pub const DEFAULT_LIMIT: i64 = 100;
    pub const MAX_LIMIT: i64 = 1000;

    /// Reads the raw `skip` and `limit` parameters; each bad one adds its problem to
    /// `errors` (both are reported when both are bad).
    pub fn parse(skip: Option<&str>, limit: Option<&str>, errors: &mut Vec<FieldError>) -> Self {
        let mut read = |name: &str, raw: Option<&str>, default: i64, max: i64| {
            let Some(raw) = raw else { return default };
            integer_in_range(raw, 0, max).unwrap_or_else(|kind| {
                errors.push(FieldError::query(name, kind));
                default
            })
        };
        Self {
            skip: read("skip", skip, 0, MAX_SAFE_INTEGER),
            limit: read("limit", limit, Self::DEFAULT_LIMIT, Self::MAX_LIMIT),
        }
    }

    /// The first `limit` rows (after the cursor, if any).
    pub fn first(limit: i64) -> Self {
        Self { skip: 0, limit }
    }

    pub fn skip(&self) -> i64 {
        self.skip
    }

    pub fn limit(&self) -> i64 {
        self.limit
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
