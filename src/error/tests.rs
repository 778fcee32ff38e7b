use super::*;
use crate::validation::ErrorKind;
use serde_json::{json, Value};

fn body(error: &ApiError) -> Value {
    serde_json::to_value(error.body()).unwrap()
}

fn invalid(name: &str) -> ApiError {
    ApiError::from(FieldError::query(name, ErrorKind::IntParsing))
}

#[test]
fn a_missing_segment_is_404_with_its_id() {
    let error = ApiError::SegmentNotFound(99999);

    assert_eq!(error.status(), 404);
    assert_eq!(body(&error), json!({"detail": "Segmento 99999 not found"}));
}

#[test]
fn an_unknown_route_is_404_not_found() {
    assert_eq!(
        body(&ApiError::RouteNotFound),
        json!({"detail": "Not Found"})
    );
}

#[test]
fn validation_errors_are_a_422_detail_list() {
    let error = invalid("limit");

    assert_eq!(error.status(), 422);
    assert_eq!(body(&error)["detail"][0]["loc"], json!(["query", "limit"]));
}

#[test]
fn in_the_ogc_api_invalid_parameters_are_a_400_invalid_parameter_value() {
    let error = invalid("limit").in_ogc();

    assert_eq!(error.status(), 400);
    let body = body(&error);
    assert_eq!(body["code"], "InvalidParameterValue");
    assert_eq!(body["detail"][0]["loc"], json!(["query", "limit"]));
}

#[test]
fn in_the_ogc_api_an_invalid_body_or_header_is_a_400_invalid_request_listing_each() {
    let error = ApiError::Validation(vec![
        FieldError::body_field("nombre", ErrorKind::Missing),
        FieldError::header("if-match", ErrorKind::value_error("malformed")),
    ])
    .in_ogc();

    assert_eq!(error.status(), 400);
    let body = body(&error);
    assert_eq!(body["code"], "InvalidRequest");
    assert!(body["description"].is_string());
    assert_eq!(body["detail"][1]["loc"], json!(["header", "if-match"]));
}

#[test]
fn in_the_ogc_api_every_other_error_is_the_v1_api_s() {
    for error in [ApiError::RouteNotFound, ApiError::UnsupportedMediaType] {
        assert_eq!(error.clone().in_ogc(), error);
    }
}

#[test]
fn an_internal_error_hides_its_cause_from_the_client() {
    let error = ApiError::Internal("D1_ERROR: no such table: segmentos".into());

    assert_eq!(error.status(), 500);
    assert_eq!(body(&error), json!({"detail": "Internal Server Error"}));
    assert_eq!(
        error.log_cause(),
        Some("D1_ERROR: no such table: segmentos")
    );
}

#[test]
fn an_unhealthy_database_gives_the_monitor_shape_and_logs_the_cause() {
    let error = ApiError::DatabaseUnhealthy {
        reason: "query failed",
        cause: "D1_ERROR: network lost".into(),
    };

    assert_eq!(error.status(), 503);
    assert_eq!(
        body(&error),
        json!({
            "status": "unhealthy",
            "database": {"status": "disconnected", "error": "query failed"}
        })
    );
    assert_eq!(error.log_cause(), Some("D1_ERROR: network lost"));
}

#[test]
fn a_busy_database_is_a_503_that_hides_and_logs_its_cause() {
    let error = ApiError::DatabaseBusy("D1_ERROR: D1 DB is overloaded.".into());

    assert_eq!(error.status(), 503);
    assert_eq!(
        body(&error),
        json!({"detail": "Service Unavailable: the database is busy; retry later"})
    );
    assert_eq!(error.log_cause(), Some("D1_ERROR: D1 DB is overloaded."));
}

#[test]
fn a_failed_precondition_is_412_and_a_key_in_flight_409() {
    let precondition = ApiError::PreconditionFailed {
        etag: Some("\"1.2\"".into()),
    };

    assert_eq!(precondition.status(), 412);
    assert_eq!(ApiError::IdempotencyKeyInFlight.status(), 409);
    assert!(body(&ApiError::IdempotencyKeyInFlight)["detail"].is_string());
}

#[test]
fn a_denial_answers_its_status_challenge_and_detail() {
    let denied = ApiError::Denied {
        status: 403,
        challenge: "Bearer realm=\"x\"".into(),
        detail: "No".into(),
    };

    assert_eq!(denied.status(), 403);
    assert_eq!(body(&denied), json!({"detail": "No"}));
    assert_eq!(denied.log_cause(), None);
}

#[test]
fn a_rate_limited_request_is_429_and_a_refused_origin_403() {
    assert_eq!(ApiError::RateLimited.status(), 429);
    assert_eq!(ApiError::OriginNotAllowed.status(), 403);
    assert_eq!(
        body(&ApiError::RateLimited),
        json!({"detail": "Too Many Requests: retry later"})
    );
}

#[test]
fn client_errors_log_no_cause() {
    for error in [
        ApiError::RouteNotFound,
        ApiError::UnsupportedMediaType,
        ApiError::IdempotencyKeyInFlight,
        ApiError::PreconditionFailed {
            etag: Some("\"1.1\"".into()),
        },
        ApiError::RateLimited,
        invalid("skip"),
    ] {
        assert_eq!(error.log_cause(), None, "{error:?}");
    }
}

#[test]
fn combining_two_validation_failures_lists_both_in_order() {
    let combined = ApiError::combine::<(), ()>(Err(invalid("a")), Err(invalid("b")));

    let detail = body(&combined.unwrap_err())["detail"].clone();
    assert_eq!(detail[0]["loc"], json!(["query", "a"]));
    assert_eq!(detail[1]["loc"], json!(["query", "b"]));
}

#[test]
fn combining_keeps_a_non_validation_failure_over_validation() {
    let combined =
        ApiError::combine::<(), ()>(Err(invalid("a")), Err(ApiError::UnsupportedMediaType));

    assert_eq!(combined.unwrap_err(), ApiError::UnsupportedMediaType);
}

#[test]
fn combining_two_successes_gives_both_values() {
    assert_eq!(ApiError::combine(Ok(1), Ok("b")).unwrap(), (1, "b"));
}

#[test]
fn one_failure_is_kept_as_it_is() {
    let combined = ApiError::combine::<(), i32>(Err(invalid("a")), Ok(2));

    assert_eq!(combined.unwrap_err(), invalid("a"));
}
