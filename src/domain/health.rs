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

fn rfc3339(unix_ms: u64) -> String {
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
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn liveness_reports_time_uptime_and_the_crate_version() {
        let report =
            serde_json::to_value(Liveness::at(1_790_000_002_623, 1_790_000_000_123)).unwrap();

        assert_eq!(
            report,
            json!({
                "status": "healthy",
                "timestamp": "2026-09-21T14:13:22.623Z",
                "uptime": 2.5,
                "version": env!("CARGO_PKG_VERSION"),
            })
        );
    }

    #[test]
    fn uptime_never_goes_negative() {
        assert_eq!(Liveness::at(1_000, 5_000).uptime, 0.0);
    }

    #[test]
    fn a_connected_database_reports_its_latency_in_field_order() {
        let body = serde_json::to_string(&DatabaseReport::connected(4)).unwrap();

        assert_eq!(
            body,
            r#"{"status":"healthy","database":{"status":"connected","latency_ms":4}}"#
        );
    }

    #[test]
    fn a_disconnected_database_reports_why() {
        let body = serde_json::to_string(&DatabaseReport::disconnected("query failed")).unwrap();

        assert_eq!(
            body,
            r#"{"status":"unhealthy","database":{"status":"disconnected","error":"query failed"}}"#
        );
    }
}
