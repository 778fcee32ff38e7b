//! The body of a bulk import: up to [`MAX_ITEMS`] new segments, as a JSON array of
//! segment objects or as a GeoJSON FeatureCollection of Points. Each item is validated as
//! a single create is, and every problem of every item is reported at once, located by
//! the item's index, so that nothing is written unless everything can be.

use serde_json::Value;

use super::geojson::input;
use crate::segments::model::{NewSegment, SegmentPayload};
use crate::validation::field_error::{ErrorKind, FieldError, LocItem};
use crate::validation::input::parse_json;

/// Most segments one import may carry.
pub const MAX_ITEMS: usize = 1000;

/// Reads a JSON array of segment objects.
pub fn from_json(body: &[u8]) -> Result<Vec<NewSegment>, Vec<FieldError>> {
    let Value::Array(items) = parse_any_json(body)? else {
        return Err(vec![FieldError::body(ErrorKind::ListType)]);
    };
    check_count(items.len(), FieldError::body)?;
    collect(items.into_iter().enumerate().map(|(index, item)| {
        let at = [LocItem::Index(index)];
        match item {
            Value::Object(fields) => input::payload(fields)
                .and_then(SegmentPayload::into_new)
                .map_err(|errors| errors.into_iter().map(|e| e.within(at.clone())).collect()),
            _ => Err(vec![FieldError::body(ErrorKind::ObjectType).within(at)]),
        }
    }))
}

/// Reads an RFC 7946 FeatureCollection of Point features, each as `geojson::input` reads
/// a Feature: the API's own GeoJSON export can be uploaded as it is.
pub fn from_geojson(body: &[u8]) -> Result<Vec<NewSegment>, Vec<FieldError>> {
    let Value::Object(mut collection) = parse_any_json(body)? else {
        return Err(vec![FieldError::body(ErrorKind::ObjectType)]);
    };
    let mut errors = Vec::new();
    if let Err(error) = input::literal(&collection, "type", &["FeatureCollection"]) {
        errors.push(error);
    }
    let features = match collection.remove("features") {
        Some(Value::Array(features)) => Some(features),
        Some(_) => {
            errors.push(FieldError::body_field("features", ErrorKind::ListType));
            None
        }
        None => {
            errors.push(FieldError::body_field("features", ErrorKind::Missing));
            None
        }
    };
    let Some(features) = features.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    check_count(features.len(), |kind| {
        FieldError::body_field("features", kind)
    })?;
    collect(features.into_iter().enumerate().map(|(index, feature)| {
        input::segment_at(feature, &[name("features"), LocItem::Index(index)])
    }))
}

/// The GeoJSON a bulk import takes, for the OpenAPI document.
#[cfg(test)]
#[derive(utoipa::ToSchema)]
#[schema(description = "An RFC 7946 FeatureCollection of Point features, 1 to 1000 of them.")]
#[allow(dead_code)]
pub struct FeatureCollectionInput {
    /// `FeatureCollection`.
    #[schema(rename = "type", pattern = "^FeatureCollection$")]
    kind: String,
    // Its `maxItems` is `MAX_ITEMS`, set in the document.
    #[schema(min_items = 1)]
    features: Vec<FeatureInput>,
}

#[cfg(test)]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct FeatureInput {
    /// `Feature`.
    #[schema(rename = "type", pattern = "^Feature$")]
    kind: String,
    geometry: PointInput,
    /// The segment's fields other than its position, with the limits of a single create;
    /// other properties are ignored.
    #[schema(value_type = Object)]
    properties: Option<serde_json::Map<String, Value>>,
}

#[cfg(test)]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct PointInput {
    /// `Point`.
    #[schema(rename = "type", pattern = "^Point$")]
    kind: String,
    /// `[longitud, latitud]`, or with an altitude after them (ignored).
    #[schema(min_items = 2, max_items = 3)]
    coordinates: Vec<f64>,
}

fn name(text: &str) -> LocItem {
    LocItem::Name(text.into())
}

/// Any JSON value (a body that is not JSON at all is located as a single create's is).
fn parse_any_json(body: &[u8]) -> Result<Value, Vec<FieldError>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![FieldError::body(ErrorKind::Missing)]);
    }
    // parse_json reads objects only; anything else that is valid JSON is read here.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) => Err(vec![parse_json::<Value>(body)
            .err()
            .unwrap_or_else(|| FieldError::body(ErrorKind::ObjectType))]),
    }
}

fn check_count(count: usize, at: impl Fn(ErrorKind) -> FieldError) -> Result<(), Vec<FieldError>> {
    if count == 0 {
        Err(vec![at(ErrorKind::TooShort { min: 1, actual: 0 })])
    } else if count > MAX_ITEMS {
        Err(vec![at(ErrorKind::TooLong {
            max: MAX_ITEMS,
            actual: count,
        })])
    } else {
        Ok(())
    }
}

/// Every item's segment, or every item's problems.
fn collect(
    items: impl Iterator<Item = Result<NewSegment, Vec<FieldError>>>,
) -> Result<Vec<NewSegment>, Vec<FieldError>> {
    let mut segments = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok(segment) => segments.push(segment),
            Err(problems) => errors.extend(problems),
        }
    }
    if errors.is_empty() {
        Ok(segments)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
