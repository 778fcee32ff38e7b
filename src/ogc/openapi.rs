//! The OpenAPI 3.0 document of OGC API Features (the `service-desc`; /req/oas30), written
//! from the route table, the items' parameters (`query`) and the segment rules table, and
//! published as the static asset `public/ogc/openapi.json`: `cargo test` fails when the
//! file is stale, `npm run openapi` rewrites it. OpenAPI 3.0, not 3.1: GDAL and OWSLib
//! accept only 3.0's media type. Parameters follow the standard's building blocks
//! (`style: form`, `explode: false`), inlined as local components, the only references
//! GDAL 3.6 resolves.

use serde_json::{json, Map, Value};

use super::query::{DEFAULT_LIMIT, FORMATS, MAX_LIMIT, PARAMETERS};
use super::resources::CONFORMANCE;
use crate::access::keys::Resource;
use crate::http::conditional;
use crate::idempotency::key;
use crate::router::{Api, Endpoint, Route, ROUTES};
use crate::segments::fields::schema::{self, in_properties, properties, required, Dialect};
use crate::segments::fields::{FIELDS, ID_SEGMENTO, NOMBRE, UBICACION};
use crate::segments::list::cursor;
use crate::segments::list::handler::PREFER_DESCRIPTION;

const DIALECT: Dialect = Dialect::OpenApi30;

pub const PUBLISHED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/public/ogc/openapi.json");

/// The document, as published: pretty JSON and a final newline.
pub fn document() -> String {
    let paths: Map<String, Value> = ROUTES
        .iter()
        .filter(|route| route.api == Api::Features)
        .map(|route| (route.path.to_owned(), path_item(route)))
        .collect();
    let document = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "RecWay road segments: OGC API - Features",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "The road segments as OGC API - Features (conformance classes: {}). One \
                 collection, `segmentos`: points in CRS84, newest first, paged with an opaque \
                 `cursor` in each `next` link. Its items are created, replaced, merge-patched \
                 and deleted with the v1 API's rules. Under `ACCESS_MODE=writes`, writes need \
                 an API key (`Authorization: Bearer`) with the `write` scope; under \
                 `ACCESS_MODE=all`, reads need one too.",
                CONFORMANCE.join(", ")
            ),
            "license": { "name": "MIT" },
        },
        "servers": [{ "url": "/" }],
        "paths": paths,
        "components": components(),
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON");
    text.push('\n');
    text
}

/// A route's operations: one per method it takes (`HEAD` is `GET`'s), and `OPTIONS`.
fn path_item(route: &Route) -> Value {
    let mut item: Map<String, Value> = route
        .allow
        .split(", ")
        .filter(|method| *method != "HEAD")
        .map(|method| {
            let mut operation = operation(route.endpoint, method);
            if route.resource == Resource::Segments {
                secured(&mut operation, method != "GET");
            }
            (method.to_ascii_lowercase(), operation)
        })
        .collect();
    let mut options = json!({
        "summary": "The methods this resource takes",
        "parameters": [],
        "responses": { "200": { "description": "The methods, in `Allow`; no body",
            "headers": { "Allow": { "schema": { "type": "string" },
                "description": format!("`{}`", route.allow) } } } },
    });
    // An item's methods are those of a feature that exists (`ogc::handlers::options`).
    if route.endpoint == Endpoint::Item {
        options["parameters"] = json!([reference("featureId")]);
        options["responses"]["404"] = response("No segment has this id", "Message");
    }
    item.insert("options".into(), options);
    Value::Object(item)
}

