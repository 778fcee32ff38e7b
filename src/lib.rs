//! RecWay Edge: the RecWay v1 road-segment API as a Cloudflare Worker on D1.
//!
//! This file is only the entry point and its wiring; see `routes/` (handlers), `domain/`
//! (types and rules), `db/` (SQL) and `error.rs` (failures and their responses).

mod config;
mod db;
mod domain;
mod error;
mod http;
mod jobs;
mod log;
#[cfg(test)]
mod openapi;
mod routes;
mod telemetry;

use worker::worker_sys::web_sys;
use worker::{
    console_log, event, Context, Date, Env, Response, Result, ScheduleContext, ScheduledEvent,
};

use crate::config::Config;
use crate::domain::metrics::server_timing;
use crate::error::ApiError;
use crate::log::RequestLog;
use crate::routes::{cors, Handled};
use crate::telemetry::Served;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, _ctx: Context) -> Result<Response> {
    let received_ms = Date::now().as_millis();
    telemetry::mark_start(received_ms);
    let req = http::Incoming::new(req);
    let request_id = http::request_id(req.raw_header("x-request-id")?.as_deref());
    let method = req.method().to_owned();
    let path = req.path().to_owned();
    let origin = req.raw_header("origin")?;
    // Only the analytics data point needs the colo (see `http::Incoming`).
    let colo = telemetry::writes_analytics(&env)
        .then(|| req.colo())
        .flatten();

    let config = Config::from_env(&env);
    let handled = match &config {
        Ok(config) => {
            if let Some(notice) = config.notice() {
                telemetry::notice_once(notice);
            }
            routes::dispatch(req, &env, config).await
        }
        Err(problem) => Handled::failed(ApiError::Internal(problem.clone())),
    };
    let (response, error) = match handled.result {
        Ok(response) => (response, None),
        Err(error) => (error.to_response()?, Some(error)),
    };
    let duration_ms = Date::now().as_millis().saturating_sub(received_ms);
    let mut response = http::finish(
        response,
        &http::Finish {
            request_id: &request_id,
            cache_control: routes::cache_control(&path),
            bookmark: handled.bookmark.as_deref(),
            server_timing: &server_timing(&handled.d1_round_trips, duration_ms as f64),
        },
    )?;
    if let Ok(config) = &config {
        cors::expose(&mut response, origin.as_deref(), &config.cors)?;
    }

    let status = response.status_code();
    telemetry::record(
        &env,
        &Served {
            route: handled.route,
            method: http::method_label(&method),
            status,
            duration_ms: duration_ms as f64,
            d1_round_trips: &handled.d1_round_trips,
            colo: colo.as_deref(),
        },
    );
    let entry = RequestLog {
        level: RequestLog::level_for(status),
        request_id: &request_id,
        method: &method,
        path: &path,
        status,
        duration_ms,
        key_id: handled.key_id,
        error: error.as_ref().and_then(|error| error.log_cause()),
    };
    console_log!("{}", entry.to_line());
    Ok(response)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    jobs::purge_idempotency_keys(&env, &event.cron()).await;
}
