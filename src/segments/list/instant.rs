//! Instants in the list's time filters: RFC 3339 text in, the stored text out (UTC, to
//! the millisecond, so that bounds compare with stored timestamps as text). Each bound is
//! exclusive, as the filter's SQL compares (`updated_at > ?`); an inclusive one is the
//! exclusive one a millisecond away.

use chrono::{DateTime, Datelike, SecondsFormat, Utc};

use crate::validation::field_error::ErrorKind;

/// Which way an instant finer than a millisecond moves to meet the stored precision, so
/// that bounds stay exact: after `t` is after `floor(t)`, before `t` is before `ceil(t)`.
#[derive(Clone, Copy)]
pub enum Rounding {
    Down,
    Up,
}

/// The first and last instants the stored text (four-digit years) can hold.
const EARLIEST_STORED: &str = "0000-01-01T00:00:00.000Z";
const LATEST_STORED: &str = "9999-12-31T23:59:59.999Z";

/// Where an instant falls against the years stored text can hold. An offset can carry a
/// valid RFC 3339 instant out of them (`9999-12-31T23:59:59-01:00` is in year 10000 UTC),
/// and such a year's text (`+10000-...`, `-0001-...`) does not compare in time order.
enum Stored {
    Earlier,
    Within(String),
    Later,
}

/// An RFC 3339 instant. A `+` in an offset arrives as a space when the client forgot to
/// percent-encode it; that one mistake is forgiven.
pub fn parse(raw: &str) -> Result<DateTime<Utc>, ErrorKind> {
    let parsed = DateTime::parse_from_rfc3339(raw).or_else(|error| {
        let offset_at = raw.len().checked_sub(6).filter(|_| raw.len() > 20);
        match offset_at {
            Some(at) if raw.as_bytes()[at] == b' ' => {
                DateTime::parse_from_rfc3339(&format!("{}+{}", &raw[..at], &raw[at + 1..]))
            }
            _ => Err(error),
        }
    });
    parsed
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|_| ErrorKind::DatetimeParsing {
            error: "expected RFC 3339 such as 2026-01-31T12:00:00Z",
        })
}

/// `instant` in Unix milliseconds, rounded as `rounding` says.
pub fn millis(instant: DateTime<Utc>, rounding: Rounding) -> i64 {
    let millis = instant.timestamp_millis();
    match rounding {
        Rounding::Up if !instant.timestamp_subsec_nanos().is_multiple_of(1_000_000) => millis + 1,
        _ => millis,
    }
}

/// `after millis`, as stored text; none when every stored instant is after it.
pub fn after_millis(millis: i64) -> Result<Option<String>, ErrorKind> {
    Ok(match stored(millis)? {
        Stored::Earlier => None,
        Stored::Within(text) => Some(text),
        // Nothing stored is after the last storable instant.
        Stored::Later => Some(LATEST_STORED.into()),
    })
}

/// `before millis`, as stored text; none when every stored instant is before it.
pub fn before_millis(millis: i64) -> Result<Option<String>, ErrorKind> {
    Ok(match stored(millis)? {
        // Nothing stored is before the first storable instant.
        Stored::Earlier => Some(EARLIEST_STORED.into()),
        Stored::Within(text) => Some(text),
        Stored::Later => None,
    })
}

fn stored(millis: i64) -> Result<Stored, ErrorKind> {
    let instant = DateTime::from_timestamp_millis(millis).ok_or(ErrorKind::DatetimeParsing {
        error: "out of range",
    })?;
    Ok(match instant.year() {
        ..0 => Stored::Earlier,
        0..=9999 => Stored::Within(instant.to_rfc3339_opts(SecondsFormat::Millis, true)),
        _ => Stored::Later,
    })
}
