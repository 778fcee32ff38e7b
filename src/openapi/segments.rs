//! The schemas of segments, built from the rules table (`segments::fields::schema`)
//! rather than from attributes on the DTOs, so that the document states exactly the bounds
//! validation enforces, as the OGC document does: a stored segment (`Segmento`), a create
//! (`SegmentoCreate`), an update (`SegmentoUpdate`), and what a bulk import's GeoJSON
//! Feature carries.

use std::borrow::Cow;

use serde_json::{json, Value};
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, SchemaType};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::segments::fields::schema::{
    in_properties, named, optional_fields, properties, required, server_fields_ignored, Dialect,
};
use crate::segments::fields::{client_fields, server_fields, FIELDS};
use crate::segments::model::{Segment, SegmentPatch, SegmentPayload};

const DIALECT: Dialect = Dialect::OpenApi31;

/// Which write a body is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Create,
    Update,
}

impl ToSchema for Segment {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Segmento")
    }
}

impl PartialSchema for Segment {
    fn schema() -> RefOr<Schema> {
        let schema = json!({
            "type": "object",
            "description": "A stored segment, as the API sends it: every field, `null` where \
                an optional one is empty.",
            "properties": properties(FIELDS.into_iter(), DIALECT),
            "required": FIELDS.iter().map(|field| field.name).collect::<Vec<_>>(),
        });
        RefOr::T(Schema::Object(
            serde_json::from_value(schema).expect("an object schema"),
        ))
    }
}

impl ToSchema for SegmentPayload {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("SegmentoCreate")
    }
}

impl PartialSchema for SegmentPayload {
    fn schema() -> RefOr<Schema> {
        as_schema(body(Write::Create))
    }
}

impl ToSchema for SegmentPatch {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("SegmentoUpdate")
    }
}

impl PartialSchema for SegmentPatch {
    fn schema() -> RefOr<Schema> {
        as_schema(body(Write::Update))
    }
}

/// A closed object: unknown fields are a `422`. The server-owned fields are accepted,
/// whatever their value, and ignored, so they are listed before the object is closed.
fn as_schema(body: Value) -> RefOr<Schema> {
    let mut schema: Object = serde_json::from_value(body).expect("an object schema");
    for field in server_fields() {
        let any = ObjectBuilder::new()
            .schema_type(SchemaType::AnyValue)
            .description(Some("Set by the server: any value sent is ignored."));
        schema.properties.insert(field.name.to_owned(), any.into());
    }
    RefOr::T(Schema::Object(schema))
}

/// A segment body's schema, but for the server-owned fields (see [`as_schema`]).
fn body(write: Write) -> Value {
    let mut schema = json!({
        "type": "object",
        "properties": properties(client_fields(), DIALECT),
        "additionalProperties": false,
    });
    schema["description"] = json!(match write {
        Write::Create => format!(
            "A new segment. Unknown fields are refused (422); {}.",
            server_fields_ignored()
        ),
        Write::Update => format!(
            "Changes to a segment: only the fields sent change; {} may be `null` to clear \
             them. Unknown fields are refused (422).",
            named(optional_fields())
        ),
    });
    // A partial update requires nothing.
    if write == Write::Create {
        schema["required"] = required(client_fields());
    }
    schema
}

/// The `properties` of a bulk import's Feature: the fields it carries there, with the
/// bounds of a create (other members are ignored).
pub fn feature_properties() -> Value {
    json!({"type": "object", "required": required(in_properties()),
        "properties": properties(in_properties(), DIALECT)})
}
