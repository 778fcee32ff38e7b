//! RecWay Edge: the RecWay v1 road-segment API as a Cloudflare Worker on D1.
//!
//! This file is only the entry point and its wiring; see `routes/` (handlers), `domain/`
//! (types and rules), `db/` (SQL) and `error.rs` (failures and their responses).

mod db;
mod domain;
mod error;
mod http;
mod jobs;
mod log;
#[cfg(test)]
mod openapi;
mod routes;

use worker::{
    console_log, event, Context, Date, Env, Request, Response, Result, ScheduleContext,
    ScheduledEvent,
};

use crate::log::RequestLog;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let received_ms = Date::now().as_millis();
    routes::mark_isolate_start(received_ms);
    let request_id = http::request_id(req.headers().get("x-request-id")?.as_deref());
    let method = req.method();
    let path = req.path();

    let handled = routes::dispatch(req, &env).await;
    let (response, error) = match handled.result {
        Ok(response) => (response, None),
        Err(error) => (error.to_response()?, Some(error)),
    };
    let cache_control = routes::cache_control(&path);
    let response = http::finish(
        response,
        &request_id,
        cache_control,
        handled.bookmark.as_deref(),
    )?;

    let status = response.status_code();
    let entry = RequestLog {
        level: RequestLog::level_for(status),
        request_id: &request_id,
        method: method.as_ref(),
        path: &path,
        status,
        duration_ms: Date::now().as_millis().saturating_sub(received_ms),
        error: error.as_ref().and_then(|error| error.log_cause()),
    };
    console_log!("{}", entry.to_line());
    Ok(response)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    jobs::purge_idempotency_keys(&env, &event.cron()).await;
}