/// The operation `method` on an endpoint.
fn operation(endpoint: Endpoint, method: &str) -> Value {
    match (endpoint, method) {
        (_, "GET") => read(endpoint),
        (Endpoint::Items, "POST") => write(
            "Create a segment from a GeoJSON Feature; the server gives its id",
            vec![reference("idempotencyKey")],
            Some(feature_input()),
            json!({ "201": { "description": "Created: the new item (or, with `Idempotent-Replayed: true`, the first response to this key)",
                "headers": {
                    "Location": { "schema": { "type": "string" }, "description": "The new item's URL" },
                    "ETag": { "schema": { "type": "string" }, "description": "The new item's strong entity tag" },
                    "Idempotent-Replayed": { "schema": { "type": "string" }, "description": "`true` on a replayed response" } },
                "content": geojson_body("Feature") },
                "409": response("The first request with this `Idempotency-Key` is still in progress", "Message") }),
        ),
        (Endpoint::Item, "PUT") => write(
            "Replace a segment with a GeoJSON Feature: the text fields it leaves out are cleared",
            conditional(),
            Some(feature_input()),
            written(),
        ),
        (Endpoint::Item, "PATCH") => write(
            "Change a segment with a JSON Merge Patch (RFC 7396) of its Feature: what is sent \
             changes, `null` clears a property, what is left out stays",
            conditional(),
            Some(json!({ "application/merge-patch+json": schema("FeaturePatch") })),
            written(),
        ),
        (Endpoint::Item, "DELETE") => write(
            "Delete a segment",
            conditional(),
            None,
            json!({ "204": { "description": "Deleted" } }),
        ),
        other => unreachable!("{other:?} is not an OGC API Features operation"),
    }
}

/// A `GET`.
fn read(endpoint: Endpoint) -> Value {
    let (summary, parameters, ok) = match endpoint {
        Endpoint::FeaturesLanding => (
            "The landing page",
            vec![reference("f")],
            json_body("LandingPage"),
        ),
        Endpoint::Conformance => (
            "The conformance classes implemented",
            vec![reference("f")],
            json_body("ConfClasses"),
        ),
        Endpoint::Collections => (
            "The collections: `segmentos`",
            vec![reference("f")],
            json_body("Collections"),
        ),
        Endpoint::Collection => (
            "The `segmentos` collection",
            vec![reference("f")],
            json_body("Collection"),
        ),
        Endpoint::Items => (
            "A page of segments as GeoJSON features",
            PARAMETERS
                .iter()
                .chain(&["prefer"])
                .map(|name| reference(name))
                .collect(),
            geojson_body("FeatureCollection"),
        ),
        Endpoint::Item => (
            "One segment as a GeoJSON feature, with a strong `ETag`",
            vec![reference("featureId"), reference("f")],
            geojson_body("Feature"),
        ),
        other => unreachable!("{other:?} is not an OGC API Features endpoint"),
    };
    let mut responses = json!({
        "200": { "description": summary, "content": ok },
        "400": response("A query parameter is undeclared or invalid", "Exception"),
        "500": response("Internal error (the log has the cause)", "Message"),
    });
    if endpoint == Endpoint::Item {
        responses["304"] =
            json!({ "description": "Not Modified: `If-None-Match` names the current version" });
        responses["404"] = response("No segment has this id", "Message");
    }
    json!({ "summary": summary, "parameters": parameters, "responses": responses })
}

/// A write, with the answers every write shares.
fn write(summary: &str, parameters: Vec<Value>, body: Option<Value>, answers: Value) -> Value {
    let mut responses = json!({
        "400": response("Invalid body or header; `detail` lists every problem, located", "Exception"),
        "413": response("Body over 64 KiB", "Message"),
        "415": response("Body not declared as JSON", "Message"),
        "500": response("Internal error (the log has the cause)", "Message"),
    });
    for (status, answer) in answers.as_object().unwrap() {
        responses[status] = answer.clone();
    }
    if parameters.contains(&reference("featureId")) {
        responses["404"] = response("No segment has this id", "Message");
        responses["412"] = json!({ "description": "`If-Match` / `If-None-Match` do not hold \
            for the current version (or `If-Match` names a segment that does not exist); \
            nothing changed",
            "headers": { "ETag": { "schema": { "type": "string" }, "description": "The current entity tag" } },
            "content": json_body("Message") });
    }
    let mut operation =
        json!({ "summary": summary, "parameters": parameters, "responses": responses });
    if let Some(body) = body {
        operation["requestBody"] = json!({ "required": true, "content": body });
    }
    operation
}

/// What a create and a replace take: a Feature, declared as GeoJSON or JSON.
fn feature_input() -> Value {
    json!({ "application/geo+json": schema("FeatureInput"), "application/json": schema("FeatureInput") })
}

/// The answers of a replace and a patch.
fn written() -> Value {
    json!({ "200": { "description": "The item as written",
        "headers": { "ETag": { "schema": { "type": "string" }, "description": "Its strong entity tag" } },
        "content": geojson_body("Feature") } })
}

/// The item's id and the conditions of a write to it.
fn conditional() -> Vec<Value> {
    vec![
        reference("featureId"),
        reference("ifMatch"),
        reference("ifNoneMatch"),
    ]
}

