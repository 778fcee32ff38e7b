//! RecWay Edge: the RecWay v1 road-segment API as a Cloudflare Worker on D1.
//!
//! This file holds only the runtime's entry points. `app` runs every request through
//! the same pipeline and `router` says what each path serves; each feature owns its
//! folder (`segments/`, `idempotency/`, `access/`, `observability/`, ...), on top of the
//! shared transport (`http/`), validation (`validation/`) and D1 session (`db/`).

mod access;
mod app;
mod changes;
mod config;
mod cors;
mod db;
mod error;
mod http;
mod idempotency;
mod map;
mod observability;
mod ogc;
#[cfg(test)]
mod openapi;
mod rate_limit;
mod request_bounds;
mod router;
mod segments;
#[cfg(test)]
mod testing;
mod validation;

use worker::worker_sys::web_sys;
use worker::{event, Context, Env, Response, Result, ScheduleContext, ScheduledEvent};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
    if let Err(error) = http::panic::prepare_answer() {
        worker::console_error!("no answer prepared for a panic: {error}");
    }
}

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, _ctx: Context) -> Result<Response> {
    app::handle(req, env).await
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    idempotency::purge::run(&env, &event.cron()).await;
    changes::purge::run(&env, &event.cron()).await;
}
