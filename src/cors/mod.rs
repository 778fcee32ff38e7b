//! CORS: preflight answers, and the headers that let an allowed origin read a response.

use worker::{Headers, Response, ResponseBuilder};

pub mod origins;

use crate::error::ApiError;
use crate::http::Incoming;
use origins::{
    AllowedOrigins, ALLOWED_REQUEST_HEADERS, EXPOSED_RESPONSE_HEADERS, PREFLIGHT_MAX_AGE_SECONDS,
};

/// `OPTIONS` on a route, answered with `status` (the route's API's). A preflight (it names
/// `Access-Control-Request-Method`) from an allowed origin allows the route's methods and
/// the API's request headers; from any other origin it is a `403`. A plain `OPTIONS`
/// gets `Allow`.
pub fn preflight(
    req: &Incoming,
    allow: &'static str,
    status: u16,
    origins: &AllowedOrigins,
) -> Result<Response, ApiError> {
    if !is_preflight(req)? {
        return allowed(allow, status);
    }
    let headers = Headers::new();
    let origin = req.raw_header("origin")?.unwrap_or_default();
    if !origins.allows(&origin) {
        return Err(ApiError::OriginNotAllowed);
    }
    headers.set("access-control-allow-origin", &origin)?;
    headers.set("access-control-allow-methods", allow)?;
    headers.set("access-control-allow-headers", ALLOWED_REQUEST_HEADERS)?;
    headers.set("access-control-max-age", PREFLIGHT_MAX_AGE_SECONDS)?;
    headers.set("vary", "Origin")?;
    Ok(empty(status, headers))
}

/// Whether an `OPTIONS` is a CORS preflight: it names `Access-Control-Request-Method`.
pub fn is_preflight(req: &Incoming) -> Result<bool, ApiError> {
    Ok(req.raw_header("access-control-request-method")?.is_some())
}

/// The answer to a plain `OPTIONS`: the methods, in `Allow`.
pub fn allowed(allow: &'static str, status: u16) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("allow", allow)?;
    Ok(empty(status, headers))
}

fn empty(status: u16, headers: Headers) -> Response {
    ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .empty()
}

/// Lets an allowed origin read the response and the API's headers. With any origin
/// allowed at all, the response varies by `Origin`, so caches keep them apart.
pub fn expose(
    response: &mut Response,
    origin: Option<&str>,
    origins: &AllowedOrigins,
) -> worker::Result<()> {
    if origins.is_empty() {
        return Ok(());
    }
    let headers = response.headers_mut();
    if headers.get("access-control-allow-origin")?.is_none() {
        if let Some(origin) = origin.filter(|origin| origins.allows(origin)) {
            headers.set("access-control-allow-origin", origin)?;
            headers.set("access-control-expose-headers", EXPOSED_RESPONSE_HEADERS)?;
        }
    }
    match headers.get("vary")? {
        Some(vary)
            if vary
                .split(',')
                .any(|v| v.trim().eq_ignore_ascii_case("origin")) => {}
        Some(vary) => headers.set("vary", &format!("{vary}, Origin"))?,
        None => headers.set("vary", "Origin")?,
    }
    Ok(())
}
