//! The body of the database health check (`GET /health/database`): the healthy answer,
//! and the `503` an unreachable database is (`ApiError::DatabaseUnhealthy`).

use serde::Serialize;

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
