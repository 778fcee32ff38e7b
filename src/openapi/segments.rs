//! The schemas of segment request bodies, built from the rules table (`segments::fields`)
//! rather than from attributes on the DTOs, so that the document states exactly the bounds
//! validation enforces: a create (`SegmentoCreate`), an update (`SegmentoUpdate`), and
//! what a bulk import's GeoJSON Feature carries.

use std::borrow::Cow;

use serde_json::{json, Map, Value};
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, SchemaType};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::segments::fields::{client_fields, server_fields, FieldRule, Kind, Place, Presence};
use crate::segments::model::{SegmentPatch, SegmentPayload};
use crate::validation::field_error::number;

/// Text with a character that is not Unicode White_Space (what `str::trim` removes), as
/// a `not_blank` field must have.
const NOT_BLANK_PATTERN: &str =
    r"[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// Which write a body is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Create,
    Update,
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
    let properties: Map<String, Value> = client_fields()
        .map(|field| (field.name.to_owned(), value(field)))
        .collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    schema["description"] = json!(match write {
        Write::Create => {
            "A new segment. Unknown fields are refused (422); `id_segmento`, `created_at`, \
             `updated_at` and `version` are accepted and ignored, as the server sets them."
        }
        Write::Update => {
            "Changes to a segment: only the fields sent change; `descripcion` and `ubicacion` \
             may be `null` to clear them. Unknown fields are refused (422)."
        }
    });
    // A partial update requires nothing.
    if write == Write::Create {
        schema["required"] = required(client_fields());
    }
    schema
}

/// The schema of one client field's value: its type, bounds and meaning.
fn value(field: &FieldRule) -> Value {
    let mut schema = match field.kind {
        Kind::Text {
            max_chars,
            not_blank,
        } => {
            let mut text = json!({"type": "string", "maxLength": max_chars});
            if not_blank {
                text["minLength"] = json!(1);
                text["pattern"] = json!(NOT_BLANK_PATTERN);
            }
            text
        }
        Kind::Number { min, max } => json!({
            "type": "number", "format": "double", "minimum": number(min), "maximum": number(max),
        }),
        Kind::Integer | Kind::Instant => unreachable!("{} is the server's", field.name),
    };
    if field.presence == Presence::Optional {
        let kind = schema["type"].take();
        schema["type"] = json!([kind, "null"]);
    }
    if let Some(description) = field.description {
        schema["description"] = json!(description);
    }
    schema
}

fn required<'a>(fields: impl Iterator<Item = &'a FieldRule>) -> Value {
    fields
        .filter(|field| field.presence == Presence::Required)
        .map(|field| json!(field.name))
        .collect()
}

/// The `properties` of a bulk import's Feature: the fields it carries there, with the
/// bounds of a create (other members are ignored).
pub fn feature_properties() -> Value {
    let placed = || client_fields().filter(|field| field.place == Place::Property);
    let properties: Map<String, Value> = placed()
        .map(|field| (field.name.to_owned(), value(field)))
        .collect();
    json!({"type": "object", "required": required(placed()), "properties": properties})
}

/// Position `index` of a `[longitude, latitude]` pair: the bounds of the field the table
/// places there.
pub fn coordinate(index: usize) -> Value {
    let field = client_fields()
        .find(|field| field.place == Place::Coordinate(index))
        .expect("a field at this position");
    json!({"type": "number", "minimum": number(field.min()), "maximum": number(field.max())})
}
