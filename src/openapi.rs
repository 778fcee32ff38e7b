//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations and the
//! types they send and receive, so it cannot drift from the code.
//!
//! It is published as a static asset, `public/openapi.json` (served at `/openapi.json` and
//! rendered by `/docs`): generating it costs the wasm build nothing. `cargo test` fails
//! when the published file is not what the code generates; `npm run openapi` rewrites it.
//! The integration tests then check the live worker's responses against the published file
//! (`tests/openapi.test.mjs`).

use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Header, OpenApi as Document, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::domain::bulk::FeatureCollectionInput;
use crate::domain::consistency::BOOKMARK_HEADER;
use crate::domain::geojson::{Feature, FeatureCollection};
use crate::domain::health::{DatabaseReport, Liveness};
use crate::domain::{FieldError, Format, Listed, Segmento, SegmentoPatch, SegmentoPayload};
use crate::error::{ErrorMessage, ValidationErrors};
use crate::routes;

const PUBLISHED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/public/openapi.json");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "RecWay Edge API",
        description = "Road segments of the RecWay road-quality service: create, read, update, \
            delete, and list them with filters, geographic queries, keyset paging and GeoJSON. \
            A segment's URL also answers with a trailing slash (`/api/v1/segmentos/`), as the \
            FastAPI server did. Every response carries `X-Request-Id`. Segments carry a \
            `version`, and their strong `ETag`s make conditional requests work: `If-None-Match` \
            (`304`) on reads, `If-Match` (`412`) on writes. Creates take an `Idempotency-Key` \
            for safe retries. Segment requests run in a D1 session: send back the \
            `x-d1-bookmark` of an earlier response to read your own writes from any replica.",
        license(name = "MIT"),
    ),
    paths(
        routes::segmentos::list,
        routes::create::one,
        routes::create::bulk,
        routes::segmentos::get,
        routes::segmentos::update,
        routes::segmentos::delete,
        routes::health::liveness,
        routes::health::database,
        routes::map::page,
        routes::metrics::exposition,
    ),
    components(schemas(
        Segmento,
        Listed,
        SegmentoPayload,
        SegmentoPatch,
        FeatureCollectionInput,
        Feature,
        FeatureCollection,
        Format,
        FieldError,
        ValidationErrors,
        ErrorMessage,
        Liveness,
        DatabaseReport,
    )),
    tags(
        (name = "segmentos", description = "Road segments"),
        (name = "health", description = "For uptime monitors; never cached"),
        (name = "pages", description = "Pages for people, served as static assets where they can be"),
    ),
    // Access first, so its responses get the headers; static pages last: assets are
    // served without the worker.
    modifiers(&Access, &RequestId, &D1Bookmark, &StaticPages),
)]
struct ApiDoc;

/// The document, as published.
fn document() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the document serializes")
        + "\n"
}

/// The endpoints served from `public/` as static assets, not by the worker (so without
/// `X-Request-Id`).
struct StaticPages;

impl Modify for StaticPages {
    fn modify(&self, openapi: &mut Document) {
        let pages = [
            (
                "/openapi.json",
                "This document (OpenAPI 3.1)",
                "application/json",
            ),
            (
                "/docs",
                "Interactive API reference (Swagger UI) of this document",
                "text/html",
            ),
        ];
        for (path, summary, media_type) in pages {
            let response = ResponseBuilder::new()
                .description("OK")
                .content(media_type, ContentBuilder::new().build())
                .build();
            let operation = OperationBuilder::new()
                .summary(Some(summary))
                .tag("pages")
                .response("200", response);
            openapi
                .paths
                .add_path_operation(path, vec![HttpMethod::Get], operation);
        }
    }
}

/// Every operation of a path.
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
}

/// API keys: the `api_key` bearer scheme, the scope each segment operation and `/metrics`
/// take, their `401`/`403`, and the rate limit's `429` on every operation of the worker.
struct Access;

