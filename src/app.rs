//! The request pipeline. Every request takes the same path: route, bounds, CORS
//! preflight, method, key, rate limit, scope, then its handler; then the headers every
//! response carries, the metrics and the log line.

use std::future::Future;
use std::pin::Pin;

use worker::worker_sys::web_sys;
use worker::{console_log, Date, Env, Method, Response};

use crate::access::keys::{required_scope, AccessMode, Resource};
use crate::config::Config;
use crate::db::bookmark::{Bookmark, BOOKMARK_HEADER};
use crate::db::usage::Usage;
use crate::db::{Consistency, Database};
use crate::error::ApiError;
use crate::http::{self, Incoming};
use crate::observability::health;
use crate::observability::log::RequestLog;
use crate::observability::metrics::server_timing;
use crate::observability::telemetry::{self, RequestSample};
use crate::router::{self, Api, Endpoint, Matched, UNMATCHED};
use crate::{access, changes, cors, map, ogc, rate_limit, request_bounds, segments};

/// Answers one request. Only a failure to build the error response itself escapes.
pub async fn handle(req: web_sys::Request, env: Env) -> worker::Result<Response> {
    let received_ms = Date::now().as_millis();
    telemetry::mark_start(received_ms);
    let req = Incoming::new(req);
    let request_id = http::request_id(req.raw_header("x-request-id")?.as_deref());
    let method = req.method().to_owned();
    let path = req.path().to_owned();
    let origin = req.raw_header("origin")?;
    // Only the analytics data point needs the colo (see `http::Incoming`).
    let colo = telemetry::writes_analytics(&env)
        .then(|| req.colo())
        .flatten();

    let config = Config::from_env(&env);
    let outcome = match &config {
        Ok(config) => {
            if let Some(notice) = config.notice() {
                telemetry::notice_once(notice);
            }
            dispatch(req, &env, config).await
        }
        Err(problem) => RequestOutcome::failed(ApiError::Internal(problem.clone())),
    };
    let (response, error) = match outcome.result {
        Ok(response) => (response, None),
        Err(error) => (error.to_response()?, Some(error)),
    };
    let duration_ms = Date::now().as_millis().saturating_sub(received_ms);
    let mut response = http::finish(
        response,
        &http::Finish {
            request_id: &request_id,
            cache_control: router::cache_control(&path),
            bookmark: outcome.bookmark.as_deref(),
            server_timing: &server_timing(&outcome.d1, duration_ms as f64),
        },
    )?;
    if let Ok(config) = &config {
        cors::expose(&mut response, origin.as_deref(), &config.cors)?;
    }

    let status = response.status_code();
    telemetry::record(
        &env,
        &RequestSample {
            route: outcome.route,
            method: http::method_label(&method),
            status,
            duration_ms: duration_ms as f64,
            d1: &outcome.d1,
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
        key_id: outcome.key_id,
        d1: (!outcome.d1.round_trips.is_empty()).then_some(&outcome.d1),
        error: error.as_ref().and_then(|error| error.log_cause()),
    };
    console_log!("{}", entry.to_line());
    Ok(response)
}

/// A handler's result, and what the request log, metrics and headers report about it.
struct RequestOutcome {
    result: Result<Response, ApiError>,
    /// The route's metric name ([`UNMATCHED`] for an unknown path).
    route: &'static str,
    /// The bookmark of the request's D1 session, if it had one.
    bookmark: Option<String>,
    /// The request's D1 round trips and what they cost.
    d1: Usage,
    /// The id of the API key the request was made with, never the key.
    key_id: Option<i64>,
}

impl RequestOutcome {
    /// A request that failed before it reached a route.
    fn failed(error: ApiError) -> Self {
        Self {
            result: Err(error),
            route: UNMATCHED,
            bookmark: None,
            d1: Usage::default(),
            key_id: None,
        }
    }
}

/// Routes a request and serves it, keeping what it leaves behind even when it fails.
async fn dispatch(req: Incoming, env: &Env, config: &Config) -> RequestOutcome {
    let Some(matched) = router::resolve(req.path()) else {
        return RequestOutcome::failed(ApiError::RouteNotFound);
    };
    let mut trace = Trace::default();
    let result = serve(matched, &req, env, config, &mut trace).await;
    let result = match matched.route.api {
        Api::V1 => result,
        Api::Features => result.map_err(ApiError::in_ogc),
    };
    let mut d1 = trace.usage;
    if let Some(db) = &trace.db {
        d1.absorb(db.take_usage());
    }
    RequestOutcome {
        result,
        route: matched.route.metric,
        bookmark: trace.db.as_ref().and_then(Database::bookmark),
        d1,
        key_id: trace.key_id,
    }
}

/// What a request leaves behind for its response headers, log line and metrics, even when
/// it fails half-way.
#[derive(Default)]
struct Trace {
    /// The request's D1 session, once opened (for the key lookup or the handler).
    db: Option<Database>,
    /// D1 round trips made outside a session (the health check's).
    usage: Usage,
    key_id: Option<i64>,
}

/// Bounds, CORS preflight, method, key, rate limit and scope, in that order; then the
/// handler. Segment requests run in one D1 session (see [`session`]), which also looks up
/// the API key.
async fn serve(
    matched: Matched<'_>,
    req: &Incoming,
    env: &Env,
    config: &Config,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    let route = matched.route;
    request_bounds::check(req)?;
    let not_allowed = ApiError::MethodNotAllowed { allow: route.allow };
    let Some(method) = http::method(req) else {
        return Err(not_allowed);
    };
    // A plain `OPTIONS` on a feature says what that feature takes, so it asks, as its `GET`
    // would, whether the feature exists; every other `OPTIONS` is the route table's.
    let feature_options =
        method == Method::Options && route.endpoint == Endpoint::Item && !cors::is_preflight(req)?;
    if method == Method::Options && !feature_options {
        return cors::preflight(req, route.allow, route.api.options_status(), &config.cors);
    }
    if !route.allows(method.as_ref()) && !feature_options {
        return Err(not_allowed);
    }
    let reads = matches!(method, Method::Get | Method::Head | Method::Options);
    // Public routes never look at a key: monitors need none, and a bad one must not
    // cost a database query there.
    let authorization = match (config.access, route.resource) {
        (AccessMode::Open, _) | (_, Resource::Public) => None,
        _ => req.raw_header("authorization")?,
    };
    let key = match authorization {
        Some(header) => {
            let db = trace.db.insert(session(req, reads, env)?);
            out_of_line(access::authenticate(&header, db)).await
        }
        None => Ok(None),
    };
    rate_limit::check(env, req, key.as_ref().ok().and_then(Option::as_ref)).await?;
    let key = key?;
    trace.key_id = key.as_ref().map(|key| key.id);
    let needed = required_scope(config.access, route.resource, !reads);
    access::authorize(needed, key.as_ref())?;

    let db = match route.resource {
        Resource::Segments => {
            let db = match trace.db.take() {
                Some(db) => db,
                None => session(req, reads, env)?,
            };
            Some(&*trace.db.insert(db))
        }
        Resource::Public | Resource::Metrics => None,
    };
    let id = matched.id.unwrap_or_default();
    #[cfg(feature = "panic-probe")]
    if req.raw_header("x-recway-panic")?.is_some() {
        panic!("the panic probe (x-recway-panic) was asked for");
    }
    let handler = match (route.endpoint, method, db) {
        (Endpoint::Liveness, ..) => return health::liveness(),
        (Endpoint::Map, ..) => return map::page(env),
        (Endpoint::Metrics, ..) => return telemetry::exposition(),
        (Endpoint::DatabaseHealth, ..) => out_of_line(health::database(env, &mut trace.usage)),
        (Endpoint::Segments, Method::Get | Method::Head, Some(db)) => {
            out_of_line(segments::list::handler::list(req, db))
        }
        (Endpoint::Segments, Method::Post, Some(db)) => out_of_line(segments::create::one(req, db)),
        (Endpoint::BulkImport, Method::Post, Some(db)) => {
            out_of_line(segments::create::bulk(req, db))
        }
        (Endpoint::Changes, _, Some(db)) => out_of_line(changes::handler::changes(req, db)),
        (Endpoint::Segment, Method::Get | Method::Head, Some(db)) => {
            out_of_line(segments::handlers::get(id, req, db))
        }
        (Endpoint::Segment, Method::Put | Method::Patch, Some(db)) => {
            out_of_line(segments::handlers::update(id, req, db))
        }
        (Endpoint::Segment, Method::Delete, Some(db)) => {
            out_of_line(segments::handlers::delete(id, req, db))
        }
        (Endpoint::FeaturesLanding, ..) => return ogc::handlers::landing(req),
        (Endpoint::Conformance, ..) => return ogc::handlers::conformance(req),
        (Endpoint::Collections, _, Some(db)) => out_of_line(ogc::handlers::collections(req, db)),
        (Endpoint::Collection, _, Some(db)) => out_of_line(ogc::handlers::collection(req, db)),
        (Endpoint::Items, Method::Get | Method::Head, Some(db)) => {
            out_of_line(ogc::handlers::items(req, db))
        }
        (Endpoint::Items, Method::Post, Some(db)) => out_of_line(ogc::edit::create(req, db)),
        (Endpoint::Item, Method::Get | Method::Head, Some(db)) => {
            out_of_line(ogc::handlers::read(id, req, db))
        }
        (Endpoint::Item, Method::Options, Some(db)) => {
            out_of_line(ogc::handlers::options(id, route.allow, db))
        }
        (Endpoint::Item, Method::Put, Some(db)) => out_of_line(ogc::edit::replace(id, req, db)),
        (Endpoint::Item, Method::Patch, Some(db)) => out_of_line(ogc::edit::patch(id, req, db)),
        (Endpoint::Item, Method::Delete, Some(db)) => out_of_line(ogc::edit::delete(id, req, db)),
        _ => return Err(not_allowed),
    };
    handler.await
}

/// A future behind a pointer and a vtable, so that its state machine stays a function of
/// its own in the module: V8 compiles it when a request first runs it. Awaited inline, each
/// handler (and the key lookup) would become part of the one function that every cold
/// start compiles whole, whatever the request (docs/performance.md, "Profiling": the cold-start A/B).
fn out_of_line<'a, T>(
    future: impl Future<Output = T> + 'a,
) -> Pin<Box<dyn Future<Output = T> + 'a>> {
    Box::pin(future)
}

/// The request's D1 session. Reads go to any replica, or to one at least as new as the
/// client's bookmark; writes go to the primary. A malformed bookmark is a 422 either way.
fn session(req: &Incoming, reads: bool, env: &Env) -> Result<Database, ApiError> {
    let bookmark = http::header(req, BOOKMARK_HEADER)?;
    let bookmark = bookmark.as_deref().map(Bookmark::parse).transpose()?;
    let consistency = if reads {
        Consistency::Read
    } else {
        Consistency::Write
    };
    Database::open(env, consistency, bookmark)
}
