//! Health checks for uptime monitors: `/health` (no I/O) and `/health/database` (one query).

use std::sync::OnceLock;

use chrono::{DateTime, SecondsFormat};
use worker::{Date, Env, Response};

use crate::db;
use crate::domain::health::{DatabaseReport, Liveness};
use crate::error::ApiError;
use crate::http::json_response;

/// When this isolate served its first request, in Unix milliseconds.
static ISOLATE_STARTED_MS: OnceLock<u64> = OnceLock::new();

/// Records the isolate's start on its first request. (Workers freeze the clock during
/// module start-up, so the first request is the first reliable reading.)
pub fn mark_isolate_start(now_ms: u64) {
    ISOLATE_STARTED_MS.get_or_init(|| now_ms);
}

pub fn liveness() -> Result<Response, ApiError> {
    let now_ms = Date::now().as_millis();
    let started_ms = *ISOLATE_STARTED_MS.get_or_init(|| now_ms);
    let body = Liveness {
        status: "healthy",
        timestamp: rfc3339(now_ms),
        uptime: now_ms.saturating_sub(started_ms) as f64 / 1000.0,
        version: env!("CARGO_PKG_VERSION"),
    };
    no_store(json_response(200, &body)?)
}

pub async fn database(env: &Env) -> Result<Response, ApiError> {
    let started_ms = Date::now().as_millis();
    let database = db::connect(env).map_err(|error| ApiError::DatabaseUnhealthy {
        reason: "database binding not configured",
        cause: error.log_cause().unwrap_or_default().to_owned(),
    })?;
    db::ping(&database)
        .await
        .map_err(|cause| ApiError::DatabaseUnhealthy {
            reason: unhealthy_reason(&cause),
            cause,
        })?;
    let latency_ms = Date::now().as_millis().saturating_sub(started_ms);
    no_store(json_response(200, &DatabaseReport::connected(latency_ms))?)
}

/// A short, safe summary of a failed health query for monitors; the log has the rest.
fn unhealthy_reason(cause: &str) -> &'static str {
    if cause.contains("no such table") {
        "schema missing: migrations not applied"
    } else {
        "query failed"
    }
}

fn no_store(mut response: Response) -> Result<Response, ApiError> {
    response.headers_mut().set("cache-control", "no-store")?;
    Ok(response)
}

fn rfc3339(unix_ms: u64) -> String {
    DateTime::from_timestamp_millis(unix_ms as i64)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        assert_eq!(rfc3339(1_790_000_000_123), "2026-09-21T14:13:20.123Z");
    }

    #[test]
    fn a_missing_table_is_reported_as_unmigrated() {
        assert_eq!(
            unhealthy_reason("D1_ERROR: no such table: segmentos: SQLITE_ERROR"),
            "schema missing: migrations not applied"
        );
    }

    #[test]
    fn other_failures_are_a_failed_query() {
        assert_eq!(
            unhealthy_reason("D1_ERROR: Network connection lost."),
            "query failed"
        );
    }
}
