//! The order of the segment list: the fields a client names, then `id_segmento` to make
//! the order total.

use std::fmt::Write;

use serde_json::{json, Value};

use super::item::ListItem;
use crate::segments::fields::{CREATED_AT, ID_SEGMENTO, NOMBRE, UPDATED_AT};
use crate::validation::field_error::ErrorKind;

/// The words of `sort`, for the OpenAPI document.
#[cfg(test)]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum SortName {
    #[schema(rename = "id_segmento")]
    IdSegmento,
    #[schema(rename = "-id_segmento")]
    IdSegmentoDescending,
    #[schema(rename = "nombre")]
    Nombre,
    #[schema(rename = "-nombre")]
    NombreDescending,
    #[schema(rename = "created_at")]
    CreatedAt,
    #[schema(rename = "-created_at")]
    CreatedAtDescending,
    #[schema(rename = "updated_at")]
    UpdatedAt,
    #[schema(rename = "-updated_at")]
    UpdatedAtDescending,
    #[schema(rename = "distance_m")]
    DistanceM,
    #[schema(rename = "-distance_m")]
    DistanceMDescending,
}

/// A field the list can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    IdSegmento,
    Nombre,
    CreatedAt,
    UpdatedAt,
    /// Only with `near`.
    DistanceM,
}

impl SortField {
    const ALL: [Self; 5] = [
        Self::IdSegmento,
        Self::Nombre,
        Self::CreatedAt,
        Self::UpdatedAt,
        Self::DistanceM,
    ];

    /// The parameter's name for the field, which is also its column (the rules table's
    /// name, but for the distance a `near` list computes).
    pub fn name(self) -> &'static str {
        match self {
            Self::IdSegmento => ID_SEGMENTO.name,
            Self::Nombre => NOMBRE.name,
            Self::CreatedAt => CREATED_AT.name,
            Self::UpdatedAt => UPDATED_AT.name,
            Self::DistanceM => "distance_m",
        }
    }

    /// This field of a listed row, as a cursor records it.
    pub fn value_of(self, row: &ListItem) -> Value {
        let segment = &row.segment;
        match self {
            Self::IdSegmento => json!(segment.id_segmento),
            Self::Nombre => json!(segment.nombre),
            Self::CreatedAt => json!(segment.created_at),
            Self::UpdatedAt => json!(segment.updated_at),
            Self::DistanceM => json!(row.distance_m),
        }
    }

    pub fn accepts(self, value: &Value) -> bool {
        match self {
            Self::IdSegmento => value.is_i64(),
            Self::Nombre | Self::CreatedAt | Self::UpdatedAt => value.is_string(),
            Self::DistanceM => value.is_f64() || value.is_i64(),
        }
    }
}

/// One field of an order, ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub field: SortField,
    pub descending: bool,
}

/// A total order of the list: the requested fields, then `id_segmento` to break ties, so
/// that every row has a unique position a cursor can point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort(Vec<SortKey>);

impl Default for Sort {
    /// Newest first: ids only grow, so this is creation order.
    fn default() -> Self {
        Self(vec![SortKey {
            field: SortField::IdSegmento,
            descending: true,
        }])
    }
}

impl Sort {
    pub fn parse(raw: Option<&str>, near: bool) -> Result<Self, ErrorKind> {
        let Some(raw) = raw else {
            return Ok(if near {
                Self::nearest_first()
            } else {
                Self::default()
            });
        };
        let mut keys: Vec<SortKey> = Vec::new();
        for item in raw.split(',').map(str::trim) {
            let (descending, name) = match item.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, item),
            };
            let field = SortField::ALL
                .into_iter()
                .find(|field| field.name() == name)
                .ok_or_else(|| unknown_sort_field(item))?;
            // Without `near` there is no distance; a field listed again is already in
            // the order. Both are ignored, so that every list of fields has a meaning.
            let ignored = (field == SortField::DistanceM && !near)
                || keys.iter().any(|key| key.field == field);
            if !ignored {
                keys.push(SortKey { field, descending });
            }
        }
        if keys.is_empty() {
            return Self::parse(None, near);
        }
        Ok(Self::with_tie_break(keys))
    }

    fn nearest_first() -> Self {
        Self::with_tie_break(vec![SortKey {
            field: SortField::DistanceM,
            descending: false,
        }])
    }

    /// Appends `id_segmento` unless present, in the direction of the last key (so an index
    /// on that key, which ends in the rowid, serves the whole order).
    fn with_tie_break(mut keys: Vec<SortKey>) -> Self {
        if let Some(last) = keys.last().copied() {
            if !keys.iter().any(|key| key.field == SortField::IdSegmento) {
                keys.push(SortKey {
                    field: SortField::IdSegmento,
                    descending: last.descending,
                });
            }
        }
        Self(keys)
    }

    pub fn keys(&self) -> &[SortKey] {
        &self.0
    }

    /// `-created_at,-id_segmento`: what a cursor is bound to.
    pub fn canonical(&self) -> String {
        let mut text = String::new();
        for (index, key) in self.0.iter().enumerate() {
            let separator = if index == 0 { "" } else { "," };
            let sign = if key.descending { "-" } else { "" };
            let _ = write!(text, "{separator}{sign}{}", key.field.name());
        }
        text
    }
}

fn unknown_sort_field(item: &str) -> ErrorKind {
    ErrorKind::value_error(format!(
        "unknown sort field '{item}': use id_segmento, nombre, created_at, updated_at \
         (or distance_m with near), each optionally prefixed with '-'"
    ))
}
