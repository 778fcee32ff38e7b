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
use crate::router::{Api, Endpoint, ROUTES};
use crate::segments::fields::{Kind, Presence, FIELDS};

pub const PUBLISHED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/public/ogc/openapi.json");

/// The document, as published: pretty JSON and a final newline.
pub fn document() -> String {
    let paths: Map<String, Value> = ROUTES
        .iter()
        .filter(|route| route.api == Api::Features)
        .map(|route| {
            (
                route.path.to_owned(),
                json!({ "get": operation(route.endpoint, route.resource) }),
            )
        })
        .collect();
    let document = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "RecWay road segments: OGC API - Features",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "The road segments as OGC API - Features (conformance classes: {}). One \
                 collection, `segmentos`: points in CRS84, newest first, paged with an opaque \
                 `cursor` in each `next` link. Under `ACCESS_MODE=all`, the collections and \
                 features need an API key (`Authorization: Bearer`).",
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

fn operation(endpoint: Endpoint, resource: Resource) -> Value {
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
            PARAMETERS.iter().map(|name| reference(name)).collect(),
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
    let mut operation =
        json!({ "summary": summary, "parameters": parameters, "responses": responses });
    if resource == Resource::Segments {
        operation["security"] = json!([{}, { "api_key": [] }]);
        operation["responses"]["401"] = response("`ACCESS_MODE=all` and no valid key", "Message");
    }
    operation
}

fn reference(parameter: &str) -> Value {
    json!({ "$ref": format!("#/components/parameters/{parameter}") })
}

fn json_body(schema: &str) -> Value {
    json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } })
}

fn geojson_body(schema: &str) -> Value {
    json!({ "application/geo+json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } })
}

fn response(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": json_body(schema) })
}

/// A query parameter as the standard writes them.
fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "style": "form", "explode": false,
            "description": description, "schema": schema })
}

fn components() -> Value {
    let parameters = json!({
        "limit": query("limit", &format!(
            "Features per page: 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}); a larger value is read as {MAX_LIMIT}."),
            json!({ "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT })),
        "bbox": query("bbox",
            "Only features inside this box: minLon,minLat,maxLon,maxLat in CRS84 (six numbers: \
             with heights, ignored). minLon greater than maxLon crosses the antimeridian.",
            json!({ "type": "array", "oneOf": [{ "minItems": 4, "maxItems": 4 }, { "minItems": 6, "maxItems": 6 }],
                    "items": { "type": "number" } })),
        "datetime": query("datetime",
            "Only features whose `updated_at` is this instant or in this interval (both ends \
             included; `..` or nothing for an open end). RFC 3339, or a date (`2026-11-20`, \
             `2026-11-20T`) for the whole UTC day.",
            json!({ "type": "string" })),
        "nombre": query("nombre", "Only features with exactly this `nombre`.", json!({ "type": "string" })),
        "ubicacion": query("ubicacion", "Only features with exactly this `ubicacion`.", json!({ "type": "string" })),
        "cursor": query("cursor", "Opaque position, from the `next` link of the previous page.", json!({ "type": "string" })),
        "f": query("f", "The encoding: JSON (GeoJSON for features), as without it.",
            json!({ "type": "string", "enum": FORMATS })),
        "featureId": { "name": "featureId", "in": "path", "required": true,
            "description": "The segment's `id_segmento`.", "schema": { "type": "string" } },
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
    let properties: Map<String, Value> = FIELDS
        .iter()
        .map(|field| {
            let mut schema = match field.kind {
                Kind::Text { max_chars, .. } => json!({ "type": "string", "maxLength": max_chars }),
                Kind::Number { min, max } => {
                    json!({ "type": "number", "minimum": min, "maximum": max })
                }
                Kind::Integer => json!({ "type": "integer" }),
                Kind::Instant => json!({ "type": "string", "format": "date-time" }),
            };
            if field.presence == Presence::Optional {
                schema["nullable"] = json!(true);
            }
            (field.name.to_owned(), schema)
        })
        .collect();
    let feature = json!({ "type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": { "type": "string", "enum": ["Feature"] },
        "id": { "type": "integer" },
        "geometry": { "type": "object", "required": ["type", "coordinates"], "properties": {
            "type": { "type": "string", "enum": ["Point"] },
            "coordinates": { "type": "array", "minItems": 2, "maxItems": 2, "items": { "type": "number" } } } },
        "properties": { "type": "object", "required": FIELDS.iter().map(|field| field.name).collect::<Vec<_>>(),
            "properties": properties },
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
        "FeatureCollection": { "type": "object", "required": ["type", "features"], "properties": {
            "type": { "type": "string", "enum": ["FeatureCollection"] },
            "features": { "type": "array", "items": { "$ref": "#/components/schemas/Feature" } },
            "links": links,
            "timeStamp": { "type": "string", "format": "date-time" },
            "numberMatched": { "type": "integer", "minimum": 0 },
            "numberReturned": { "type": "integer", "minimum": 0 } } },
        "Exception": { "type": "object", "required": ["code"], "properties": {
            "code": { "type": "string" }, "description": { "type": "string" },
            "detail": { "type": "array", "items": { "type": "object" } } } },
        "Message": { "type": "object", "required": ["detail"], "properties": { "detail": { "type": "string" } } },
    })
}

#[cfg(test)]
mod tests;
