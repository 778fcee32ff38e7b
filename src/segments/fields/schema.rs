//! The fields as JSON Schema, for both OpenAPI documents: the v1 API's (3.1) and OGC API
//! Features' (3.0) state each field's type, bounds and meaning from this one rendering of
//! the rules table, and differ only in how they say that a value may be `null`.

use serde_json::{json, Map, Value};

use super::{client_fields, server_fields, FieldRule, Kind, Place, Presence};
use crate::validation::field_error::number;
use crate::validation::input::MAX_SAFE_INTEGER;

/// Text with a character that is not Unicode White_Space (what `str::trim` removes), as
/// a `not_blank` field must have.
pub const NOT_BLANK_PATTERN: &str =
    r"[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// How a document says that a value may be `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// OpenAPI 3.1 (JSON Schema 2020-12): `"type": ["string", "null"]`.
    OpenApi31,
    /// OpenAPI 3.0: `"nullable": true`.
    OpenApi30,
}

impl Dialect {
    /// `schema`, which may also be `null`.
    pub fn nullable(self, mut schema: Value) -> Value {
        match self {
            Self::OpenApi31 => {
                let kind = schema["type"].take();
                schema["type"] = json!([kind, "null"]);
            }
            Self::OpenApi30 => schema["nullable"] = json!(true),
        }
        schema
    }
}

/// The schema of a field's value: its type, bounds and meaning; an optional field's may
/// be `null`.
pub fn value(field: &FieldRule, dialect: Dialect) -> Value {
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
        Kind::Integer => json!({"type": "integer", "format": "int64", "minimum": 1}),
        Kind::Instant => json!({"type": "string", "format": "date-time"}),
    };
    if let Some(description) = field.description {
        schema["description"] = json!(description);
    }
    match field.presence {
        Presence::Optional => dialect.nullable(schema),
        Presence::Required | Presence::Server => schema,
    }
}

/// The `properties` of an object that holds `fields`.
pub fn properties<'a>(
    fields: impl Iterator<Item = &'a FieldRule>,
    dialect: Dialect,
) -> Map<String, Value> {
    fields
        .map(|field| (field.name.to_owned(), value(field, dialect)))
        .collect()
}

/// A segment's id as a path names it: any integer a D1 binding carries exactly, as
/// `SegmentId::parse` takes it (ids that cannot be a segment's are simply not found).
pub fn id() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": -MAX_SAFE_INTEGER,
        "maximum": MAX_SAFE_INTEGER})
}

/// The description of a list's filter on `field`, in both documents.
pub fn equality_filter(field: &FieldRule) -> String {
    format!(
        "Only the segments whose `{}` is exactly this text.",
        field.name
    )
}

/// The names of the fields a create must send.
pub fn required<'a>(fields: impl Iterator<Item = &'a FieldRule>) -> Value {
    fields
        .filter(|field| field.presence == Presence::Required)
        .map(|field| json!(field.name))
        .collect()
}

/// The client fields a GeoJSON Feature carries in its `properties`.
pub fn in_properties() -> impl Iterator<Item = &'static FieldRule> {
    client_fields().filter(|field| field.place == Place::Property)
}

/// Position `index` of a `[longitude, latitude]` pair: the bounds of the field the table
/// places there.
pub fn coordinate(index: usize) -> Value {
    let field = client_fields()
        .find(|field| field.place == Place::Coordinate(index))
        .expect("a field at this position");
    let Kind::Number { min, max } = field.kind else {
        panic!("{} is not a number", field.name)
    };
    json!({"type": "number", "minimum": number(min), "maximum": number(max)})
}

/// A position's members as prose, in order: "`[longitud, latitud]`".
pub fn position() -> String {
    let names: Vec<&str> = (0..)
        .map_while(|index| {
            client_fields()
                .find(|field| field.place == Place::Coordinate(index))
                .map(|field| field.name)
        })
        .collect();
    format!("`[{}]`", names.join(", "))
}

/// Field names as prose: "`a`, `b` and `c`".
pub fn named<'a>(fields: impl Iterator<Item = &'a FieldRule>) -> String {
    let names: Vec<String> = fields.map(|field| format!("`{}`", field.name)).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The optional fields, which a write may clear with `null`.
pub fn optional_fields() -> impl Iterator<Item = &'static FieldRule> {
    client_fields().filter(|field| field.presence == Presence::Optional)
}

/// What a body may say of the fields the server sets.
pub fn server_fields_ignored() -> String {
    format!(
        "{} are accepted and ignored, as the server sets them",
        named(server_fields())
    )
}
