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
            `x-d1-bookmark` of an earlier response to read your own writes from any replica. \
            This document is served at `/openapi.json` and rendered at `/docs` (static files).",
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
        crate::domain::listing::SortName,
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

/// Entity tags as `If-Match` / `If-None-Match` on a write take them (`TagList::parse`):
/// `*`, or a comma list of `"opaque"` / `W/"opaque"` with optional spaces and empty items.
/// An empty value is allowed: the runtime drops an empty header, so it means none.
const ENTITY_TAGS_PATTERN: &str = r#"^[ \t]*(\*|[ \t,]*(W/)?"[^\x00-\x20"\x7f]*"([ \t]*,[ \t,]*(W/)?"[^\x00-\x20"\x7f]*")*[ \t,]*)?[ \t]*$"#;

/// An `Idempotency-Key` as it arrives (HTTP trims the ends): printable ASCII, not blank;
/// or empty, which the runtime drops (no key).
const IDEMPOTENCY_KEY_PATTERN: &str = "^([!-~]([ -~]*[!-~])?)?$";

/// Text with a character that is not Unicode White_Space (what `str::trim` removes), as
/// `nombre` must have.
const NOT_BLANK_PATTERN: &str =
    r"[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// What the derive cannot say, said in the document itself, so that every request the
/// document allows is one the API accepts and every one it refuses is refused (which
/// Schemathesis checks both ways): tuple positions with their own ranges (`prefixItems`),
/// closed request objects, exact header grammars and the id's range.
fn refine(document: &mut serde_json::Value) {
    use serde_json::json;
    let longitude = json!({"type": "number", "minimum": -180, "maximum": 180});
    let latitude = json!({"type": "number", "minimum": -90, "maximum": 90});
    let schemas = &mut document["components"]["schemas"];

    // Request bodies are closed: unknown fields are a 422. The server-owned fields are
    // accepted, whatever their value, and ignored, so they are listed before the object
    // is closed.
    for name in ["SegmentoCreate", "SegmentoUpdate"] {
        for field in ["id_segmento", "created_at", "updated_at", "version"] {
            schemas[name]["properties"][field] =
                json!({"description": "Set by the server: any value sent is ignored."});
        }
        schemas[name]["additionalProperties"] = json!(false);
        schemas[name]["properties"]["nombre"]["pattern"] = json!(NOT_BLANK_PATTERN);
    }
    // A partial update: no field is required.
    schemas["SegmentoUpdate"]
        .as_object_mut()
        .expect("an object schema")
        .remove("required");
    // A bulk feature's properties are a create's text fields (other members ignored).
    let mut properties = json!({"type": "object", "required": ["nombre"], "properties": {}});
    for field in ["nombre", "descripcion", "ubicacion"] {
        properties["properties"][field] = schemas["SegmentoCreate"]["properties"][field].clone();
    }
    schemas["FeatureInput"]["properties"]["properties"] = properties;
    schemas["PointInput"]["properties"]["coordinates"]["prefixItems"] =
        json!([longitude, latitude, {"type": "number"}]);

    let paths = &mut document["paths"];
    let bulk_array = &mut paths["/api/v1/segmentos/bulk"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    bulk_array["minItems"] = json!(1);
    bulk_array["maxItems"] = json!(crate::domain::bulk::MAX_ITEMS);

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
                        schema["minimum"] = json!(-crate::domain::input::MAX_SAFE_INTEGER);
                        schema["maximum"] = json!(crate::domain::input::MAX_SAFE_INTEGER);
                    }
                    "near" => schema["prefixItems"] = json!([longitude, latitude]),
                    "bbox" => {
                        schema["prefixItems"] = json!([longitude, latitude, longitude, latitude])
                    }
                    // A read ignores a malformed If-None-Match (the full answer is always
                    // right); a write refuses it.
                    "if-match" | "if-none-match" if method != "get" => {
                        *schema = json!({"type": "string", "pattern": ENTITY_TAGS_PATTERN})
                    }
                    "if-none-match" => *schema = json!({"type": "string"}),
                    "idempotency-key" => {
                        *schema = json!({"type": "string", "maxLength": 255,
                            "pattern": IDEMPOTENCY_KEY_PATTERN})
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
            "/health",
            "/health/database",
            "/map",
            "/metrics"
        ]
    );
}
