//! `skip` / `limit` paging of the segment list.

use crate::validation::field_error::{ErrorKind, FieldError};
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
    /// The furthest row offset paging reaches, `skip + limit`: every skipped row is read
    /// (and billed), so a page at offset 900,000 read 900,100 rows. Elasticsearch's
    /// `max_result_window` has the same bound for the same reason; a `cursor` costs a page
    /// wherever it points.
    pub const MAX_WINDOW: i64 = 10_000;

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
        let page = Self {
            skip: read("skip", skip, 0, MAX_SAFE_INTEGER),
            limit: read("limit", limit, Self::DEFAULT_LIMIT, Self::MAX_LIMIT),
        };
        if page.skip + page.limit > Self::MAX_WINDOW {
            errors.push(FieldError::query("skip", beyond_the_window(page.limit)));
        }
        page
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

/// What a `skip` past [`Page::MAX_WINDOW`] is told: how far it may go, and the cursor.
fn beyond_the_window(limit: i64) -> ErrorKind {
    ErrorKind::value_error(format!(
        "skip + limit must be at most {} (skip at most {} with limit {limit}): each skipped \
         segment is read; page further with the cursor of the Link rel=\"next\" header",
        Page::MAX_WINDOW,
        Page::MAX_WINDOW - limit
    ))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
