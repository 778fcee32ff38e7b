//! The road segment: what clients send, what may be stored, and what they get back.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{client_fields, is_server_field, FieldRule, FieldValue, Presence, ID_SEGMENTO};
use crate::validation::field_error::{ErrorKind, FieldError};
use crate::validation::input::{integer_in_range, MAX_SAFE_INTEGER};

/// A stored segment, as D1 returns it and as the API sends it. Its fields are the rules
/// table's (`fields`), which the OpenAPI documents describe it from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
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
    /// A stored segment in Córdoba, for tests of what is built from segments; the
    /// optional fields it does not name are empty.
    pub fn sample(id_segmento: i64) -> Self {
        Self {
            id_segmento,
            nombre: "Av. Colón".into(),
            longitud: -64.18,
            latitud: -31.41,
            ubicacion: Some("Córdoba".into()),
            created_at: "2026-11-22T10:00:00.000Z".into(),
            updated_at: "2026-11-22T10:00:00.000Z".into(),
            version: 1,
            ..Self::default()
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

/// The JSON body of a create or an update, exactly as sent: what it holds for each client
/// field (in table order, `fields::client_fields`) and the names of its other members.
/// Nothing is checked until it is taken as a create or an update, so that every problem
/// is found in one pass; the OpenAPI document describes it from the table too
/// (`SegmentoCreate`, `SegmentoUpdate`).
#[derive(Debug)]
pub struct SegmentPayload {
    sent: Vec<Sent>,
    other: BTreeSet<String>,
}

/// What a body holds for one field.
#[derive(Debug, Clone, PartialEq)]
enum Sent {
    Absent,
    Null,
    Value(Value),
}

impl<'de> Deserialize<'de> for SegmentPayload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PayloadVisitor)
    }
}

struct PayloadVisitor;

impl<'de> Visitor<'de> for PayloadVisitor {
    type Value = SegmentPayload;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a segment object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SegmentPayload, A::Error> {
        let mut payload = SegmentPayload {
            sent: vec![Sent::Absent; client_fields().count()],
            other: BTreeSet::new(),
        };
        while let Some(key) = map.next_key::<String>()? {
            let Some((index, field)) = client_fields()
                .enumerate()
                .find(|(_, field)| field.name == key)
            else {
                map.next_value::<IgnoredAny>()?;
                payload.other.insert(key);
                continue;
            };
            // A member named twice is a body that says two things: unreadable, as JSON
            // parsers that keep the first or the last would disagree.
            if payload.sent[index] != Sent::Absent {
                return Err(A::Error::duplicate_field(field.name));
            }
            payload.sent[index] = match map.next_value::<Value>()? {
                Value::Null => Sent::Null,
                value => Sent::Value(value),
            };
        }
        Ok(payload)
    }
}

impl SegmentPayload {
    /// A create: every required field must be sent.
    pub fn into_new(self) -> Result<NewSegment, Vec<FieldError>> {
        let mut check = Check::default();
        let values = client_fields()
            .zip(self.sent)
            .map(|(field, sent)| check.take(field, sent, Write::Create).flatten())
            .collect();
        check.finish(&self.other, NewSegment { values })
    }

    /// A partial update: only the fields sent change; the optional ones may be cleared
    /// with `null`, the required ones may not.
    pub fn into_patch(self) -> Result<SegmentPatch, Vec<FieldError>> {
        let mut check = Check::default();
        let changes = client_fields()
            .zip(self.sent)
            .filter_map(|(field, sent)| Some((field, check.take(field, sent, Write::Update)?)))
            .collect();
        check.finish(&self.other, SegmentPatch { changes })
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Write {
    Create,
    Update,
}

/// The problems of one body, field by field, in table order.
#[derive(Default)]
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    /// What a write takes from a field: `None` when it was not sent, `Some(None)` when it
    /// was cleared, `Some(Some(value))` for a valid value; a problem is recorded instead.
    fn take(
        &mut self,
        field: &'static FieldRule,
        sent: Sent,
        write: Write,
    ) -> Option<Option<FieldValue>> {
        let value = match sent {
            Sent::Absent => {
                if write == Write::Create && field.presence == Presence::Required {
                    self.errors
                        .push(FieldError::body_field(field.name, ErrorKind::Missing));
                }
                return None;
            }
            Sent::Null if field.presence == Presence::Optional => return Some(None),
            Sent::Null => Value::Null,
            Sent::Value(value) => value,
        };
        match field.read(value) {
            Ok(value) => Some(Some(value)),
            Err(problems) => {
                let located = problems
                    .into_iter()
                    .map(|kind| FieldError::body_field(field.name, kind));
                self.errors.extend(located);
                None
            }
        }
    }

    /// `Ok(value)` when nothing was wrong and no member is unknown (a field the server
    /// owns is not unknown: clients echo whole segments back).
    fn finish<V>(mut self, other: &BTreeSet<String>, value: V) -> Result<V, Vec<FieldError>> {
        let unknown = other.iter().filter(|name| !is_server_field(name));
        self.errors
            .extend(unknown.map(|name| FieldError::body_field(name, ErrorKind::ExtraForbidden)));
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// A valid segment that is not stored yet: a value, or none, for each client field in
/// table order. Only [`SegmentPayload::into_new`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSegment {
    values: Vec<Option<FieldValue>>,
}

impl NewSegment {
    /// The value of each column a client sets, in table order (`fields::client_fields`):
    /// what an insert binds.
    pub fn values(&self) -> Vec<ColumnValue<'_>> {
        self.values.iter().map(ColumnValue::of).collect()
    }

    /// The value of one client field.
    #[cfg(test)]
    pub fn get(&self, field: &FieldRule) -> ColumnValue<'_> {
        let index = client_fields().position(|client| client.name == field.name);
        ColumnValue::of(&self.values[index.expect("a client field")])
    }
}

/// A valid partial update: the fields sent, in table order, each with its new value
/// (`None` clears it). Only [`SegmentPayload::into_patch`] makes one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SegmentPatch {
    changes: Vec<(&'static FieldRule, Option<FieldValue>)>,
}

/// A replacement: every field a client sets takes the new segment's value, so those it
/// leaves out are cleared.
impl From<NewSegment> for SegmentPatch {
    fn from(segment: NewSegment) -> Self {
        Self {
            changes: client_fields().zip(segment.values).collect(),
        }
    }
}

/// A value written into one column; `Text(None)` is SQL `NULL`.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValue<'a> {
    Text(Option<&'a str>),
    Number(f64),
}

impl<'a> ColumnValue<'a> {
    fn of(value: &'a Option<FieldValue>) -> Self {
        match value {
            Some(FieldValue::Text(text)) => Self::Text(Some(text)),
            Some(FieldValue::Number(number)) => Self::Number(*number),
            None => Self::Text(None),
        }
    }
}

impl SegmentPatch {
    /// The columns this patch changes, in table order, with their new values.
    pub fn changes(&self) -> Vec<(&'static str, ColumnValue<'_>)> {
        self.changes
            .iter()
            .map(|(field, value)| (field.name, ColumnValue::of(value)))
            .collect()
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
