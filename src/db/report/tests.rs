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
