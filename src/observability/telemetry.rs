//! What the worker reports about itself beyond the request log: this isolate's metrics
//! (`GET /metrics`, served here), one Analytics Engine data point per request when a dataset is bound,
//! and a once-per-isolate notice about risky configuration.

use std::cell::RefCell;
use std::sync::OnceLock;

use worker::{
    console_log, AnalyticsEngineDataPointBuilder, AnalyticsEngineDataset, Date, Env, Headers,
    Response, ResponseBuilder,
};

use super::metrics::Metrics;
use crate::config::{is_bound, optional_binding};
use crate::db::usage::Usage;
use crate::error::ApiError;
use crate::http::random_uuid;

/// The `wrangler.toml` `[[analytics_engine_datasets]]` binding. Unbound, nothing is sent.
const ANALYTICS: &str = "ANALYTICS";

thread_local! {
    // An isolate runs one request at a time on one thread: no lock is needed.
    static METRICS: RefCell<Metrics> = RefCell::default();
}

/// This isolate's id in its metrics, so series of different isolates never merge.
static ISOLATE_ID: OnceLock<String> = OnceLock::new();

/// When this isolate served its first request, in Unix milliseconds.
static STARTED_MS: OnceLock<u64> = OnceLock::new();

/// Whether this isolate has logged its configuration notice.
static NOTICE_LOGGED: OnceLock<()> = OnceLock::new();

/// One served request, as metrics and analytics see it.
pub struct RequestSample<'a> {
    pub route: &'static str,
    pub method: &'static str,
    pub status: u16,
    pub duration_ms: f64,
    pub d1: &'a Usage,
    /// The Cloudflare data centre that served it (`request.cf.colo`).
    pub colo: Option<&'a str>,
}

/// Marks the isolate's start on its first request. (Workers freeze the clock during
/// module start-up, so the first request is the first reliable reading.)
pub fn mark_start(now_ms: u64) {
    STARTED_MS.get_or_init(|| now_ms);
}

/// When this isolate served its first request, once it has.
pub fn started_ms() -> Option<u64> {
    STARTED_MS.get().copied()
}

/// Counts a request in this isolate's metrics and, if a dataset is bound, sends its data
/// point: blobs route, method, status class, colo and D1's region; doubles status,
/// duration and D1 time in milliseconds, D1 round trips, rows read, rows written and D1's
/// SQL time in milliseconds; indexed (sampled) by route. New fields go last, so that
/// existing queries keep their positions.
pub fn record(env: &Env, sample: &RequestSample<'_>) {
    METRICS.with_borrow_mut(|metrics| {
        metrics.record_request(
            sample.route,
            sample.method,
            sample.status,
            sample.duration_ms,
        );
        metrics.record_d1(sample.route, sample.d1);
    });
    let dataset = match optional_binding::<AnalyticsEngineDataset>(env, ANALYTICS) {
        Ok(Some(dataset)) => dataset,
        Ok(None) => return,
        Err(problem) => return warn("analytics dataset binding unusable", &problem),
    };
    let d1 = sample.d1;
    let written = AnalyticsEngineDataPointBuilder::new()
        .indexes([sample.route])
        .add_blob(sample.route)
        .add_blob(sample.method)
        .add_blob(format!("{}xx", sample.status / 100))
        .add_blob(sample.colo.unwrap_or("unknown"))
        .add_blob(d1.served_by_region.as_deref().unwrap_or("unknown"))
        .add_double(sample.status)
        .add_double(sample.duration_ms)
        .add_double(d1.wait_ms())
        .add_double(d1.round_trips.len() as f64)
        .add_double(d1.rows_read as f64)
        .add_double(d1.rows_written as f64)
        .add_double(d1.sql_ms)
        .write_to(&dataset);
    if let Err(error) = written {
        warn("analytics data point not written", &error.to_string());
    }
}

/// Whether requests are written to Analytics Engine, which is what needs their colo.
pub fn writes_analytics(env: &Env) -> bool {
    is_bound(env, ANALYTICS)
}

/// A `warn` line about the worker itself (a degraded binding), apart from request lines.
pub fn warn(notice: &str, error: &str) {
    let line = serde_json::json!({ "level": "warn", "notice": notice, "error": error });
    console_log!("{line}");
}

/// This isolate's metrics in the Prometheus text format.
fn metrics_text() -> String {
    let now_ms = Date::now().as_millis();
    let uptime_s = now_ms.saturating_sub(started_ms().unwrap_or(now_ms)) as f64 / 1000.0;
    let isolate = ISOLATE_ID.get_or_init(random_uuid);
    METRICS.with_borrow(|metrics| metrics.render(isolate, uptime_s))
}

/// Logs `notice` once per isolate: often enough to be seen, never once per request.
pub fn notice_once(notice: &str) {
    if NOTICE_LOGGED.set(()).is_ok() {
        console_log!(
            "{}",
            serde_json::json!({ "level": "warn", "notice": notice })
        );
    }
}

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
        .fixed(metrics_text().into_bytes()))
}
