//! The road segment: what clients send, what may be stored, and what they get back.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::fields::{
    is_server_field, DESCRIPCION, ID_SEGMENTO, LATITUD, LONGITUD, NOMBRE, UBICACION,
};
use crate::validation::field_error::FieldError;
use crate::validation::input::{
    finite, integer_in_range, not_blank, Checker, Field, MAX_SAFE_INTEGER,
};

/// A stored segment, as D1 returns it and as the API sends it. Its fields are the rules
/// table's (`fields`), which the OpenAPI documents describe it from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub id_segmento: i64,
    pub nombre: String,
    pub descripcion: Option<String>,
    pub longitud: f64,
    pub latitud: f64,
    pub ubicacion: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[cfg(test)]
impl Segment {
    /// A stored segment in Córdoba, for tests of what is built from segments.
    pub fn sample(id_segmento: i64) -> Self {
        Self {
            id_segmento,
            nombre: "Av. Colón".into(),
            descripcion: None,
            longitud: -64.18,
            latitud: -31.41,
            ubicacion: Some("Córdoba".into()),
            created_at: "2026-11-22T10:00:00.000Z".into(),
            updated_at: "2026-11-22T10:00:00.000Z".into(),
            version: 1,
        }
    }
}

/// The `{id}` of `/api/v1/segmentos/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentId(i64);

impl SegmentId {
    /// Name of the path parameter in error locations.
    pub const PARAM: &'static str = ID_SEGMENTO.name;

    /// Any integer a D1 binding can carry exactly; ids that cannot exist (0, negatives)
    /// are simply not found, as in the original API.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        integer_in_range(raw, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
            .map(Self)
            .map_err(|kind| FieldError::path(Self::PARAM, kind))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// The JSON body of a create or an update, exactly as sent. Every field tolerates any
/// JSON value so that all problems are found in one pass (see [`Checker`]). The bounds
/// are the rules table's (`fields`); the OpenAPI document describes this body from that
/// table too (`SegmentoCreate`, `SegmentoUpdate`).
#[derive(Debug, Default, Deserialize, Validate)]
pub struct SegmentPayload {
    #[serde(default)]
    #[validate(length(max = NOMBRE.max_chars()), custom(function = "not_blank"))]
    nombre: Field<String>,
    #[serde(default)]
    #[validate(length(max = DESCRIPCION.max_chars()))]
    descripcion: Field<String>,
    #[serde(default)]
    #[validate(range(min = LONGITUD.min(), max = LONGITUD.max()), custom(function = "finite"))]
    longitud: Field<f64>,
    #[serde(default)]
    #[validate(range(min = LATITUD.min(), max = LATITUD.max()), custom(function = "finite"))]
    latitud: Field<f64>,
    #[serde(default)]
    #[validate(length(max = UBICACION.max_chars()))]
    ubicacion: Field<String>,
    /// Every other key, reported as unknown unless it is a server-owned field.
    #[serde(flatten)]
    other: BTreeMap<String, IgnoredAny>,
}

impl SegmentPayload {
    /// A create: `nombre`, `longitud` and `latitud` are required.
    pub fn into_new(self) -> Result<NewSegment, Vec<FieldError>> {
        let mut check = Checker::new(self.validate());
        let nombre = check.required(NOMBRE.name, self.nombre);
        let descripcion = check.nullable(DESCRIPCION.name, self.descripcion).flatten();
        let longitud = check.required(LONGITUD.name, self.longitud);
        let latitud = check.required(LATITUD.name, self.latitud);
        let ubicacion = check.nullable(UBICACION.name, self.ubicacion).flatten();
        check.no_unknown_fields(self.other.keys(), is_server_field);
        check.finish(|| {
            Some(NewSegment {
                nombre: nombre?,
                descripcion,
                longitud: longitud?,
                latitud: latitud?,
                ubicacion,
            })
        })
    }

    /// A partial update: only the fields sent change; `descripcion` and `ubicacion` may be
    /// cleared with `null`, the required fields may not.
    pub fn into_patch(self) -> Result<SegmentPatch, Vec<FieldError>> {
        let mut check = Checker::new(self.validate());
        let patch = SegmentPatch {
            nombre: check.optional(NOMBRE.name, self.nombre),
            descripcion: check.nullable(DESCRIPCION.name, self.descripcion),
            longitud: check.optional(LONGITUD.name, self.longitud),
            latitud: check.optional(LATITUD.name, self.latitud),
            ubicacion: check.nullable(UBICACION.name, self.ubicacion),
        };
        check.no_unknown_fields(self.other.keys(), is_server_field);
        check.finish(|| Some(patch))
    }
}

/// A valid segment that is not stored yet. Only [`SegmentPayload::into_new`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSegment {
    nombre: String,
    descripcion: Option<String>,
    longitud: f64,
    latitud: f64,
    ubicacion: Option<String>,
}

impl NewSegment {
    pub fn nombre(&self) -> &str {
        &self.nombre
    }
    pub fn descripcion(&self) -> Option<&str> {
        self.descripcion.as_deref()
    }
    pub fn longitud(&self) -> f64 {
        self.longitud
    }
    pub fn latitud(&self) -> f64 {
        self.latitud
    }
    pub fn ubicacion(&self) -> Option<&str> {
        self.ubicacion.as_deref()
    }

    /// The value of each column a client sets, in table order (`fields::client_fields`):
    /// what an insert binds.
    pub fn values(&self) -> [ColumnValue<'_>; 5] {
        [
            ColumnValue::Text(Some(self.nombre())),
            ColumnValue::Text(self.descripcion()),
            ColumnValue::Number(self.longitud()),
            ColumnValue::Number(self.latitud()),
            ColumnValue::Text(self.ubicacion()),
        ]
    }
}

/// A valid partial update. `None` leaves a field as it is; for the nullable fields
/// `Some(None)` clears it. Only [`SegmentPayload::into_patch`] makes one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SegmentPatch {
    nombre: Option<String>,
    descripcion: Option<Option<String>>,
    longitud: Option<f64>,
    latitud: Option<f64>,
    ubicacion: Option<Option<String>>,
}

/// A replacement: every field a client sets takes the new segment's value, so those it
/// leaves out are cleared.
impl From<NewSegment> for SegmentPatch {
    fn from(segment: NewSegment) -> Self {
        Self {
            nombre: Some(segment.nombre),
            descripcion: Some(segment.descripcion),
            longitud: Some(segment.longitud),
            latitud: Some(segment.latitud),
            ubicacion: Some(segment.ubicacion),
        }
    }
}

/// A value written into one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValue<'a> {
    Text(Option<&'a str>),
    Number(f64),
}

impl SegmentPatch {
    /// The columns this patch changes, in table order, with their new values.
    pub fn changes(&self) -> Vec<(&'static str, ColumnValue<'_>)> {
        [
            (
                NOMBRE.name,
                self.nombre
                    .as_deref()
                    .map(|text| ColumnValue::Text(Some(text))),
            ),
            (DESCRIPCION.name, nullable_text(&self.descripcion)),
            (LONGITUD.name, self.longitud.map(ColumnValue::Number)),
            (LATITUD.name, self.latitud.map(ColumnValue::Number)),
            (UBICACION.name, nullable_text(&self.ubicacion)),
        ]
        .into_iter()
        .filter_map(|(column, value)| Some((column, value?)))
        .collect()
    }
}

fn nullable_text(value: &Option<Option<String>>) -> Option<ColumnValue<'_>> {
    value
        .as_ref()
        .map(|text| ColumnValue::Text(text.as_deref()))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
