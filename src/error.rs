//! Every way a request can fail, and the one place where a failure becomes a response.

use serde::Serialize;

use crate::domain::access::Denial;
use crate::domain::health::DatabaseReport;
use crate::domain::FieldError;
use crate::http;

/// An API failure. Each variant documents its HTTP status; the body is FastAPI's shape.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 422 Unprocessable Content: the request's input is invalid; lists every problem.
    Validation(Vec<FieldError>),
    /// 401 Unauthorized (no key, or not a valid one) or 403 Forbidden (the key lacks the
    /// scope), with the matching `WWW-Authenticate: Bearer` challenge.
    Denied(Denial),
    /// 403 Forbidden: a CORS preflight from an origin not on `CORS_ALLOWED_ORIGINS`.
    OriginNotAllowed,
    /// 429 Too Many Requests: the caller (its key, or its IP without one) is over the
    /// configured rate; retry after `Retry-After` seconds.
    RateLimited,
    /// 404 Not Found: no segment has this id.
    SegmentoNotFound(i64),
    /// 404 Not Found: no route has this path.
    RouteNotFound,
    /// 405 Method Not Allowed: the path exists; `allow` lists the methods it takes.
    MethodNotAllowed { allow: &'static str },
    /// 413 Content Too Large: the body is over `limit` bytes.
    PayloadTooLarge { limit: usize },
    /// 409 Conflict: the first request with this `Idempotency-Key` is still running;
    /// retry after `Retry-After` seconds.
    IdempotencyKeyInFlight,
    /// 412 Precondition Failed: `If-Match` / `If-None-Match` do not hold for the segment's
    /// current version; nothing was written. `etag` is the current one, sent as `ETag`.
    PreconditionFailed { etag: String },
    /// 415 Unsupported Media Type: a write whose body is not declared as JSON.
    UnsupportedMediaType,
    /// 500 Internal Server Error: a bug or platform failure. The cause goes to the log,
    /// never to the client.
    Internal(String),
    /// 503 Service Unavailable: D1 is overloaded; retry after `Retry-After` seconds. The
    /// cause goes to the log.
    DatabaseBusy(String),
    /// 503 Service Unavailable: the database health check failed. `reason` is a short,
    /// safe summary for monitors; `cause` goes to the log.
    DatabaseUnhealthy { reason: &'static str, cause: String },
}

/// The body of an error response.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ErrorBody<'a> {
    Message(ErrorMessage),
    Fields(ValidationErrors<'a>),
    Health(DatabaseReport<'a>),
}

/// Every error but a `422` (and the health check's `503`): one sentence.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct ErrorMessage {
    /// What went wrong, for people; never internals.
    detail: String,
}

/// A `422`: every problem with the request's input, in FastAPI's (pydantic v2) shape.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct ValidationErrors<'a> {
    detail: &'a [FieldError],
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            Self::Validation(_) => 422,
            Self::Denied(denial) => denial.status(),
            Self::OriginNotAllowed => 403,
            Self::RateLimited => 429,
            Self::SegmentoNotFound(_) | Self::RouteNotFound => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::PayloadTooLarge { .. } => 413,
            Self::IdempotencyKeyInFlight => 409,
            Self::PreconditionFailed { .. } => 412,
            Self::UnsupportedMediaType => 415,
            Self::Internal(_) => 500,
            Self::DatabaseBusy(_) | Self::DatabaseUnhealthy { .. } => 503,
        }
    }

    /// The JSON body: `{"detail": ...}`, a list for 422 and a sentence otherwise; the
    /// health check's own shape for 503.
    pub fn body(&self) -> ErrorBody<'_> {
        let detail = match self {
            Self::Validation(errors) => {
                return ErrorBody::Fields(ValidationErrors { detail: errors })
            }
            Self::DatabaseUnhealthy { reason, .. } => {
                return ErrorBody::Health(DatabaseReport::disconnected(reason))
            }
            Self::Denied(denial) => denial.detail(),
            Self::OriginNotAllowed => "Origin not allowed".to_owned(),
            Self::RateLimited => "Too Many Requests: retry later".to_owned(),
            Self::SegmentoNotFound(id) => format!("Segmento {id} not found"),
            Self::RouteNotFound => "Not Found".to_owned(),
            Self::MethodNotAllowed { .. } => "Method Not Allowed".to_owned(),
            Self::PayloadTooLarge { limit } => {
                format!("Request body is larger than {limit} bytes")
            }
            Self::IdempotencyKeyInFlight => {
                "A request with this Idempotency-Key is still in progress; retry later".to_owned()
            }
            Self::PreconditionFailed { .. } => {
                "Precondition Failed: the segment is not at the version the request names"
                    .to_owned()
            }
            Self::UnsupportedMediaType => {
                "Unsupported Media Type: send the body as application/json".to_owned()
            }
            Self::Internal(_) => "Internal Server Error".to_owned(),
            Self::DatabaseBusy(_) => {
                "Service Unavailable: the database is busy; retry later".to_owned()
            }
        };
        ErrorBody::Message(ErrorMessage { detail })
    }

    /// What the request log records beyond the status, if anything.
    pub fn log_cause(&self) -> Option<&str> {
        match self {
            Self::Internal(cause)
            | Self::DatabaseBusy(cause)
            | Self::DatabaseUnhealthy { cause, .. } => Some(cause),
            _ => None,
        }
    }

    /// The response for this error: status, body and the headers some statuses carry
    /// (`WWW-Authenticate` for a 401 or 403 of a key, `Allow` for a 405, `Retry-After`
    /// for a 409, 429 or 503 worth retrying, the current `ETag` for a 412).
    pub fn to_response(&self) -> worker::Result<worker::Response> {
        let mut response = http::json_response(self.status(), &self.body())?;
        let headers = response.headers_mut();
        match self {
            Self::Denied(denial) => headers.set("www-authenticate", &denial.challenge())?,
            Self::MethodNotAllowed { allow } => headers.set("allow", allow)?,
            // The rate-limit binding does not say when its window ends; its longest
            // period is 60 s, so waiting that long always clears it.
            Self::RateLimited => headers.set("retry-after", "60")?,
            Self::IdempotencyKeyInFlight | Self::DatabaseBusy(_) => {
                headers.set("retry-after", "1")?
            }
            Self::PreconditionFailed { etag } => headers.set("etag", etag)?,
            _ => {}
        }
        Ok(response)
    }

    /// Both results' values, or every validation problem of both in order; any other
    /// error wins over validation problems.
    pub fn combine<A, B>(
        first: Result<A, ApiError>,
        second: Result<B, ApiError>,
    ) -> Result<(A, B), ApiError> {
        match (first, second) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (Err(Self::Validation(mut errors)), Err(Self::Validation(more))) => {
                errors.extend(more);
                Err(Self::Validation(errors))
            }
            // Anything else (an unreadable body, a platform failure) outranks bad input.
            (Err(Self::Validation(_)), Err(other)) => Err(other),
            (Err(error), _) | (_, Err(error)) => Err(error),
        }
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Validation(errors)
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::Validation(vec![error])
    }
}

