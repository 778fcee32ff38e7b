//! Request bodies: declared as JSON, within their size limit, read once.

use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::Incoming;
use crate::error::ApiError;
use crate::validation::input::parse_json;

/// Largest body a single-segment write may carry.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Largest body of a bulk import: room for 1000 segments with every text field at its
/// longest in multi-byte UTF-8 (about 9.8 KB each as JSON).
pub const MAX_BULK_BODY_BYTES: usize = 10 * 1024 * 1024;

/// How a request body is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyType {
    /// `application/json`, any other `application/*+json`, or no type at all.
    Json,
    /// `application/geo+json`.
    GeoJson,
}

/// Reads a JSON body into a DTO: `415` unless it is declared as JSON, `413` past
/// [`MAX_BODY_BYTES`], `422` when it is not a JSON object.
pub async fn json_body<T: DeserializeOwned>(req: &Incoming) -> Result<T, ApiError> {
    let (_, body) = read_body(req, MAX_BODY_BYTES).await?;
    Ok(parse_json(&body)?)
}

/// The raw body of a JSON write and how it is declared: `415` unless it is declared as
/// JSON, `413` past `limit` bytes.
pub async fn read_body(req: &Incoming, limit: usize) -> Result<(BodyType, Vec<u8>), ApiError> {
    let body_type = json_body_type(req.raw_header("content-type")?.as_deref())
        .ok_or(ApiError::UnsupportedMediaType)?;
    let body = match declared(req.raw_header("content-length")?.as_deref(), limit) {
        Declared::TooLarge => return Err(ApiError::PayloadTooLarge { limit }),
        // The runtime frames the body by its length: read it whole, natively, rather than
        // chunk by chunk through wasm (checked again all the same, as it costs nothing).
        Declared::Within => req.whole_body().await?,
        Declared::Unknown => read_chunks(req, limit).await?,
    };
    if body.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok((body_type, body))
}

/// A body sent without a length (chunked), read chunk by chunk so that it is refused as
/// soon as it passes the limit rather than buffered whole.
async fn read_chunks(req: &Incoming, limit: usize) -> Result<Vec<u8>, ApiError> {
    let Some(mut chunks) = req.body() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What a request's `Content-Length` says of its body against a limit.
#[derive(Debug, PartialEq, Eq)]
enum Declared {
    TooLarge,
    Within,
    /// No length, or one that is not a number: the chunked read enforces the limit.
    Unknown,
}

fn declared(content_length: Option<&str>, limit: usize) -> Declared {
    match content_length.and_then(|length| length.trim().parse::<u64>().ok()) {
        Some(length) if length > limit as u64 => Declared::TooLarge,
        Some(_) => Declared::Within,
        None => Declared::Unknown,
    }
}

/// `application/json` or any `application/*+json`, parameters ignored; `None` for any
/// other type. A missing type is JSON because the FastAPI server read such bodies as
/// JSON and old clients rely on it.
fn json_body_type(content_type: Option<&str>) -> Option<BodyType> {
    let Some(content_type) = content_type else {
        return Some(BodyType::Json);
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == crate::segments::geojson::MEDIA_TYPE {
        Some(BodyType::GeoJson)
    } else if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Some(BodyType::Json)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