/// A key is optional under `ACCESS_MODE=open` (and for reads under `writes`).
fn secured(operation: &mut Value, writes: bool) {
    operation["security"] = json!([{}, { "api_key": [] }]);
    operation["responses"]["401"] = response("A key is needed and none valid was sent", "Message");
    if writes {
        operation["responses"]["403"] = response("The key lacks the `write` scope", "Message");
    }
}

fn reference(parameter: &str) -> Value {
    json!({ "$ref": format!("#/components/parameters/{parameter}") })
}

fn schema(name: &str) -> Value {
    json!({ "schema": { "$ref": format!("#/components/schemas/{name}") } })
}

fn json_body(name: &str) -> Value {
    json!({ "application/json": schema(name) })
}

fn geojson_body(name: &str) -> Value {
    json!({ "application/geo+json": schema(name) })
}

fn response(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": json_body(schema) })
}

/// A query parameter as the standard writes them.
fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "style": "form", "explode": false,
            "description": description, "schema": schema })
}

fn header(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "header", "required": false, "description": description, "schema": schema })
}

fn components() -> Value {
    let parameters = json!({
        // No `maximum`: the standard has a larger limit clamped, not refused
        // (/req/core/fc-limit-response-1), so any whole number from 1 is valid.
        "limit": query("limit", &format!(
            "Features per page: 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}); a larger value is read as {MAX_LIMIT}."),
            json!({ "type": "integer", "minimum": 1, "default": DEFAULT_LIMIT })),
        "bbox": query("bbox",
            "Only features inside this box: minLon,minLat,maxLon,maxLat in CRS84 (six numbers: \
             with heights, ignored). minLon greater than maxLon crosses the antimeridian.",
            json!({ "type": "array", "oneOf": [{ "minItems": 4, "maxItems": 4 }, { "minItems": 6, "maxItems": 6 }],
                    "items": { "type": "number" } })),
        "datetime": query("datetime",
            "Only features whose `updated_at` is this instant or in this interval (both ends \
             included; `..` or nothing for an open end). RFC 3339, or a date (`2026-11-20`, \
             `2026-11-20T`) for the whole UTC day.",
            // An interval's ends are instants or days, which a pattern cannot check (a
            // month has 28 to 31 days): the schema says instants, days and open intervals.
            json!({ "anyOf": [{ "type": "string", "format": "date-time" },
                { "type": "string", "format": "date" },
                { "type": "string", "pattern": "^(\\.\\.)?/(\\.\\.)?$" }] })),
        "nombre": query("nombre", &schema::equality_filter(&NOMBRE), json!({ "type": "string" })),
        "ubicacion": query("ubicacion", &schema::equality_filter(&UBICACION), json!({ "type": "string" })),
        "cursor": query("cursor", cursor::DESCRIPTION, json!({ "type": "string" })),
        "f": query("f", "The encoding: JSON (GeoJSON for features), as without it.",
            json!({ "type": "string", "enum": FORMATS })),
        "idempotencyKey": header("Idempotency-Key", key::DESCRIPTION, key::header_schema()),
        "ifMatch": header("If-Match", conditional::IF_MATCH_DESCRIPTION,
            conditional::write_condition_schema()),
        "ifNoneMatch": header("If-None-Match", conditional::IF_NONE_MATCH_DESCRIPTION,
            conditional::write_condition_schema()),
        "prefer": header("Prefer", PREFER_DESCRIPTION, json!({ "type": "string" })),
        "featureId": { "name": "featureId", "in": "path", "required": true,
            "description": ID_SEGMENTO.description, "schema": schema::id() },
    });
    json!({
        "parameters": parameters,
        "schemas": schemas(),
        "securitySchemes": { "api_key": { "type": "http", "scheme": "bearer",
            "description": "An API key (`npm run keys`), needed under `ACCESS_MODE=all`." } },
    })
}

