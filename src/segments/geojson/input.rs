//! A segment sent as an RFC 7946 Feature of a Point: each feature of a bulk import, and
//! the body OGC API Features' Part 4 creates, replaces ([`new_segment`]) and
//! merge-patches ([`patch`]) an item with. `properties` supply the text fields and
//! `coordinates` the position (`[longitud, latitud]`; an altitude after them is ignored).
//! The feature's `id`, foreign members and properties that are not a segment's are
//! ignored, as GeoJSON tools add their own; the API's own features can be sent back as
//! they are. Every problem is located at the member that holds it
//! (`["body", "properties", "nombre"]`, `["body", "geometry", "coordinates", 1]`).

use serde_json::{Map, Value};

use crate::segments::fields::{client_fields, Place};
use crate::segments::model::{NewSegment, SegmentPatch, SegmentPayload};
use crate::validation::field_error::{ErrorKind, FieldError, LocItem};
use crate::validation::input::parse_json;

/// A structural problem that stops a feature being read, and its path within it.
type Misshapen = (Vec<LocItem>, ErrorKind);

const FEATURE: &[&str] = &["Feature"];
const POINT: &[&str] = &["Point"];

/// Reads a body that is one Feature: a whole new segment.
pub fn new_segment(body: &[u8]) -> Result<NewSegment, Vec<FieldError>> {
    segment_at(object(body)?, &[])
}

/// Reads the feature at `at` in a body: a whole new segment.
pub fn segment_at(feature: Value, at: &[LocItem]) -> Result<NewSegment, Vec<FieldError>> {
    let fields = feature_fields(feature).map_err(|misshapen| vec![located(misshapen, at)])?;
    payload(fields)
        .and_then(SegmentPayload::into_new)
        .map_err(|errors| in_feature(errors, at))
}

/// Reads a JSON Merge Patch (RFC 7396) of a segment's Feature into the change it makes:
/// a property sent changes (`null` clears it, and the required `nombre` cannot be
/// cleared), `coordinates` sent move the point, and whatever is not sent stays.
/// `geometry` cannot be removed, nor made anything but a Point.
pub fn patch(body: &[u8]) -> Result<SegmentPatch, Vec<FieldError>> {
    let Value::Object(mut patch) = object(body)? else {
        return Err(vec![FieldError::body(ErrorKind::ObjectType)]);
    };
    let fields = patch_fields(&mut patch).map_err(|misshapen| vec![located(misshapen, &[])])?;
    payload(fields)
        .and_then(SegmentPayload::into_patch)
        .map_err(|errors| in_feature(errors, &[]))
}

/// A body that must be a JSON object. (Read as a `Value`, which the bulk import reads too:
/// one deserializer in the module.)
fn object(body: &[u8]) -> Result<Value, Vec<FieldError>> {
    parse_json::<Value>(body).map_err(|error| vec![error])
}

/// The fields of a segment object a merge patch sets.
fn patch_fields(patch: &mut Map<String, Value>) -> Result<Map<String, Value>, Misshapen> {
    // Members a patch leaves out stay as they are: a `type` sent may only restate it.
    if patch.contains_key("type") {
        type_is(patch, &[], FEATURE)?;
    }
    let mut fields = match patch.remove("properties") {
        None => Map::new(),
        // Removing every property clears each field, which `nombre` refuses.
        Some(Value::Null) => property_fields()
            .map(|name| (name.to_owned(), Value::Null))
            .collect(),
        Some(Value::Object(properties)) => segment_properties(properties),
        Some(_) => return Err((vec![name("properties")], ErrorKind::ObjectType)),
    };
    match patch.remove("geometry") {
        None => {}
        Some(Value::Object(geometry)) => {
            if geometry.contains_key("type") {
                type_is(&geometry, &["geometry"], POINT)?;
            }
            if let Some(coordinates) = position(geometry)? {
                fields.extend(coordinates);
            }
        }
        Some(Value::Null) => return Err((vec![name("geometry")], ErrorKind::Missing)),
        Some(_) => return Err((vec![name("geometry")], ErrorKind::ObjectType)),
    }
    Ok(fields)
}

