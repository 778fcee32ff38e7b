//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations and the
//! types they send and receive, so it cannot drift from the code.
//!
//! It is published as a static asset, `public/openapi.json` (served at `/openapi.json` and
//! rendered by `/docs`): generating it costs the wasm build nothing. `cargo test` fails
//! when the published file is not what the code generates; `npm run openapi` rewrites it.
//! The integration tests then check the live worker's responses against the published file
//! (`tests/openapi.test.mjs`).

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Header, OpenApi as Document, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::access::keys::{required_scope, AccessMode, Resource, Scope};
use crate::db::bookmark::BOOKMARK_HEADER;
use crate::db::report::DatabaseReport;
use crate::error::{ErrorMessage, ValidationErrors};
use crate::http::conditional;
use crate::http::negotiation::Format;
use crate::idempotency::key;
use crate::map;
use crate::observability::health_report::Liveness;
use crate::observability::{health, telemetry};
use crate::router::ROUTES;
use crate::segments::bulk::{FeatureCollectionInput, MAX_ITEMS};
use crate::segments::fields::schema::{self, coordinate};
use crate::segments::fields::{self, UBICACION};
use crate::segments::geojson::{Feature, FeatureCollection};
use crate::segments::list::cursor;
use crate::segments::list::handler::PREFER_DESCRIPTION;
use crate::segments::list::item::ListItem;
use crate::segments::list::page::Page;
use crate::segments::model::{Segment, SegmentPatch, SegmentPayload};
use crate::validation::FieldError;

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
            `x-d1-bookmark` of an earlier response to read your own writes from any replica. \
            This document is served at `/openapi.json` and rendered at `/docs` (static files).",
        license(name = "MIT"),
    ),
    paths(
        crate::segments::list::handler::list,
        crate::segments::create::one,
        crate::segments::create::bulk,
        crate::changes::handler::changes,
        crate::segments::handlers::get,
        crate::segments::handlers::update,
        crate::segments::handlers::delete,
        health::liveness,
        health::database,
        map::page,
        telemetry::exposition,
    ),
    components(schemas(
        Segment,
        ListItem,
        SegmentPayload,
        SegmentPatch,
        FeatureCollectionInput,
        Feature,
        FeatureCollection,
        Format,
        FieldError,
        crate::segments::list::sort::SortName,
        ValidationErrors,
        ErrorMessage,
        crate::changes::feed::FeedPage,
        crate::changes::feed::Change,
        crate::error::GoneBody,
        Liveness,
        DatabaseReport,
    )),
    tags(
        (name = "segmentos", description = "Road segments"),
        (name = "health", description = "For uptime monitors; never cached"),
        (name = "pages", description = "Pages for people, served as static assets where they can be"),
    ),
    // Access first, so that its responses get the headers too. `/docs` and this document
    // are static files the platform serves, not operations of the API, so they are not
    // listed (the description names them).
    modifiers(&Access, &RequestId, &D1Bookmark),
)]
struct ApiDoc;

/// The document, as published.
fn document() -> String {
    let mut document = serde_json::to_value(ApiDoc::openapi()).expect("the document serializes");
    refine(&mut document);
    serde_json::to_string_pretty(&document).expect("the document serializes") + "\n"
}

mod segments;

/// What the derive cannot say, said in the document itself, so that every request the
/// document allows is one the API accepts and every one it refuses is refused (which
/// Schemathesis checks both ways): tuple positions with their own ranges (`prefixItems`),
/// closed request objects, exact header grammars and the id's range.
fn refine(document: &mut serde_json::Value) {
    use serde_json::json;
    let (longitude, latitude) = (coordinate(0), coordinate(1));
    let schemas = &mut document["components"]["schemas"];

    schemas["FeatureInput"]["properties"]["properties"] = segments::feature_properties();
    schemas["PointInput"]["properties"]["coordinates"]["prefixItems"] =
        json!([longitude, latitude, {"type": "number"}]);
    schemas["FeatureCollectionInput"]["properties"]["features"]["maxItems"] = json!(MAX_ITEMS);

    let paths = &mut document["paths"];
    let bulk_array = &mut paths["/api/v1/segmentos/bulk"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    bulk_array["minItems"] = json!(1);
    bulk_array["maxItems"] = json!(MAX_ITEMS);

    for item in paths.as_object_mut().expect("paths").values_mut() {
        for (method, operation) in item.as_object_mut().expect("a path item").iter_mut() {
            let parameters = operation
                .get_mut("parameters")
                .and_then(serde_json::Value::as_array_mut);
            let Some(parameters) = parameters else {
                continue;
            };
            for parameter in parameters {
                let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                let schema = &mut parameter["schema"];
                match name.as_str() {
                    "id_segmento" => {
                        *schema = fields::schema::id();
                        parameter["description"] = json!(fields::ID_SEGMENTO.description);
                    }
                    "near" => schema["prefixItems"] = json!([longitude, latitude]),
                    "skip" => schema["maximum"] = json!(Page::MAX_WINDOW),
                    "bbox" => {
                        schema["prefixItems"] = json!([longitude, latitude, longitude, latitude])
                    }
                    // A read ignores a malformed If-None-Match (the full answer is always
                    // right); a write refuses it.
                    "if-match" | "if-none-match" if method != "get" => {
                        *schema = conditional::write_condition_schema();
                        parameter["description"] = json!(match name.as_str() {
                            "if-match" => conditional::IF_MATCH_DESCRIPTION,
                            _ => conditional::IF_NONE_MATCH_DESCRIPTION,
                        });
                    }
                    "if-none-match" => *schema = json!({"type": "string"}),
                    "ubicacion" => {
                        parameter["description"] = json!(schema::equality_filter(&UBICACION))
                    }
                    "cursor" => parameter["description"] = json!(cursor::DESCRIPTION),
                    "prefer" => {
                        *schema = json!({"type": "string"});
                        parameter["description"] = json!(PREFER_DESCRIPTION);
                    }
                    "idempotency-key" => {
                        *schema = key::header_schema();
                        parameter["description"] = json!(key::DESCRIPTION);
                    }
                    _ => {}
                }
            }
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
            let route = ROUTES.iter().find(|route| route.path == path);
            let resource = route.expect("every documented path is a route").resource;
            let methods = [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.delete, true),
                (&mut item.patch, true),
            ];
            for (operation, writes) in methods {
                let Some(operation) = operation else { continue };
                let responses = &mut operation.responses.responses;
                responses.insert("429".into(), RefOr::T(rate_limited.clone()));
                // The scope where the strictest access mode asks for one.
                let Some(scope) = required_scope(AccessMode::All, resource, writes) else {
                    continue;
                };
                operation.security = Some(vec![
                    SecurityRequirement::default(),
                    SecurityRequirement::new("api_key", [scope.as_str()]),
                ]);
                responses.insert("401".into(), RefOr::T(unauthorized.clone()));
                // Every key can read, so only writes and metrics can lack their scope.
                if scope != Scope::Read {
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
            // Empty is allowed: the runtime drops an empty header, so it means none.
            .schema(Some(text().pattern(Some("^[A-Za-z0-9-]{0,256}$"))))
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
            // Segment requests run in a D1 session (`app::session`).
            if !ROUTES
                .iter()
                .any(|r| r.path == path && r.resource == Resource::Segments)
            {
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

#[cfg(test)]
mod tests;
