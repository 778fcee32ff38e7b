//! The one route table: every path the worker answers, with the methods it takes, the
//! resource its access rules protect, its cache policy and its name in metrics. Dispatch
//! (`app`), `405` + `Allow`, CORS preflights, metric labels and the OpenAPI document's
//! path check all read it. (Static assets are served before the worker runs.)

use crate::access::keys::Resource;

/// What a route serves: the handler `app` dispatches to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Liveness,
    DatabaseHealth,
    Map,
    Metrics,
    Segments,
    BulkImport,
    Changes,
    Segment,
    FeaturesLanding,
    Conformance,
    Collections,
    Collection,
    Items,
    Item,
}

/// Which API a route belongs to, and so which OpenAPI document describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// The v1 API, its health checks and pages: `public/openapi.json` (3.1).
    V1,
    /// OGC API Features (`src/ogc/`): `public/ogc/openapi.json` (3.0).
    Features,
}

impl Api {
    /// The status of an answer to `OPTIONS`: the v1 API's `204`; OGC API Features' Part 4
    /// wants a `200` (/req/create-replace-delete/options-response).
    pub fn options_status(self) -> u16 {
        match self {
            Self::V1 => 204,
            Self::Features => 200,
        }
    }
}

/// One row of the route table.
#[derive(Debug, PartialEq, Eq)]
pub struct Route {
    pub endpoint: Endpoint,
    pub api: Api,
    /// The path as the OpenAPI document writes it; `{id_segmento}` stands for one path
    /// segment. Every path also answers with a trailing slash (the FastAPI server's
    /// `/api/v1/segmentos/`), directly, with no redirect.
    pub path: &'static str,
    /// The methods the path takes, as `Allow` lists them (`HEAD` wherever `GET` is; the
    /// runtime drops the body of an answer to `HEAD`).
    pub allow: &'static str,
    /// What the access rules protect here.
    pub resource: Resource,
    /// `Cache-Control` of every answer on this path, whatever its status: monitors must
    /// never see a cached health check, nor anyone cached metrics.
    pub cache_control: Option<&'static str>,
    /// The route's name in metrics and analytics: a fixed set, whatever the path.
    pub metric: &'static str,
}

/// The name a request that matched no route is counted under.
pub const UNMATCHED: &str = "unmatched";

/// Every route. A path matches the first row that fits it, so the bulk import and the
/// changes feed come before the item path that would otherwise read them as ids.
pub const ROUTES: [Route; 14] = [
    Route {
        api: Api::V1,
        endpoint: Endpoint::Liveness,
        path: "/health",
        allow: "GET, HEAD",
        resource: Resource::Public,
        cache_control: Some("no-store"),
        metric: "health",
    },
    Route {
        api: Api::V1,
        endpoint: Endpoint::DatabaseHealth,
        path: "/health/database",
        allow: "GET, HEAD",
        resource: Resource::Public,
        cache_control: Some("no-store"),
        metric: "health_database",
    },
    Route {
        api: Api::V1,
        endpoint: Endpoint::Map,
        path: "/map",
        allow: "GET, HEAD",
        resource: Resource::Public,
        // The page is tiny and its configuration may change with any deploy.
        cache_control: Some("no-cache"),
        metric: "map",
    },
    Route {
        api: Api::V1,
        endpoint: Endpoint::Metrics,
        path: "/metrics",
        allow: "GET, HEAD",
        resource: Resource::Metrics,
        cache_control: Some("no-store"),
        metric: "metrics",
    },
    Route {
        api: Api::V1,
        endpoint: Endpoint::Segments,
        path: "/api/v1/segmentos",
        allow: "GET, HEAD, POST",
        resource: Resource::Segments,
        cache_control: None,
        metric: "segmentos",
    },
    Route {
        api: Api::V1,
        endpoint: Endpoint::BulkImport,
        path: "/api/v1/segmentos/bulk",
        allow: "POST",
        resource: Resource::Segments,
        cache_control: None,
        metric: "segmentos_bulk",
    },
    Route {
        api: Api::V1,
        endpoint: Endpoint::Changes,
        path: "/api/v1/segmentos/changes",
        allow: "GET, HEAD",
        resource: Resource::Segments,
        cache_control: None,
        metric: "segmentos_changes",
    },
    Route {
        api: Api::V1,
        endpoint: Endpoint::Segment,
        path: "/api/v1/segmentos/{id_segmento}",
        allow: "GET, HEAD, PUT, PATCH, DELETE",
        resource: Resource::Segments,
        cache_control: None,
        metric: "segmento",
    },
    Route {
        api: Api::Features,
        endpoint: Endpoint::FeaturesLanding,
        path: "/",
        allow: "GET, HEAD",
        resource: Resource::Public,
        cache_control: None,
        metric: "ogc_landing",
    },
    Route {
        api: Api::Features,
        endpoint: Endpoint::Conformance,
        path: "/conformance",
        allow: "GET, HEAD",
        resource: Resource::Public,
        cache_control: None,
        metric: "ogc_conformance",
    },
    Route {
        api: Api::Features,
        endpoint: Endpoint::Collections,
        path: "/collections",
        allow: "GET, HEAD",
        resource: Resource::Segments,
        cache_control: None,
        metric: "ogc_collections",
    },
    Route {
        api: Api::Features,
        endpoint: Endpoint::Collection,
        path: "/collections/segmentos",
        allow: "GET, HEAD",
        resource: Resource::Segments,
        cache_control: None,
        metric: "ogc_collection",
    },
    Route {
        api: Api::Features,
        endpoint: Endpoint::Items,
        path: "/collections/segmentos/items",
        allow: "GET, HEAD, POST",
        resource: Resource::Segments,
        cache_control: None,
        metric: "ogc_items",
    },
    Route {
        api: Api::Features,
        endpoint: Endpoint::Item,
        path: "/collections/segmentos/items/{featureId}",
        allow: "GET, HEAD, PUT, PATCH, DELETE",
        resource: Resource::Segments,
        cache_control: None,
        metric: "ogc_item",
    },
];

/// A request path matched to its route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched<'a> {
    pub route: &'static Route,
    /// The raw `{id_segmento}` of an item path, unparsed.
    pub id: Option<&'a str>,
}

/// The route of `path`, if any.
pub fn resolve(path: &str) -> Option<Matched<'_>> {
    let path = match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    };
    ROUTES
        .iter()
        .find_map(|route| route.fit(path).map(|id| Matched { route, id }))
}

/// The `Cache-Control` every response on `path` carries, whatever its status.
pub fn cache_control(path: &str) -> Option<&'static str> {
    resolve(path).and_then(|matched| matched.route.cache_control)
}

impl Route {
    /// Whether the route takes `method` (its exact, case-sensitive name).
    pub fn allows(&self, method: &str) -> bool {
        self.allow.split(", ").any(|allowed| allowed == method)
    }

    /// `None` when `path` (without its trailing slash) is not this route's; else the raw
    /// id it holds, if the route has one.
    fn fit<'a>(&self, path: &'a str) -> Option<Option<&'a str>> {
        match self.path.split_once('{') {
            None => (path == self.path).then_some(None),
            Some((prefix, _)) => {
                let id = path.strip_prefix(prefix)?;
                (!id.is_empty() && !id.contains('/')).then_some(Some(id))
            }
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
