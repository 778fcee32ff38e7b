//! The rules of a segment's fields, in one table: for each field its wire name (which is
//! also its column), what it holds and within which bounds, whether a client must send it,
//! may clear it, or the server owns it, and where a GeoJSON Feature carries it.
//!
//! Validation (`model`), both OpenAPI documents (`schema`), the bulk and GeoJSON imports
//! (`bulk`), the SQL column lists (`store`, `list::sql`) and the property-test oracle all
//! read this table; a native test holds the migrations' CHECK constraints against it at
//! the edges.

use std::sync::LazyLock;

use serde_json::Value;

use crate::validation::field_error::ErrorKind;

/// What a field holds, and its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Text of at most `max_chars` characters (not bytes). `not_blank`: it must hold a
    /// character that is not white space.
    Text { max_chars: u64, not_blank: bool },
    /// A finite number within `[min, max]`.
    Number { min: f64, max: f64 },
    /// A whole number from 1, which the server sets.
    Integer,
    /// An RFC 3339 UTC instant with milliseconds, set by the database.
    Instant,
}

/// Who sets a field, and what a client may send for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// A create must send it; an update may leave it out but never clear it (`null`).
    Required,
    /// It may be left out, or cleared with `null`.
    Optional,
    /// The server sets it: a body may carry it (clients echo whole segments back), and any
    /// value sent is ignored.
    Server,
}

/// Where an imported GeoJSON Feature carries a client field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A member of `properties`.
    Property,
    /// This position of `geometry.coordinates` (RFC 7946: longitude, latitude, altitude).
    Coordinate(usize),
}

/// The rules of one field.
#[derive(Debug, PartialEq)]
pub struct FieldRule {
    /// The JSON member and the column.
    pub name: &'static str,
    pub kind: Kind,
    pub presence: Presence,
    pub place: Place,
    /// What the field means, for the OpenAPI documents.
    pub description: Option<&'static str>,
}

pub const ID_SEGMENTO: FieldRule = server("id_segmento", Kind::Integer, "The segment's id.");

pub const NOMBRE: FieldRule = FieldRule {
    name: "nombre",
    kind: Kind::Text {
        max_chars: 200,
        not_blank: true,
    },
    presence: Presence::Required,
    place: Place::Property,
    description: Some("Name of the segment; not blank."),
};

pub const DESCRIPCION: FieldRule = FieldRule {
    name: "descripcion",
    kind: Kind::Text {
        max_chars: 2000,
        not_blank: false,
    },
    presence: Presence::Optional,
    place: Place::Property,
    description: None,
};

pub const LONGITUD: FieldRule = FieldRule {
    name: "longitud",
    kind: Kind::Number {
        min: -180.0,
        max: 180.0,
    },
    presence: Presence::Required,
    place: Place::Coordinate(0),
    description: Some("Degrees east, WGS 84."),
};

pub const LATITUD: FieldRule = FieldRule {
    name: "latitud",
    kind: Kind::Number {
        min: -90.0,
        max: 90.0,
    },
    presence: Presence::Required,
    place: Place::Coordinate(1),
    description: Some("Degrees north, WGS 84."),
};

pub const UBICACION: FieldRule = FieldRule {
    name: "ubicacion",
    kind: Kind::Text {
        max_chars: 200,
        not_blank: false,
    },
    presence: Presence::Optional,
    place: Place::Property,
    description: Some("Where the segment is (a city, a district)."),
};

pub const CREATED_AT: FieldRule = server("created_at", Kind::Instant, INSTANT);
pub const UPDATED_AT: FieldRule = server("updated_at", Kind::Instant, INSTANT);
pub const VERSION: FieldRule = server(
    "version",
    Kind::Integer,
    "1 when created, one more after each update; the `ETag` is made from it.",
);

const INSTANT: &str = "RFC 3339 UTC, set by the database.";

/// Every field of a segment, in the order of the table's columns (and of a `422`'s
/// problems).
pub const FIELDS: [&FieldRule; 9] = [
    &ID_SEGMENTO,
    &NOMBRE,
    &DESCRIPCION,
    &LONGITUD,
    &LATITUD,
    &UBICACION,
    &CREATED_AT,
    &UPDATED_AT,
    &VERSION,
];

const fn server(name: &'static str, kind: Kind, description: &'static str) -> FieldRule {
    FieldRule {
        name,
        kind,
        presence: Presence::Server,
        place: Place::Property,
        description: Some(description),
    }
}

impl FieldRule {
    /// Whether a client sets the field.
    pub fn is_client(&self) -> bool {
        self.presence != Presence::Server
    }

    /// Reads a value sent for this client field (`null` included, which no kind takes):
    /// the value, or every rule it breaks, in the order a `422` lists them (its type;
    /// else its length, then blankness; or its range).
    pub fn read(&self, value: Value) -> Result<FieldValue, Vec<ErrorKind>> {
        let mut problems = Vec::new();
        let read = match (self.kind, value) {
            (
                Kind::Text {
                    max_chars,
                    not_blank,
                },
                Value::String(text),
            ) => {
                if text.chars().count() as u64 > max_chars {
                    problems.push(ErrorKind::StringTooLong { max: max_chars });
                }
                if not_blank && text.trim().is_empty() {
                    problems.push(ErrorKind::Blank);
                }
                FieldValue::Text(text)
            }
            // A JSON number is always a finite double here: serde_json refuses a body with
            // one beyond the doubles (`1e400`) as unreadable.
            (Kind::Number { min, max }, Value::Number(number)) => {
                let number = number.as_f64().unwrap_or_default();
                if number < min {
                    problems.push(ErrorKind::GreaterThanEqual { min });
                } else if number > max {
                    problems.push(ErrorKind::LessThanEqual { max });
                }
                FieldValue::Number(number)
            }
            (Kind::Text { .. }, _) => return Err(vec![ErrorKind::StringType]),
            (Kind::Number { .. }, _) => return Err(vec![ErrorKind::NumberType]),
            // The server sets these; no body is read into them.
            (Kind::Integer | Kind::Instant, _) => return Err(vec![ErrorKind::ExtraForbidden]),
        };
        if problems.is_empty() {
            Ok(read)
        } else {
            Err(problems)
        }
    }
}

/// A valid value of a client field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Number(f64),
}

/// The fields a client sets, in table order.
pub fn client_fields() -> impl Iterator<Item = &'static FieldRule> {
    FIELDS.into_iter().filter(|field| field.is_client())
}

/// The fields the server sets, in table order.
pub fn server_fields() -> impl Iterator<Item = &'static FieldRule> {
    FIELDS.into_iter().filter(|field| !field.is_client())
}

/// Whether `name` is a field the server owns (accepted in a body, and ignored).
pub fn is_server_field(name: &str) -> bool {
    server_fields().any(|field| field.name == name)
}

/// Every column of a segment, in table order: `id_segmento, nombre, ...`.
pub static COLUMNS: LazyLock<String> = LazyLock::new(|| join(FIELDS.into_iter()));

/// The columns a client sets, in table order: what an insert binds for each row.
pub static CLIENT_COLUMNS: LazyLock<String> = LazyLock::new(|| join(client_fields()));

fn join(fields: impl Iterator<Item = &'static FieldRule>) -> String {
    fields
        .map(|field| field.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
pub mod schema;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
