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
        d1: None,
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

#[test]
fn a_job_s_line_says_how_many_it_removed_or_logs_why_it_failed() {
    let done = Ok(3);
    let failed = Err(ApiError::Internal("D1_ERROR: no such table".into()));

    let done = JobLog::of("purge", "17 * * * *", &done, 5);
    let failed = JobLog::of("purge", "17 * * * *", &failed, 5);

    assert_eq!((done.level, done.affected, done.error), ("info", 3, None));
    assert_eq!(
        (failed.level, failed.affected, failed.error),
        ("error", 0, Some("D1_ERROR: no such table"))
    );
}

#[test]
fn a_request_that_reached_d1_logs_what_it_cost() {
    let usage = Usage {
        round_trips: vec![2.0, 1.5],
        rows_read: 101,
        rows_written: 0,
        sql_ms: 0.25,
        served_by_region: Some("ENAM".to_owned()),
        served_by_primary: Some(true),
    };
    let log = RequestLog {
        level: "info",
        request_id: "r-1",
        method: "GET",
        path: "/api/v1/segmentos",
        status: 200,
        duration_ms: 4,
        key_id: None,
        d1: Some(&usage),
        error: None,
    };
    let logged: Value = serde_json::from_str(&log.to_line()).unwrap();

    assert_eq!(
        logged["d1"],
        json!({
            "round_trips": 2, "wait_ms": 3.5, "rows_read": 101, "rows_written": 0,
            "sql_ms": 0.25, "served_by_region": "ENAM", "served_by_primary": true
        })
    );
}
