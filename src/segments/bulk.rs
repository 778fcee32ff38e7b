//! The body of a bulk import: up to [`MAX_ITEMS`] new segments, as a JSON array of
//! segment objects or as a GeoJSON FeatureCollection of Points. Each item is validated as
//! a single create is, and every problem of every item is reported at once, located by
//! the item's index, so that nothing is written unless everything can be.

use serde_json::{Map, Value};

use super::fields::{client_fields, Place};

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
            Value::Object(fields) => new_segment(fields)
                .map_err(|errors| errors.into_iter().map(|e| e.within(at.clone())).collect()),
            _ => Err(vec![FieldError::body(ErrorKind::ObjectType).within(at)]),
        }
    }))
}

/// Reads an RFC 7946 FeatureCollection of Point features. `properties` supply the text
/// fields and `coordinates` the position (`[longitud, latitud]`, an altitude after them is
/// ignored). Foreign members and other properties are ignored, as GeoJSON tools add their
/// own; the API's own GeoJSON export can be uploaded as it is.
pub fn from_geojson(body: &[u8]) -> Result<Vec<NewSegment>, Vec<FieldError>> {
    let Value::Object(mut collection) = parse_any_json(body)? else {
        return Err(vec![FieldError::body(ErrorKind::ObjectType)]);
    };
    let mut errors = Vec::new();
    if let Err(error) = literal(&collection, "type", &["FeatureCollection"]) {
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
        let at = |rest: &[LocItem]| {
            let mut loc = vec![name("features"), LocItem::Index(index)];
            loc.extend_from_slice(rest);
            loc
        };
        let fields = feature_fields(feature)
            .map_err(|(path, kind)| vec![FieldError::body(kind).moved_in_body(at(&path))])?;
        new_segment(fields).map_err(|errors| {
            errors
                .into_iter()
                .map(|error| {
                    let path = error.body_field_name().map(geojson_path);
                    match path {
                        Some(path) => error.moved_in_body(at(&path)),
                        None => error.within(at(&[])),
                    }
                })
                .collect()
        })
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
    properties: Option<Map<String, Value>>,
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

/// Where a segment field lives in a Feature (the rules table's `place`).
fn geojson_path(field: &str) -> Vec<LocItem> {
    match client_fields()
        .find(|rule| rule.name == field)
        .map(|rule| rule.place)
    {
        Some(Place::Coordinate(index)) => {
            vec![name("geometry"), name("coordinates"), LocItem::Index(index)]
        }
        _ => vec![name("properties"), name(field)],
    }
}

/// A Feature as the fields of a segment object, or the one structural problem (and its
/// path within the feature) that stops it being read.
fn feature_fields(feature: Value) -> Result<Map<String, Value>, (Vec<LocItem>, ErrorKind)> {
    let Value::Object(mut feature) = feature else {
        return Err((vec![], ErrorKind::ObjectType));
    };
    literal(&feature, "type", &["Feature"])
        .map_err(|_| (vec![name("type")], literal_kind(&["Feature"])))?;
    let mut geometry = match feature.remove("geometry") {
        Some(Value::Object(geometry)) => geometry,
        Some(Value::Null) | None => return Err((vec![name("geometry")], ErrorKind::Missing)),
        Some(_) => return Err((vec![name("geometry")], ErrorKind::ObjectType)),
    };
    literal(&geometry, "type", &["Point"]).map_err(|_| {
        (
            vec![name("geometry"), name("type")],
            literal_kind(&["Point"]),
        )
    })?;
    let coordinates_at = || vec![name("geometry"), name("coordinates")];
    let coordinates = match geometry.remove("coordinates") {
        Some(Value::Array(coordinates)) => coordinates,
        Some(_) => return Err((coordinates_at(), ErrorKind::ListType)),
        None => return Err((coordinates_at(), ErrorKind::Missing)),
    };
    // A position is [longitude, latitude] with an optional altitude (RFC 7946 §3.1.1).
    if coordinates.len() < 2 {
        let actual = coordinates.len();
        return Err((coordinates_at(), ErrorKind::TooShort { min: 2, actual }));
    }
    if coordinates.len() > 3 {
        let actual = coordinates.len();
        return Err((coordinates_at(), ErrorKind::TooLong { max: 3, actual }));
    }
    // An altitude is ignored, but RFC 7946 makes it a number like the others.
    if coordinates
        .get(2)
        .is_some_and(|altitude| !altitude.is_number())
    {
        let mut at = coordinates_at();
        at.push(LocItem::Index(2));
        return Err((at, ErrorKind::NumberType));
    }
    let mut fields = match feature.remove("properties") {
        Some(Value::Object(properties)) => properties,
        Some(Value::Null) | None => Map::new(),
        Some(_) => return Err((vec![name("properties")], ErrorKind::ObjectType)),
    };
    // Only the properties that are segment fields: other members are the tools' own.
    fields.retain(|key, _| {
        client_fields().any(|rule| rule.name == key && rule.place == Place::Property)
    });
    for rule in client_fields() {
        if let Place::Coordinate(index) = rule.place {
            let value = coordinates.get(index).cloned().unwrap_or_default();
            fields.insert(rule.name.into(), value);
        }
    }
    Ok(fields)
}

fn literal_kind(expected: &'static [&'static str]) -> ErrorKind {
    ErrorKind::LiteralError { expected }
}

/// `object[key]` must be one of `expected` (a GeoJSON `type`).
fn literal(
    object: &Map<String, Value>,
    key: &str,
    expected: &'static [&'static str],
) -> Result<(), FieldError> {
    match object.get(key) {
        Some(Value::String(value)) if expected.contains(&value.as_str()) => Ok(()),
        _ => Err(FieldError::body_field(key, literal_kind(expected))),
    }
}

/// A segment object, validated as `POST /api/v1/segmentos` validates its body.
fn new_segment(fields: Map<String, Value>) -> Result<NewSegment, Vec<FieldError>> {
    serde_json::from_value::<SegmentPayload>(Value::Object(fields))
        .map_err(|error| vec![FieldError::body(ErrorKind::value_error(error.to_string()))])?
        .into_new()
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
