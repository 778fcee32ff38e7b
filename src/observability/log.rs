//! Structured JSON log lines: one per request, and one per run of a cron job.

use serde::Serialize;

use crate::db::usage::Usage;
use crate::error::ApiError;

/// What is logged about a request. A 5xx carries its cause here and nowhere else.
#[derive(Debug, Serialize)]
pub struct RequestLog<'a> {
    pub level: &'static str,
    pub request_id: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    pub duration_ms: u64,
    /// The id of the API key used (`npm run keys -- list`), never the key itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<i64>,
    /// What the request's D1 queries cost, when it made any.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "d1_entry")]
    pub d1: Option<&'a Usage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
}

/// `"d1": {"round_trips": 2, "wait_ms": 3, "rows_read": 101, ...}`.
fn d1_entry<S: serde::Serializer>(
    usage: &Option<&Usage>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Entry<'a> {
        round_trips: usize,
        wait_ms: f64,
        rows_read: u64,
        rows_written: u64,
        sql_ms: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        served_by_region: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        served_by_primary: Option<bool>,
    }
    usage
        .map(|usage| Entry {
            round_trips: usage.round_trips.len(),
            wait_ms: usage.wait_ms(),
            rows_read: usage.rows_read,
            rows_written: usage.rows_written,
            sql_ms: usage.sql_ms,
            served_by_region: usage.served_by_region.as_deref(),
            served_by_primary: usage.served_by_primary,
        })
        .serialize(serializer)
}

impl RequestLog<'_> {
    pub fn level_for(status: u16) -> &'static str {
        match status {
            500.. => "error",
            400..=499 => "warn",
            _ => "info",
        }
    }

    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What is logged about a run of a cron job.
#[derive(Debug, Serialize)]
pub struct JobLog<'a> {
    pub level: &'static str,
    pub job: &'a str,
    pub cron: &'a str,
    /// How many things the job removed or changed.
    pub affected: usize,
    pub duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
}

impl<'a> JobLog<'a> {
    /// The line of a run that ended with `outcome` (how many things it removed, or why it
    /// failed).
    pub fn of(
        job: &'a str,
        cron: &'a str,
        outcome: &'a Result<usize, ApiError>,
        duration_ms: u64,
    ) -> Self {
        Self {
            level: if outcome.is_ok() { "info" } else { "error" },
            job,
            cron,
            affected: outcome.as_ref().copied().unwrap_or_default(),
            duration_ms,
            error: outcome.as_ref().err().and_then(ApiError::log_cause),
        }
    }

    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
