//! Every way a request can fail, and the one place where a failure becomes a response.

use serde::Serialize;

use crate::db::report::DatabaseReport;
use crate::http;
use crate::validation::FieldError;

/// An API failure. Each variant documents its HTTP status; the body is FastAPI's shape.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 422 Unprocessable Content: the request's input is invalid; lists every problem.
    Validation(Vec<FieldError>),
    /// 400 Bad Request: OGC API Features' answer to what the v1 API answers with a `422`
    /// (an undeclared or invalid query parameter, /req/core/query-param-unknown and
    /// -invalid; an invalid body or header); OGC's exception shape (`code`,
    /// `description`), with every problem listed in `detail` as a `422` lists them. The
    /// pipeline turns a `Validation` on an OGC route into this.
    BadRequest(Vec<FieldError>),
    /// 401 Unauthorized (no key, or not a valid one) or 403 Forbidden (the key lacks the
    /// scope): `status`, the RFC 6750 `challenge` sent as `WWW-Authenticate`, and the
    /// `detail` (`access::keys::Denial` says which).
    Denied {
        status: u16,
        // Boxed: a `String` is a word longer, and every `Result` in the worker carries
        // the size of the largest variant.
        challenge: Box<str>,
        detail: Box<str>,
    },
    /// 403 Forbidden: a CORS preflight from an origin not on `CORS_ALLOWED_ORIGINS`.
    OriginNotAllowed,
    /// 429 Too Many Requests: the caller (its key, or its IP without one) is over the
    /// configured rate; retry after `Retry-After` seconds.
    RateLimited,
    /// 404 Not Found: no segment has this id.
    SegmentNotFound(i64),
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
    /// current version; nothing was written. `etag` is the current one, sent as `ETag`
    /// (none when an OGC item named by `If-Match` does not exist).
    PreconditionFailed { etag: Option<String> },
    /// 410 Gone: what the request asks for is no longer kept (the changes feed purged
    /// deletes after its token); `detail` says what to do, and `start` is where to begin
    /// again, in the body and as `Link: rel="first"`.
    Gone {
        detail: &'static str,
        start: &'static str,
    },
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
    Exception(Exception<'a>),
    Gone(GoneBody),
}

/// A `410` of the changes feed: what went wrong, and where a full resync starts.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct GoneBody {
    detail: &'static str,
    /// The feed from its beginning (no `since`): every segment as it is now.
    start: &'static str,
}

/// OGC API's exception (its `exception.yaml`), with the problems as a `422` has them.
#[derive(Debug, Serialize)]
pub struct Exception<'a> {
    code: &'static str,
    description: &'static str,
    detail: &'a [FieldError],
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
            Self::BadRequest(_) => 400,
            Self::Denied { status, .. } => *status,
            Self::OriginNotAllowed => 403,
            Self::RateLimited => 429,
            Self::SegmentNotFound(_) | Self::RouteNotFound => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::PayloadTooLarge { .. } => 413,
            Self::IdempotencyKeyInFlight => 409,
            Self::PreconditionFailed { .. } => 412,
            Self::Gone { .. } => 410,
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
            Self::BadRequest(errors) => {
                return ErrorBody::Exception(if errors.iter().all(FieldError::in_query) {
                    Exception {
                        code: "InvalidParameterValue",
                        description: "A query parameter is not one this resource takes, or \
                            its value is invalid; detail lists each",
                        detail: errors,
                    }
                } else {
                    Exception {
                        code: "InvalidRequest",
                        description: "The request is invalid; detail lists each problem, \
                            located in the body, a header or the query",
                        detail: errors,
                    }
                })
            }
            Self::DatabaseUnhealthy { reason, .. } => {
                return ErrorBody::Health(DatabaseReport::disconnected(reason))
            }
            Self::Gone { detail, start } => return ErrorBody::Gone(GoneBody { detail, start }),
            Self::Denied { detail, .. } => detail.to_string(),
            Self::OriginNotAllowed => "Origin not allowed".to_owned(),
            Self::RateLimited => "Too Many Requests: retry later".to_owned(),
            Self::SegmentNotFound(id) => format!("Segmento {id} not found"),
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
    /// for a 409, 429 or 503 worth retrying, the current `ETag` for a 412, the feed's
    /// start as `Link` for a 410).
    pub fn to_response(&self) -> worker::Result<worker::Response> {
        let mut response = http::json_response(self.status(), &self.body())?;
        let headers = response.headers_mut();
        match self {
            Self::Denied { challenge, .. } => headers.set("www-authenticate", challenge)?,
            Self::MethodNotAllowed { allow } => headers.set("allow", allow)?,
            // The rate-limit binding does not say when its window ends; its longest
            // period is 60 s, so waiting that long always clears it.
            Self::RateLimited => headers.set("retry-after", "60")?,
            Self::IdempotencyKeyInFlight | Self::DatabaseBusy(_) => {
                headers.set("retry-after", "1")?
            }
            Self::PreconditionFailed { etag: Some(etag) } => headers.set("etag", etag)?,
            Self::Gone { start, .. } => {
                headers.set("link", &format!("<{start}>; rel=\"first\""))?
            }
            _ => {}
        }
        Ok(response)
    }

    /// The error as OGC API Features answers it: invalid input is its `400`, every other
    /// error is the same as in the v1 API.
    pub fn in_ogc(self) -> Self {
        match self {
            Self::Validation(problems) => Self::BadRequest(problems),
            other => other,
        }
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

/// A response that cannot be serialized is ours (clients' JSON is read by
/// `validation::input`, which locates its problems).
impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        Self::Internal(error.to_string())
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
mod tests;
