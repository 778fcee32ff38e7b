//! Responses and the headers every response carries.

use serde::Serialize;
use worker::{Headers, Response, ResponseBuilder};

use super::conditional::TagList;
use crate::db::bookmark::BOOKMARK_HEADER;

/// A JSON response with the given status.
pub fn json_response<T: Serialize + ?Sized>(status: u16, body: &T) -> worker::Result<Response> {
    json_response_as(status, body, "application/json")
}

/// A JSON body of another JSON media type (`application/geo+json`).
pub fn json_response_as<T: Serialize + ?Sized>(
    status: u16,
    body: &T,
    media_type: &str,
) -> worker::Result<Response> {
    bytes_response(status, serde_json::to_vec(body)?, media_type)
}

/// A response with a body already serialized.
pub fn bytes_response(status: u16, body: Vec<u8>, media_type: &str) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", media_type)?;
    Ok(ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .fixed(body))
}

/// Gives a `GET` response its `ETag`, or answers `304 Not Modified` (with the same
/// `ETag` and `Vary`, and no body) when the client's `If-None-Match` names it. A
/// malformed `If-None-Match` is ignored: the full response is always a correct answer.
pub fn conditional_get(
    mut response: Response,
    etag: &str,
    if_none_match: Option<&str>,
) -> worker::Result<Response> {
    let unchanged = if_none_match
        .and_then(|raw| TagList::parse(raw).ok())
        .is_some_and(|tags| tags.matches_weakly(etag));
    if unchanged {
        let vary = response.headers().get("vary")?;
        response = empty_response(304);
        if let Some(vary) = vary {
            response.headers_mut().set("vary", &vary)?;
        }
    }
    response.headers_mut().set("etag", etag)?;
    Ok(response)
}

/// A response with a status and no body.
pub fn empty_response(status: u16) -> Response {
    ResponseBuilder::new().with_status(status).empty()
}

/// The `Content-Security-Policy` of every response that does not set its own: API
/// responses are data, never documents that may run or embed anything.
const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// What [`finish`] adds to a response beyond the security headers.
pub struct Finish<'a> {
    pub request_id: &'a str,
    /// The route's `Cache-Control`, whatever the status.
    pub cache_control: Option<&'a str>,
    /// The D1 session's bookmark, if the request had a session.
    pub bookmark: Option<&'a str>,
    pub server_timing: &'a str,
}

/// Headers every response carries: the request id, the security headers (OWASP's for
/// APIs), `Server-Timing`, and those of [`Finish`]. (The runtime drops the body of an
/// answer to `HEAD`, as HTTP requires.)
pub fn finish(mut response: Response, with: &Finish<'_>) -> worker::Result<Response> {
    let headers = response.headers_mut();
    headers.set("x-request-id", with.request_id)?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("x-frame-options", "DENY")?;
    headers.set("referrer-policy", "no-referrer")?;
    headers.set(
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    )?;
    if headers.get("content-security-policy")?.is_none() {
        headers.set("content-security-policy", API_CONTENT_SECURITY_POLICY)?;
    }
    headers.set("server-timing", with.server_timing)?;
    if let Some(cache_control) = with.cache_control {
        headers.set("cache-control", cache_control)?;
    }
    if let Some(bookmark) = with.bookmark {
        headers.set(BOOKMARK_HEADER, bookmark)?;
    }
    Ok(response)
}
