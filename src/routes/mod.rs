//! Thin handlers: parse the request, call the database, shape the response. `dispatch`
//! is the one path every request takes: route, bounds, CORS preflight, key, rate limit,
//! scope, then the handler.

pub(crate) mod cors;
pub(crate) mod create;
pub(crate) mod guard;
pub(crate) mod health;
pub(crate) mod map;
pub(crate) mod metrics;
pub(crate) mod segmentos;

use worker::{Env, Method, Response};

use crate::config::Config;
use crate::db::{Consistency, Database};
use crate::domain::access::{required_scope, AccessMode, Resource};
use crate::domain::consistency::{Bookmark, BOOKMARK_HEADER};
use crate::error::ApiError;
use crate::http::{self, Incoming};

/// Every path the worker answers (static assets are served before it runs). The
/// collection and item paths take an optional trailing slash (the FastAPI server's
/// `/api/v1/segmentos/`), served directly, with no redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'a> {
    Health,
    HealthDatabase,
    Map,
    Metrics,
    Segmentos,
    Bulk,
    Segmento(&'a str),
}

impl<'a> Route<'a> {
    fn resolve(path: &'a str) -> Option<Self> {
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        match path {
            "/health" => Some(Self::Health),
            "/health/database" => Some(Self::HealthDatabase),
            "/map" => Some(Self::Map),
            "/metrics" => Some(Self::Metrics),
            "/api/v1/segmentos" => Some(Self::Segmentos),
            "/api/v1/segmentos/bulk" => Some(Self::Bulk),
            _ => path
                .strip_prefix("/api/v1/segmentos/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
                .map(Self::Segmento),
        }
    }

    /// The route's name in metrics and analytics: a fixed set, whatever the path.
    fn name(self) -> &'static str {
        match self {
            Self::Health => "health",
            Self::HealthDatabase => "health_database",
            Self::Map => "map",
            Self::Metrics => "metrics",
            Self::Segmentos => "segmentos",
            Self::Bulk => "segmentos_bulk",
            Self::Segmento(_) => "segmento",
        }
    }

    /// `Cache-Control` for every answer on this path: monitors must never see a cached
    /// health check, nor anyone cached metrics.
    fn cache_control(self) -> Option<&'static str> {
        match self {
            Self::Health | Self::HealthDatabase | Self::Metrics => Some("no-store"),
            // The page is tiny and its configuration may change with any deploy.
            Self::Map => Some("no-cache"),
            Self::Segmentos | Self::Bulk | Self::Segmento(_) => None,
        }
    }

    /// The `Allow` header for this path.
    fn allow(self) -> &'static str {
        match self {
            Self::Health | Self::HealthDatabase | Self::Map | Self::Metrics => "GET, HEAD",
            Self::Segmentos => "GET, HEAD, POST",
            Self::Bulk => "POST",
            Self::Segmento(_) => "GET, HEAD, PUT, PATCH, DELETE",
        }
    }

    fn resource(self) -> Resource {
        match self {
            Self::Health | Self::HealthDatabase | Self::Map => Resource::Public,
            Self::Metrics => Resource::Metrics,
            Self::Segmentos | Self::Bulk | Self::Segmento(_) => Resource::Segments,
        }
    }
}

/// A handler's result, and what the request log, metrics and headers report about it.
pub struct Handled {
    pub result: Result<Response, ApiError>,
    /// The route's name (`unmatched` for an unknown path).
    pub route: &'static str,
    /// The bookmark of the request's D1 session, if it had one.
    pub bookmark: Option<String>,
    /// Each D1 round trip's duration, in milliseconds.
    pub d1_round_trips: Vec<f64>,
    /// The id of the API key the request was made with, never the key.
    pub key_id: Option<i64>,
}

impl Handled {
    /// A request that failed before it reached a route.
    pub fn failed(error: ApiError) -> Self {
        Self {
            result: Err(error),
            route: "unmatched",
            bookmark: None,
            d1_round_trips: Vec::new(),
            key_id: None,
        }
    }
}

/// The `Cache-Control` every response on `path` carries, whatever its status.
pub fn cache_control(path: &str) -> Option<&'static str> {
    Route::resolve(path).and_then(Route::cache_control)
}

