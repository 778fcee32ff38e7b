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
