//! The bodies of the health checks, shared by the healthy answers and the `503`.

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

/// `GET /health/database`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct DatabaseReport<'a> {
    status: &'static str,
    database: DatabaseState<'a>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
struct DatabaseState<'a> {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

impl<'a> DatabaseReport<'a> {
    pub fn connected(latency_ms: u64) -> Self {
        Self {
            status: "healthy",
            database: DatabaseState {
                status: "connected",
                latency_ms: Some(latency_ms),
                error: None,
            },
        }
    }

    /// `reason` is shown to monitors, so it must be short and safe (no internals).
    pub fn disconnected(reason: &'a str) -> Self {
        Self {
            status: "unhealthy",
            database: DatabaseState {
                status: "disconnected",
                latency_ms: None,
                error: Some(reason),
            },
        }
    }
}

#[cfg(test)]
mod tests;
