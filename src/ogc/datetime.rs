//! The `datetime` parameter of the items (OGC API Features, /req/core/fc-time-response):
//! an instant or an interval, both ends included, matched against each segment's
//! `updated_at` (the time of the state the feature shows). An end is an RFC 3339 instant,
//! open (`..` or empty), or a whole UTC day: `2026-11-20` or `2026-11-20T`, as GDAL 3.6
//! sends a date-only bound.

use chrono::{DateTime, NaiveDate, Utc};

use crate::segments::list::instant::{self, Rounding};
use crate::validation::field_error::ErrorKind;

const DAY_MS: i64 = 86_400_000;

/// The `updated_at` bounds a `datetime` value sets: exclusive, as stored text, as the
/// list's filter takes them (`updated_after`, `updated_before`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdatedWithin {
    pub after: Option<String>,
    pub before: Option<String>,
}

/// One end of an interval, or an instant.
#[derive(Clone, Copy)]
enum End {
    Open,
    Instant(DateTime<Utc>),
    /// A UTC day, as the Unix milliseconds of its first instant.
    Day(i64),
}

impl UpdatedWithin {
    pub fn parse(raw: &str) -> Result<Self, ErrorKind> {
        let (start, end) = match raw.split_once('/') {
            Some((start, end)) => (end_of(start)?, end_of(end)?),
            None => match end_of(raw)? {
                End::Open => return Err(invalid()),
                at => (at, at),
            },
        };
        let after = match start {
            End::Open => None,
            // At or after `t` is after the millisecond before the first one at or after it.
            End::Instant(t) => instant::after_millis(instant::millis(t, Rounding::Up) - 1)?,
            End::Day(first) => instant::after_millis(first - 1)?,
        };
        let before = match end {
            End::Open => None,
            End::Instant(t) => instant::before_millis(instant::millis(t, Rounding::Down) + 1)?,
            End::Day(first) => instant::before_millis(first + DAY_MS)?,
        };
        Ok(Self { after, before })
    }
}

fn end_of(raw: &str) -> Result<End, ErrorKind> {
    if raw.is_empty() || raw == ".." {
        return Ok(End::Open);
    }
    match day(raw.strip_suffix('T').unwrap_or(raw)) {
        Some(first) => Ok(End::Day(first)),
        None => instant::parse(raw).map(End::Instant).map_err(|_| invalid()),
    }
}

/// `YYYY-MM-DD` as the Unix milliseconds of the day's first instant (UTC). Read by hand:
/// chrono's format-string parser would add 20 KB to the module for this one use.
fn day(text: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| {
        let digits = text.get(range)?;
        digits
            .bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(number(0..4)?, number(5..7)? as u32, number(8..10)? as u32)?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

fn invalid() -> ErrorKind {
    ErrorKind::DatetimeParsing {
        error: "expected an RFC 3339 instant or an interval of two (`start/end`, `..` or \
                nothing for an open end), such as 2026-01-31T12:00:00Z/..",
    }
}

#[cfg(test)]
mod tests;
