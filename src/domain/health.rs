//! The bodies of the health checks, shared by the healthy answers and the `503`.

use serde::Serialize;

/// `GET /health`: liveness, with no I/O behind it.
#[derive(Debug, Serialize)]
pub struct Liveness {
    pub status: &'static str,
    /// RFC 3339 UTC.
    pub timestamp: String,
    /// Seconds since this isolate served its first request.
    pub uptime: f64,
    pub version: &'static str,
}

/// `GET /health/database`.
#[derive(Debug, Serialize)]
pub struct DatabaseReport<'a> {
    status: &'static str,
    database: DatabaseState<'a>,
}

#[derive(Debug, Serialize)]
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
