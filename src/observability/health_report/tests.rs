use super::*;
use serde_json::json;

#[test]
fn liveness_reports_time_uptime_and_the_crate_version() {
    let report = serde_json::to_value(Liveness::at(1_790_000_002_623, 1_790_000_000_123)).unwrap();

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