/// Routes a request to its handler. `HEAD` runs the `GET` handler; the runtime drops the
/// body.
pub async fn dispatch(req: Incoming, env: &Env, config: &Config) -> Handled {
    let path = req.path();
    let Some(route) = Route::resolve(path) else {
        return Handled::failed(ApiError::RouteNotFound);
    };
    let mut trace = Trace::default();
    let result = serve(route, &req, env, config, &mut trace).await;
    let mut d1_round_trips = trace.round_trips;
    if let Some(db) = &trace.db {
        d1_round_trips.extend(db.round_trips());
    }
    Handled {
        result,
        route: route.name(),
        bookmark: trace.db.as_ref().and_then(Database::bookmark),
        d1_round_trips,
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
    round_trips: Vec<f64>,
    key_id: Option<i64>,
}

/// Bounds, CORS preflight, method, key, rate limit and scope, in that order; then the
/// handler. Segment requests run in one D1 session (see [`consistency`]), which also
/// looks up the API key.
async fn serve(
    route: Route<'_>,
    req: &Incoming,
    env: &Env,
    config: &Config,
    trace: &mut Trace,
) -> Result<Response, ApiError> {
    guard::check_bounds(req)?;
    let not_allowed = ApiError::MethodNotAllowed {
        allow: route.allow(),
    };
    let Some(method) = http::method(req) else {
        return Err(not_allowed);
    };
    if method == Method::Options {
        return cors::preflight(req, route.allow(), &config.cors);
    }
    if !route
        .allow()
        .split(", ")
        .any(|allowed| allowed == method.as_ref())
    {
        return Err(not_allowed);
    }
    let reads = matches!(method, Method::Get | Method::Head);
    // Public routes never look at a key: monitors need none, and a bad one must not
    // cost a database query there.
    let authorization = match (config.access, route.resource()) {
        (AccessMode::Open, _) | (_, Resource::Public) => None,
        _ => req.raw_header("authorization")?,
    };
    let key = match authorization {
        Some(header) => {
            let db = trace.db.insert(session(req, reads, env)?);
            guard::authenticate(&header, db).await
        }
        None => Ok(None),
    };
    guard::rate_limit(env, req, key.as_ref().ok().and_then(Option::as_ref)).await?;
    let key = key?;
    trace.key_id = key.as_ref().map(|key| key.id);
    let needed = required_scope(config.access, route.resource(), !reads);
    guard::authorize(needed, key.as_ref())?;

    match route {
        Route::Health => health::liveness(),
        Route::HealthDatabase => health::database(env, &mut trace.round_trips).await,
        Route::Map => map::page(env),
        Route::Metrics => metrics::exposition(),
        Route::Segmentos | Route::Bulk | Route::Segmento(_) => {
            let db = match trace.db.take() {
                Some(db) => db,
                None => session(req, reads, env)?,
            };
            segments(route, method, req, trace.db.insert(db)).await
        }
    }
}

async fn segments(
    route: Route<'_>,
    method: Method,
    req: &Incoming,
    db: &Database,
) -> Result<Response, ApiError> {
    match (route, method) {
        (Route::Segmentos, Method::Get | Method::Head) => segmentos::list(req, db).await,
        (Route::Segmentos, Method::Post) => create::one(req, db).await,
        (Route::Bulk, Method::Post) => create::bulk(req, db).await,
        (Route::Segmento(id), Method::Get | Method::Head) => segmentos::get(id, req, db).await,
        (Route::Segmento(id), Method::Put | Method::Patch) => segmentos::update(id, req, db).await,
        (Route::Segmento(id), Method::Delete) => segmentos::delete(id, req, db).await,
        (route, _) => Err(ApiError::MethodNotAllowed {
            allow: route.allow(),
        }),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_collection_resolves_with_and_without_a_trailing_slash() {
        assert_eq!(Route::resolve("/api/v1/segmentos"), Some(Route::Segmentos));
        assert_eq!(Route::resolve("/api/v1/segmentos/"), Some(Route::Segmentos));
    }

    #[test]
    fn an_item_path_carries_its_raw_id() {
        assert_eq!(
            Route::resolve("/api/v1/segmentos/42"),
            Some(Route::Segmento("42"))
        );
        assert_eq!(
            Route::resolve("/api/v1/segmentos/42/"),
            Some(Route::Segmento("42"))
        );
        assert_eq!(
            Route::resolve("/api/v1/segmentos/abc"),
            Some(Route::Segmento("abc"))
        );
    }

    #[test]
    fn the_bulk_import_has_its_own_route_and_method() {
        assert_eq!(Route::resolve("/api/v1/segmentos/bulk"), Some(Route::Bulk));
        assert_eq!(Route::resolve("/api/v1/segmentos/bulk/"), Some(Route::Bulk));
        assert_eq!(Route::Bulk.allow(), "POST");
    }

    #[test]
    fn health_paths_resolve() {
        assert_eq!(Route::resolve("/health"), Some(Route::Health));
        assert_eq!(
            Route::resolve("/health/database"),
            Some(Route::HealthDatabase)
        );
    }

    #[test]
    fn unknown_paths_resolve_to_nothing() {
        for path in [
            "/",
            "",
            "/api/v1",
            "/api/v1/segmentos/1/extra",
            "/api/v1/segmentos//",
            "/api/v2/segmentos",
            "/healthz",
            "/API/V1/SEGMENTOS",
        ] {
            assert_eq!(Route::resolve(path), None, "{path}");
        }
    }

    #[test]
    fn health_checks_are_never_cached_and_segments_carry_no_policy() {
        assert_eq!(cache_control("/health"), Some("no-store"));
        assert_eq!(cache_control("/health/database/"), Some("no-store"));
        assert_eq!(cache_control("/api/v1/segmentos"), None);
        assert_eq!(cache_control("/nowhere"), None);
    }

    #[test]
    fn each_route_allows_exactly_its_methods() {
        assert_eq!(Route::Segmentos.allow(), "GET, HEAD, POST");
        assert_eq!(
            Route::Segmento("1").allow(),
            "GET, HEAD, PUT, PATCH, DELETE"
        );
        assert_eq!(Route::Health.allow(), "GET, HEAD");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{config, edge_text};
    use proptest::prelude::*;
    use proptest::sample::select;

    const PREFIX: &str = "/api/v1/segmentos/";

    fn path() -> impl Strategy<Value = String> {
        let known = select(
            &[
                "",
                "/",
                "//",
                "/health",
                "/health/database",
                "/map",
                "/metrics",
                "/api/v1/segmentos",
                "/api/v1/segmentos/",
                "/api/v1/segmentos/bulk",
                "/api/v1/segmentos//",
                "/API/V1/SEGMENTOS",
                "/api/v1",
            ][..],
        );
        prop_oneof![
            any::<String>(),
            (known.clone(), edge_text(6), select(&["", "/", "//"][..]))
                .prop_map(|(base, tail, end)| format!("{base}{tail}{end}")),
            known.prop_map(str::to_owned),
        ]
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn an_arbitrary_path_resolves_to_a_route_that_names_it_or_to_nothing(path in path()) {
            let trimmed = match path.strip_suffix('/') {
                Some(trimmed) if !trimmed.is_empty() => trimmed,
                _ => path.as_str(),
            };
            match Route::resolve(&path) {
                Some(Route::Segmento(id)) => {
                    prop_assert!(!id.is_empty() && !id.contains('/'), "{id:?}");
                    prop_assert_eq!(format!("{PREFIX}{id}"), trimmed);
                    prop_assert_ne!(id, "bulk");
                }
                Some(route) => {
                    let expected = match route {
                        Route::Health => "/health",
                        Route::HealthDatabase => "/health/database",
                        Route::Map => "/map",
                        Route::Metrics => "/metrics",
                        Route::Segmentos => "/api/v1/segmentos",
                        Route::Bulk => "/api/v1/segmentos/bulk",
                        Route::Segmento(_) => unreachable!(),
                    };
                    prop_assert_eq!(trimmed, expected);
                }
                None => prop_assert!(
                    !trimmed.starts_with(PREFIX) || trimmed[PREFIX.len()..].is_empty() || trimmed[PREFIX.len()..].contains('/'),
                    "{path:?} unresolved"
                ),
            }
            prop_assert_eq!(cache_control(&path), Route::resolve(&path).and_then(Route::cache_control));
        }

        #[test]
        fn a_trailing_slash_changes_no_route(path in path()) {
            prop_assume!(!path.ends_with('/'));

            let with_slash = format!("{path}/");

            prop_assert_eq!(Route::resolve(&with_slash), Route::resolve(&path));
        }

        #[test]
        fn any_id_without_a_slash_resolves_to_its_segment(id in any::<String>()) {
            prop_assume!(!id.is_empty() && !id.contains('/') && id != "bulk");

            let (bare, slashed) = (format!("{PREFIX}{id}"), format!("{PREFIX}{id}/"));

            prop_assert_eq!(Route::resolve(&bare), Some(Route::Segmento(&id)));
            prop_assert_eq!(Route::resolve(&slashed), Some(Route::Segmento(&id)));
        }
    }
}
