//! `GET /metrics`: this isolate's request and D1 figures in the Prometheus text format.

use worker::{Headers, Response, ResponseBuilder};

use crate::error::ApiError;
use crate::telemetry;

/// The Prometheus text exposition format's media type.
const MEDIA_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Metrics of the isolate that answers.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/metrics",
    tag = "health",
    responses(
        (status = 200, description = "Request counts by route, method and status, request and D1 \
            latency histograms and uptime, all of the one isolate that answers (each series is \
            labelled with its `isolate`); Workers run many isolates, so this is a sample, not a total",
            content_type = "text/plain", body = String,
            headers(("cache-control" = String, description = "`no-store`"))),
    ),
))]
pub fn exposition() -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("content-type", MEDIA_TYPE)?;
    Ok(ResponseBuilder::new()
        .with_status(200)
        .with_headers(headers)
        .fixed(telemetry::exposition().into_bytes()))
}