/// A Feature as the fields of a segment object, or the one structural problem that stops
/// it being read.
fn feature_fields(feature: Value) -> Result<Map<String, Value>, Misshapen> {
    let Value::Object(mut feature) = feature else {
        return Err((vec![], ErrorKind::ObjectType));
    };
    type_is(&feature, &[], FEATURE)?;
    let geometry = match feature.remove("geometry") {
        Some(Value::Object(geometry)) => geometry,
        Some(Value::Null) | None => return Err((vec![name("geometry")], ErrorKind::Missing)),
        Some(_) => return Err((vec![name("geometry")], ErrorKind::ObjectType)),
    };
    type_is(&geometry, &["geometry"], POINT)?;
    let Some(coordinates) = position(geometry)? else {
        return Err((coordinates_at(), ErrorKind::Missing));
    };
    let mut fields = match feature.remove("properties") {
        Some(Value::Object(properties)) => segment_properties(properties),
        Some(Value::Null) | None => Map::new(),
        Some(_) => return Err((vec![name("properties")], ErrorKind::ObjectType)),
    };
    fields.extend(coordinates);
    Ok(fields)
}

/// The coordinate fields of a Point geometry (`None` when it has no `coordinates`).
fn position(mut geometry: Map<String, Value>) -> Result<Option<Map<String, Value>>, Misshapen> {
    let coordinates = match geometry.remove("coordinates") {
        Some(Value::Array(coordinates)) => coordinates,
        None => return Ok(None),
        Some(_) => return Err((coordinates_at(), ErrorKind::ListType)),
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
    Ok(Some(
        client_fields()
            .filter_map(|rule| match rule.place {
                Place::Coordinate(index) => {
                    Some((rule.name.to_owned(), coordinates[index].clone()))
                }
                Place::Property => None,
            })
            .collect(),
    ))
}

/// Only the properties that are segment fields: other members are the tools' own.
fn segment_properties(mut properties: Map<String, Value>) -> Map<String, Value> {
    properties.retain(|key, _| property_fields().any(|name| name == key));
    properties
}

/// The segment fields a Feature holds in its `properties`.
fn property_fields() -> impl Iterator<Item = &'static str> {
    client_fields()
        .filter(|rule| rule.place == Place::Property)
        .map(|rule| rule.name)
}

/// A segment object's fields, as `POST /api/v1/segmentos` reads its body.
pub(in crate::segments) fn payload(
    fields: Map<String, Value>,
) -> Result<SegmentPayload, Vec<FieldError>> {
    serde_json::from_value::<SegmentPayload>(Value::Object(fields))
        .map_err(|error| vec![FieldError::body(ErrorKind::value_error(error.to_string()))])
}

/// `object[key]` must be one of `expected` (a GeoJSON `type`).
pub(in crate::segments) fn literal(
    object: &Map<String, Value>,
    key: &str,
    expected: &'static [&'static str],
) -> Result<(), FieldError> {
    match object.get(key) {
        Some(Value::String(value)) if expected.contains(&value.as_str()) => Ok(()),
        _ => Err(FieldError::body_field(key, literal_kind(expected))),
    }
}

fn literal_kind(expected: &'static [&'static str]) -> ErrorKind {
    ErrorKind::LiteralError { expected }
}

/// The `type` of the object at `within` must be one of `expected`.
fn type_is(
    object: &Map<String, Value>,
    within: &[&str],
    expected: &'static [&'static str],
) -> Result<(), Misshapen> {
    literal(object, "type", expected).map_err(|_| {
        let path = within.iter().chain(&["type"]).map(|part| name(part));
        (path.collect(), literal_kind(expected))
    })
}

fn name(text: &str) -> LocItem {
    LocItem::Name(text.into())
}

fn coordinates_at() -> Vec<LocItem> {
    vec![name("geometry"), name("coordinates")]
}

/// A structural problem, located in the body under `at`.
fn located((path, kind): Misshapen, at: &[LocItem]) -> FieldError {
    FieldError::body(kind).moved_in_body(at.iter().cloned().chain(path))
}

/// A segment object's problems, moved to where the feature under `at` holds each field.
fn in_feature(errors: Vec<FieldError>, at: &[LocItem]) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|error| match error.body_field_name().map(geojson_path) {
            Some(path) => error.moved_in_body(at.iter().cloned().chain(path)),
            None => error.within(at.iter().cloned()),
        })
        .collect()
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

#[cfg(test)]
mod tests;
