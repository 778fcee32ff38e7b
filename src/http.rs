//! HTTP plumbing every route shares: request ids, JSON bodies in and out, common headers.

use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Headers, Request, Response, ResponseBuilder};

use crate::domain::input::parse_json;
use crate::error::ApiError;

/// Largest body a single-segment write may carry.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The caller's `X-Request-ID` when it is safe to echo and log, else a fresh one.
pub fn request_id(from_caller: Option<&str>) -> String {
    match from_caller {
        Some(id) if is_acceptable_request_id(id) => id.to_owned(),
        _ => new_request_id(),
    }
}

/// 1 to 128 characters of `[A-Za-z0-9._-]`: nothing that could forge a log line or header.
fn is_acceptable_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
}

/// A random UUID (version 4) from the platform's CSPRNG.
fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    // crypto.getRandomValues does not fail for 16 bytes; should it ever, an all-zero
    // id still makes a valid (if unhelpful) correlation id rather than a failed request.
    let _ = getrandom::fill(&mut bytes);
    format_uuid_v4(bytes)
}

fn format_uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

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
    let bytes = serde_json::to_vec(body)?;
    let headers = Headers::new();
    headers.set("content-type", media_type)?;
    Ok(ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .fixed(bytes))
}

/// A response with a status and no body.
pub fn empty_response(status: u16) -> Response {
    ResponseBuilder::new().with_status(status).empty()
}

/// Headers every response carries, and the route's `Cache-Control` if it has one. (The
/// runtime drops the body of an answer to `HEAD`, as HTTP requires.)
pub fn finish(
    mut response: Response,
    request_id: &str,
    cache_control: Option<&str>,
) -> worker::Result<Response> {
    let headers = response.headers_mut();
    headers.set("x-request-id", request_id)?;
    headers.set("x-content-type-options", "nosniff")?;
    if let Some(cache_control) = cache_control {
        headers.set("cache-control", cache_control)?;
    }
    Ok(response)
}

/// Reads a JSON body into a DTO: `415` unless it is declared as JSON, `413` past
/// [`MAX_BODY_BYTES`], `422` when it is not a JSON object.
pub async fn json_body<T: DeserializeOwned>(req: &mut Request) -> Result<T, ApiError> {
    let headers = req.headers();
    if !is_json_media_type(headers.get("content-type")?.as_deref()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let declared_length = headers.get("content-length")?;
    if declared_length.is_some_and(|length| exceeds_limit(&length)) {
        return Err(TOO_LARGE);
    }
    Ok(parse_json(&read_body(req).await?)?)
}

const TOO_LARGE: ApiError = ApiError::PayloadTooLarge {
    limit: MAX_BODY_BYTES,
};

/// The body, read chunk by chunk so that one sent without a length (chunked) is refused
/// as soon as it passes the limit rather than buffered whole.
async fn read_body(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    let mut chunks = req.stream()?;
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(TOO_LARGE);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A declared `Content-Length` over the limit (an unreadable one is left to the body read).
fn exceeds_limit(content_length: &str) -> bool {
    content_length
        .trim()
        .parse::<u64>()
        .is_ok_and(|length| length > MAX_BODY_BYTES as u64)
}

/// `application/json` or any `application/*+json`, parameters ignored. A missing type is
/// accepted because the FastAPI server read such bodies as JSON and old clients rely on it.
fn is_json_media_type(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_caller_request_id_is_kept() {
        assert_eq!(request_id(Some("abc-123_X.y")), "abc-123_X.y");
        let longest = "a".repeat(128);
        assert_eq!(request_id(Some(&longest)), longest);
    }

    #[test]
    fn a_request_id_with_unsafe_characters_is_replaced() {
        for bad in [
            "",
            "with space",
            "new\nline",
            "quote\"",
            "ñ",
            &"a".repeat(129),
        ] {
            assert_ne!(request_id(Some(bad)), bad, "{bad:?}");
        }
    }

    #[test]
    fn a_generated_request_id_is_a_version_4_uuid() {
        let id = format_uuid_v4([0xff; 16]);

        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert!(is_acceptable_request_id(&id));
    }

    #[test]
    fn generated_request_ids_differ() {
        assert_ne!(request_id(None), request_id(None));
    }

    #[test]
    fn json_and_json_suffixed_media_types_are_accepted() {
        for accepted in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/merge-patch+json",
        ] {
            assert!(is_json_media_type(Some(accepted)), "{accepted}");
        }
    }

    #[test]
    fn other_media_types_are_refused() {
        for refused in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp",
            "",
        ] {
            assert!(!is_json_media_type(Some(refused)), "{refused}");
        }
    }

    #[test]
    fn a_missing_media_type_is_read_as_json_like_the_old_server() {
        assert!(is_json_media_type(None));
    }

    #[test]
    fn a_declared_length_over_64_kib_is_too_large() {
        assert!(!exceeds_limit("65536"));
        assert!(exceeds_limit("65537"));
        assert!(!exceeds_limit("not a number"));
    }
}