fn schemas() -> Value {
    let link = json!({ "type": "object", "required": ["href", "rel"], "properties": {
        "href": { "type": "string" }, "rel": { "type": "string" }, "type": { "type": "string" } } });
    let links = json!({ "type": "array", "items": { "$ref": "#/components/schemas/Link" } });
    let stored = properties(FIELDS.into_iter(), DIALECT);
    // What a create or a replace takes: the client's properties, and a position.
    let (sent, required) = (
        properties(in_properties(), DIALECT),
        required(in_properties()),
    );
    let position = json!({ "type": "array", "minItems": 2, "maxItems": 3, "items": { "type": "number" },
        "description": format!("{} in CRS84, or with an altitude after them (ignored)", schema::position()) });
    let feature_input = json!({ "type": "object", "required": ["type", "geometry", "properties"],
        "description": "A GeoJSON Feature of a Point. Its `id`, other members and other \
            properties are ignored; the items' own features can be sent back as they are.",
        "properties": {
            "type": { "type": "string", "enum": ["Feature"] },
            "geometry": { "type": "object", "required": ["type", "coordinates"], "properties": {
                "type": { "type": "string", "enum": ["Point"] }, "coordinates": position } },
            "properties": { "type": "object", "required": required, "properties": sent } } });
    let feature_patch = json!({ "type": "object",
        "description": format!("A JSON Merge Patch (RFC 7396) of the item's Feature: the \
            properties sent change (`null` clears {}), `coordinates` sent move the point, and \
            whatever is left out stays.", schema::named(schema::optional_fields())),
        "properties": {
            "type": { "type": "string", "enum": ["Feature"] },
            "geometry": { "type": "object", "properties": {
                "type": { "type": "string", "enum": ["Point"] }, "coordinates": position } },
            "properties": { "type": "object", "properties": sent } } });
    let feature = json!({ "type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": { "type": "string", "enum": ["Feature"] },
        "id": { "type": "integer" },
        "geometry": { "type": "object", "required": ["type", "coordinates"], "properties": {
            "type": { "type": "string", "enum": ["Point"] },
            "coordinates": { "type": "array", "minItems": 2, "maxItems": 2, "items": { "type": "number" } } } },
        "properties": { "type": "object", "required": FIELDS.iter().map(|field| field.name).collect::<Vec<_>>(),
            "properties": stored },
        "links": links,
    } });
    json!({
        "Link": link,
        "LandingPage": { "type": "object", "required": ["links"], "properties": {
            "title": { "type": "string" }, "description": { "type": "string" }, "links": links } },
        "ConfClasses": { "type": "object", "required": ["conformsTo"], "properties": {
            "conformsTo": { "type": "array", "items": { "type": "string" } } } },
        "Collection": { "type": "object", "required": ["id", "links"], "properties": {
            "id": { "type": "string" }, "title": { "type": "string" }, "description": { "type": "string" },
            "itemType": { "type": "string" }, "crs": { "type": "array", "items": { "type": "string" } },
            "extent": { "type": "object", "properties": {
                "spatial": { "type": "object", "properties": {
                    "bbox": { "type": "array", "items": { "type": "array", "minItems": 4, "maxItems": 4, "items": { "type": "number" } } },
                    "crs": { "type": "string" } } },
                "temporal": { "type": "object", "properties": {
                    "interval": { "type": "array", "items": { "type": "array", "minItems": 2, "maxItems": 2,
                        "items": { "type": "string", "format": "date-time", "nullable": true } } },
                    "trs": { "type": "string" } } } } },
            "links": links } },
        "Collections": { "type": "object", "required": ["links", "collections"], "properties": {
            "links": links, "collections": { "type": "array", "items": { "$ref": "#/components/schemas/Collection" } } } },
        "Feature": feature,
        "FeatureInput": feature_input,
        "FeaturePatch": feature_patch,
        "FeatureCollection": { "type": "object", "required": ["type", "features"], "properties": {
            "type": { "type": "string", "enum": ["FeatureCollection"] },
            "features": { "type": "array", "items": { "$ref": "#/components/schemas/Feature" } },
            "links": links,
            "timeStamp": { "type": "string", "format": "date-time" },
            "numberMatched": { "type": "integer", "minimum": 0, "description":
                "Features in the collection, or with a filter those that match it: a filtered \
                 page gives it only with `Prefer: count=exact`." },
            "numberReturned": { "type": "integer", "minimum": 0 } } },
        "Exception": { "type": "object", "required": ["code"], "properties": {
            "code": { "type": "string" }, "description": { "type": "string" },
            "detail": { "type": "array", "items": { "type": "object" } } } },
        "Message": { "type": "object", "required": ["detail"], "properties": { "detail": { "type": "string" } } },
    })
}

#[cfg(test)]
mod tests;
