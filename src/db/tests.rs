use super::*;

#[test]
fn a_check_violation_is_a_422_on_the_body() {
    let error = classify_failure(
        "D1_ERROR: CHECK constraint failed: latitud BETWEEN -90 AND 90: SQLITE_CONSTRAINT",
    );

    assert_eq!(
        error,
        ApiError::Validation(vec![FieldError::body(ErrorKind::value_error(NOT_ALLOWED))])
    );
}

#[test]
fn a_not_null_violation_names_the_column() {
    let error = classify_failure(
        "D1_ERROR: NOT NULL constraint failed: segmentos.nombre: SQLITE_CONSTRAINT",
    );

    assert_eq!(
        error,
        ApiError::Validation(vec![FieldError::body_field(
            "nombre",
            ErrorKind::value_error(NOT_ALLOWED)
        )])
    );
}

#[test]
fn any_other_database_failure_is_internal() {
    let error = classify_failure("D1_ERROR: no such table: segmentos: SQLITE_ERROR");

    assert_eq!(
        error,
        ApiError::Internal("D1_ERROR: no such table: segmentos: SQLITE_ERROR".into())
    );
}

#[test]
fn an_overloaded_database_is_busy_not_broken() {
    let message = "D1_ERROR: D1 DB is overloaded. Too many requests queued.";

    assert_eq!(
        classify_failure(message),
        ApiError::DatabaseBusy(message.into())
    );
}

#[test]
fn the_failures_d1_documents_as_retryable_are_transient() {
    for message in [
        "D1_ERROR: Network connection lost.",
        "D1_ERROR: Internal error in D1 DB storage caused object to be reset.",
        "D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.",
        "D1_ERROR: D1 DB reset because its code was updated.",
        "D1_ERROR: Cannot resolve D1 DB due to transient issue on remote node.",
        "D1_ERROR: Can't read from request stream because client disconnected.",
    ] {
        assert!(is_transient(message), "{message}");
    }
}

#[test]
fn overload_limits_and_sql_errors_are_not_retried() {
    for message in [
        "D1_ERROR: D1 DB is overloaded. Requests queued for too long.",
        "D1_ERROR: D1 DB is overloaded. Too many requests queued.",
        "D1_ERROR: D1 DB's isolate exceeded its memory limit and was reset.",
        "D1_ERROR: D1 DB exceeded its CPU time limit and was reset.",
        "D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset.",
        "D1_ERROR: UNIQUE constraint failed: idempotency_keys.idempotency_key: SQLITE_CONSTRAINT",
        "D1_ERROR: no such table: segmentos: SQLITE_ERROR",
    ] {
        assert!(!is_transient(message), "{message}");
    }
}

#[test]
fn backoff_grows_exponentially_up_to_its_cap() {
    let longest = |attempt| backoff(attempt, 1.0).as_millis();

    assert_eq!(
        [1, 2, 3, 4, 5, 6, 30].map(longest),
        [25, 50, 100, 200, 400, 500, 500]
    );
}

#[test]
fn backoff_is_a_uniform_draw_below_its_ceiling() {
    assert_eq!(backoff(3, 0.0), Duration::ZERO);
    assert_eq!(backoff(3, 0.5), Duration::from_millis(50));
    assert!((0..100)
        .map(|_| random_unit())
        .all(|unit| (0.0..1.0).contains(&unit)));
}

#[test]
fn a_missing_table_is_reported_as_unmigrated() {
    assert_eq!(
        unhealthy_reason("D1_ERROR: no such table: segmentos: SQLITE_ERROR"),
        "schema missing: migrations not applied"
    );
}

#[test]
fn other_health_failures_are_a_failed_query() {
    assert_eq!(
        unhealthy_reason("D1_ERROR: Network connection lost."),
        "query failed"
    );
}
