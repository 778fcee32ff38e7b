//! Structured JSON log lines: one per request, and one per run of a cron job.

use serde::Serialize;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
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

impl JobLog<'_> {
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn entry(status: u16, error: Option<&str>) -> Value {
        let log = RequestLog {
            level: RequestLog::level_for(status),
            request_id: "r-1",
            method: "GET",
            path: "/health",
            status,
            duration_ms: 3,
            key_id: None,
            error,
        };
        serde_json::from_str(&log.to_line()).unwrap()
    }

    #[test]
    fn a_request_is_logged_as_one_json_object() {
        assert_eq!(
            entry(200, None),
            json!({
                "level": "info", "request_id": "r-1", "method": "GET", "path": "/health",
                "status": 200, "duration_ms": 3
            })
        );
    }

    #[test]
    fn a_server_error_is_logged_with_its_cause() {
        let logged = entry(500, Some("D1_ERROR: disk I/O error"));

        assert_eq!(logged["level"], "error");
        assert_eq!(logged["error"], "D1_ERROR: disk I/O error");
    }

    #[test]
    fn client_errors_are_warnings() {
        assert_eq!(entry(422, None)["level"], "warn");
    }
}