impl Modify for Access {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API key from `npm run keys -- create` (`rwk_` and 43 more \
                         characters) with the scope the operation names: `read`, `write` or \
                         `admin` (admin includes write includes read). Whether a key is needed \
                         is configuration (`ACCESS_MODE`): `open` needs none, `writes` needs \
                         one for writes and `/metrics`, `all` for every request but the \
                         health checks. A key sent where none is needed is still checked.",
                    ))
                    .build(),
            ),
        );
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let header = |description: &str| {
            Header::builder()
                .schema(text())
                .description(Some(description))
                .build()
        };
        let error = |description: &str, name: &str, header: Header| -> Response {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            "ErrorMessage",
                        ))))
                        .build(),
                )
                .header(name, header)
                .build()
        };
        let unauthorized = error(
            "No API key where the access mode needs one, or not a valid, unrevoked key",
            "www-authenticate",
            header("`Bearer realm=\"recway\"`, with `error=\"invalid_token\"` for a bad key"),
        );
        let forbidden = error(
            "The API key lacks the scope this operation needs",
            "www-authenticate",
            header("`Bearer realm=\"recway\", error=\"insufficient_scope\", scope=\"...\"`"),
        );
        let rate_limited = error(
            "Over the rate limit of the caller (its API key, or its IP without one)",
            "retry-after",
            header("Seconds to wait: `60`, the longest period a limit can have"),
        );
        for (path, item) in openapi.paths.paths.iter_mut() {
            let guarded = path.starts_with("/api/v1/segmentos") || path == "/metrics";
            let methods = [
                (&mut item.get, "read"),
                (&mut item.put, "write"),
                (&mut item.post, "write"),
                (&mut item.delete, "write"),
                (&mut item.patch, "write"),
            ];
            for (operation, scope) in methods {
                let Some(operation) = operation else { continue };
                let responses = &mut operation.responses.responses;
                responses.insert("429".into(), RefOr::T(rate_limited.clone()));
                if !guarded {
                    continue;
                }
                let scope = if path == "/metrics" { "admin" } else { scope };
                operation.security = Some(vec![
                    SecurityRequirement::default(),
                    SecurityRequirement::new("api_key", [scope]),
                ]);
                responses.insert("401".into(), RefOr::T(unauthorized.clone()));
                // Every key can read, so only writes and metrics can lack their scope.
                if scope != "read" {
                    responses.insert("403".into(), RefOr::T(forbidden.clone()));
                }
            }
        }
    }
}

/// `X-Request-Id` on every response of every operation.
struct RequestId;

impl Modify for RequestId {
    fn modify(&self, openapi: &mut Document) {
        let header = Header::builder()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(
                "The caller's `X-Request-Id` when it is 1-128 characters of `[A-Za-z0-9._-]`, \
                 else a new UUID; the request log line carries the same id",
            ))
            .build();
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                for response in operation.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        response
                            .headers
                            .insert("x-request-id".into(), header.clone());
                    }
                }
            }
        }
    }
}

/// The D1 session bookmark: a request header and a response header of every segment
/// operation.
struct D1Bookmark;

impl Modify for D1Bookmark {
    fn modify(&self, openapi: &mut Document) {
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let parameter = ParameterBuilder::new()
            .name(BOOKMARK_HEADER)
            .parameter_in(ParameterIn::Header)
            .schema(Some(text().pattern(Some("^[A-Za-z0-9-]{1,256}$"))))
            .description(Some(
                "A bookmark from an earlier response: reads then see a state at least that \
                 new, from any replica (writes always go to the primary)",
            ))
            .build();
        let header = Header::builder()
            .schema(text())
            .description(Some(
                "The D1 session's bookmark after this request (the request's own when no \
                 query ran); send it back to read your own writes",
            ))
            .build();
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/segmentos") {
                continue;
            }
            for operation in operations(item) {
                operation
                    .parameters
                    .get_or_insert_with(Vec::new)
                    .push(parameter.clone());
                for response in operation.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        response
                            .headers
                            .insert(BOOKMARK_HEADER.into(), header.clone());
                    }
                }
            }
        }
    }
}

#[test]
fn the_published_document_is_what_the_code_generates() {
    let generated = document();
    if std::env::var_os("RECWAY_WRITE_OPENAPI").is_some() {
        std::fs::write(PUBLISHED, &generated).expect("public/openapi.json is writable");
    }

    let published = std::fs::read_to_string(PUBLISHED).unwrap_or_default();

    assert!(
        published == generated,
        "public/openapi.json is stale: run `npm run openapi` and commit the result"
    );
}

#[test]
fn the_document_is_openapi_3_1_and_covers_every_route() {
    let document: serde_json::Value = serde_json::from_str(&document()).unwrap();

    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut paths: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/api/v1/segmentos",
            "/api/v1/segmentos/bulk",
            "/api/v1/segmentos/{id_segmento}",
            "/docs",
            "/health",
            "/health/database",
            "/map",
            "/metrics",
            "/openapi.json"
        ]
    );
}
