//! Health checks for uptime monitors: `/health` (no I/O) and `/health/database` (one query).

use worker::{Date, Env, Response};

use crate::db;
use crate::db::report::DatabaseReport;
use crate::db::usage::Usage;
use crate::error::ApiError;
use crate::http::json_response;
use crate::observability::health_report::Liveness;
use crate::observability::telemetry;

/// Liveness: the worker answers.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/health",
    tag = "health",
    responses((status = 200, description = "The worker is up (no I/O behind this answer)",
        body = crate::observability::health_report::Liveness,
        headers(("cache-control" = String, description = "`no-store`")))),
))]
pub fn liveness() -> Result<Response, ApiError> {
    let now_ms = Date::now().as_millis();
    let started_ms = telemetry::started_ms().unwrap_or(now_ms);
    Ok(json_response(200, &Liveness::at(now_ms, started_ms))?)
}

/// Readiness: the database answers a query.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/health/database",
    tag = "health",
    responses(
        (status = 200, description = "The database answers a query",
            body = crate::db::report::DatabaseReport,
            headers(("cache-control" = String, description = "`no-store`"))),
        (status = 503, description = "The database does not answer (or is not migrated); `database.error` says why in a few words",
            body = crate::db::report::DatabaseReport,
            headers(("cache-control" = String, description = "`no-store`"))),
    ),
))]
pub async fn database(env: &Env, usage: &mut Usage) -> Result<Response, ApiError> {
    let started_ms = Date::now().as_millis();
    let answered = db::ping(env).await;
    let latency_ms = Date::now().as_millis().saturating_sub(started_ms);
    // A failed query still took its time, and cost nothing D1 reported.
    usage.record(
        latency_ms as f64,
        answered.as_ref().ok().cloned().unwrap_or_default(),
    );
    answered?;
    Ok(json_response(200, &DatabaseReport::connected(latency_ms))?)
}
