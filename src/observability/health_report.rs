//! The body of the liveness check, and the instant format every answer uses. (The
//! database check's body is `db::report`'s, as its `503` is an error of the database.)

use chrono::{DateTime, SecondsFormat};
use serde::Serialize;

/// `GET /health`: liveness, with no I/O behind it.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct Liveness {
    status: &'static str,
    /// RFC 3339 UTC, milliseconds.
    timestamp: String,
    /// Seconds since this isolate served its first request.
    uptime: f64,
    version: &'static str,
}

impl Liveness {
    /// The report at `now_ms` for an isolate that started at `started_ms` (Unix ms).
    pub fn at(now_ms: u64, started_ms: u64) -> Self {
        Self {
            status: "healthy",
            timestamp: rfc3339(now_ms),
            uptime: now_ms.saturating_sub(started_ms) as f64 / 1000.0,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// `unix_ms` as RFC 3339 UTC text, to the millisecond: the format of every instant the API sends.
pub fn rfc3339(unix_ms: u64) -> String {
    DateTime::from_timestamp_millis(unix_ms as i64)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests;