/// Platform failures (bindings, JS exceptions) are ours, never the client's.
impl From<worker::Error> for ApiError {
    fn from(error: worker::Error) -> Self {
        Self::Internal(platform_message(&error))
    }
}

/// The message of a workers-rs error. D1's is read from the JS error itself: workers-rs'
/// `Display` for `D1Error` panics when the error has no string `cause`, as D1's do not.
pub fn platform_message(error: &worker::Error) -> String {
    match error {
        worker::Error::D1(d1) => {
            let js_error: &worker::js_sys::Error = d1.as_ref();
            String::from(js_error.message())
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ErrorKind;
    use serde_json::{json, Value};

    fn body(error: &ApiError) -> Value {
        serde_json::to_value(error.body()).unwrap()
    }

    fn invalid(name: &str) -> ApiError {
        ApiError::from(FieldError::query(name, ErrorKind::IntParsing))
    }

    #[test]
    fn a_missing_segment_is_404_with_its_id() {
        let error = ApiError::SegmentoNotFound(99999);

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
            etag: "\"1.2\"".into(),
        };

        assert_eq!(precondition.status(), 412);
        assert_eq!(ApiError::IdempotencyKeyInFlight.status(), 409);
        assert!(body(&ApiError::IdempotencyKeyInFlight)["detail"].is_string());
    }

    #[test]
    fn a_missing_or_bad_key_is_401_and_a_missing_scope_403() {
        use crate::domain::access::Scope;

        assert_eq!(ApiError::Denied(Denial::MissingKey).status(), 401);
        assert_eq!(ApiError::Denied(Denial::InvalidKey).status(), 401);
        let forbidden = ApiError::Denied(Denial::InsufficientScope(Scope::Write));
        assert_eq!(forbidden.status(), 403);
        assert_eq!(
            body(&forbidden),
            json!({"detail": "The API key lacks the `write` scope"})
        );
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
                etag: "\"1.1\"".into(),
            },
            ApiError::Denied(Denial::InvalidKey),
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
}
