//! Responses and the headers every response carries.

use serde::Serialize;
use worker::js_sys::JsString;
use worker::{Headers, Response, ResponseBuilder};

use super::conditional::TagList;
use super::platform;
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

/// The security headers every response carries unless it sets its own (OWASP's for APIs).
const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    ("content-security-policy", API_CONTENT_SECURITY_POLICY),
];

thread_local! {
    /// [`SECURITY_HEADERS`] as `platform::set_missing_headers` takes them, made once per
    /// isolate: a JavaScript string crosses into JavaScript without a copy.
    static SECURITY_HEADER_PAIRS: JsString =
        JsString::from(platform::header_pairs(SECURITY_HEADERS));
}

/// Sets the security headers `headers` does not set itself.
pub fn secure(headers: &worker::web_sys::Headers) {
    SECURITY_HEADER_PAIRS.with(|pairs| platform::set_missing_headers(headers, pairs));
}

/// Headers every response carries: the request id, the security headers, `Server-Timing`,
/// and those of [`Finish`]; in two calls to JavaScript. (The runtime drops the body of an
/// answer to `HEAD`, as HTTP requires.)
pub fn finish(mut response: Response, with: &Finish<'_>) -> worker::Result<Response> {
    let headers = &response.headers_mut().0;
    secure(headers);
    let mut own = vec![
        ("x-request-id", with.request_id),
        ("server-timing", with.server_timing),
    ];
    own.extend(with.cache_control.map(|value| ("cache-control", value)));
    own.extend(with.bookmark.map(|value| (BOOKMARK_HEADER, value)));
    platform::set_headers(headers, &platform::header_pairs(own));
    Ok(response)
}
