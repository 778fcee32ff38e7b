//! The body of a bulk import: up to [`MAX_ITEMS`] new segments, as a JSON array of
//! segment objects or as a GeoJSON FeatureCollection of Points. Each item is validated as
//! a single create is, and every problem of every item is reported at once, located by
//! the item's index, so that nothing is written unless everything can be.

use serde_json::{Map, Value};

use super::field_error::{ErrorKind, FieldError, LocItem};
use super::input::parse_json;
use super::segmento::{NewSegmento, SegmentoPayload};

/// Most segments one import may carry.
pub const MAX_ITEMS: usize = 1000;

/// Reads a JSON array of segment objects.
pub fn from_json(body: &[u8]) -> Result<Vec<NewSegmento>, Vec<FieldError>> {
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
pub fn from_geojson(body: &[u8]) -> Result<Vec<NewSegmento>, Vec<FieldError>> {
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
    #[schema(min_items = 1, max_items = 1000)]
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
    /// `nombre` (required), `descripcion` and `ubicacion`, with the limits of a single
    /// create; other properties are ignored.
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

/// Where a segment field lives in a Feature.
fn geojson_path(field: &str) -> Vec<LocItem> {
    match field {
        "longitud" => vec![name("geometry"), name("coordinates"), LocItem::Index(0)],
        "latitud" => vec![name("geometry"), name("coordinates"), LocItem::Index(1)],
        other => vec![name("properties"), name(other)],
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
    let mut fields = match feature.remove("properties") {
        Some(Value::Object(properties)) => properties,
        Some(Value::Null) | None => Map::new(),
        Some(_) => return Err((vec![name("properties")], ErrorKind::ObjectType)),
    };
    fields.retain(|key, _| matches!(key.as_str(), "nombre" | "descripcion" | "ubicacion"));
    let mut position = coordinates.into_iter();
    fields.insert("longitud".into(), position.next().unwrap_or_default());
    fields.insert("latitud".into(), position.next().unwrap_or_default());
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
fn new_segment(fields: Map<String, Value>) -> Result<NewSegmento, Vec<FieldError>> {
    serde_json::from_value::<SegmentoPayload>(Value::Object(fields))
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
    items: impl Iterator<Item = Result<NewSegmento, Vec<FieldError>>>,
) -> Result<Vec<NewSegmento>, Vec<FieldError>> {
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
mod tests {
    use super::*;
    use serde_json::json;

    fn locs(errors: &[FieldError]) -> Vec<(Value, &'static str)> {
        errors
            .iter()
            .map(|error| {
                (
                    serde_json::to_value(error).unwrap()["loc"].clone(),
                    error.kind().code(),
                )
            })
            .collect()
    }

    fn segment(lon: f64, lat: f64) -> Value {
        json!({"nombre": "Ruta 9", "longitud": lon, "latitud": lat})
    }

    fn bytes(value: &Value) -> Vec<u8> {
        serde_json::to_vec(value).unwrap()
    }

    #[test]
    fn a_json_array_of_valid_segments_is_read_in_order() {
        let body = json!([segment(1.0, 2.0), segment(3.0, 4.0)]);

        let segments = from_json(&bytes(&body)).unwrap();

        let positions: Vec<(f64, f64)> = segments
            .iter()
            .map(|s| (s.longitud(), s.latitud()))
            .collect();
        assert_eq!(positions, [(1.0, 2.0), (3.0, 4.0)]);
    }

    #[test]
    fn every_problem_of_every_item_is_located_by_its_index() {
        let body = json!([
            {"longitud": 1, "latitud": 2},
            segment(1.0, 2.0),
            "not an object",
            {"nombre": "x", "longitud": 200, "latitud": 95}
        ]);

        let errors = from_json(&bytes(&body)).unwrap_err();

        assert_eq!(
            locs(&errors),
            [
                (json!(["body", 0, "nombre"]), "missing"),
                (json!(["body", 2]), "model_attributes_type"),
                (json!(["body", 3, "longitud"]), "less_than_equal"),
                (json!(["body", 3, "latitud"]), "less_than_equal"),
            ]
        );
    }

    #[test]
    fn a_body_that_is_not_an_array_is_a_list_type_error() {
        for body in [json!({}), json!("x"), json!(3)] {
            let errors = from_json(&bytes(&body)).unwrap_err();
            assert_eq!(locs(&errors), [(json!(["body"]), "list_type")], "{body}");
        }
    }

    #[test]
    fn an_empty_array_is_too_short_and_one_past_the_limit_too_long() {
        let empty = from_json(b"[]").unwrap_err();
        let many = Value::Array(vec![segment(0.0, 0.0); MAX_ITEMS + 1]);
        let too_many = from_json(&bytes(&many)).unwrap_err();

        assert_eq!(locs(&empty), [(json!(["body"]), "too_short")]);
        assert_eq!(locs(&too_many), [(json!(["body"]), "too_long")]);
        assert_eq!(
            too_many[0].kind().message(),
            "List should have at most 1000 items after validation, not 1001"
        );
    }

    #[test]
    fn exactly_the_limit_is_accepted() {
        let most = Value::Array(vec![segment(0.0, 0.0); MAX_ITEMS]);

        assert_eq!(from_json(&bytes(&most)).unwrap().len(), MAX_ITEMS);
    }

    #[test]
    fn malformed_json_is_located_by_byte_offset() {
        let errors = from_json(b"[{\"nombre\": }]").unwrap_err();

        assert_eq!(locs(&errors), [(json!(["body", 12]), "json_invalid")]);
    }

    fn feature(coordinates: Value, properties: Value) -> Value {
        json!({
            "type": "Feature",
            "id": 9,
            "geometry": {"type": "Point", "coordinates": coordinates},
            "properties": properties
        })
    }

    fn collection(features: Vec<Value>) -> Value {
        json!({"type": "FeatureCollection", "features": features, "numberMatched": 3})
    }

    #[test]
    fn a_feature_collection_of_points_is_read_with_altitude_and_foreign_members_ignored() {
        let body = collection(vec![
            feature(
                json!([-64.18, -31.41, 420.0]),
                json!({
                    "nombre": "Av. Colón", "ubicacion": "Córdoba", "marker-color": "#f00",
                    "id_segmento": 4, "created_at": "2026-01-01T00:00:00Z"
                }),
            ),
            feature(
                json!([1, 2]),
                json!({"nombre": "Ruta 9", "descripcion": null}),
            ),
        ]);

        let segments = from_geojson(&bytes(&body)).unwrap();

        assert_eq!(segments.len(), 2);
        assert_eq!(
            (
                segments[0].nombre(),
                segments[0].longitud(),
                segments[0].latitud()
            ),
            ("Av. Colón", -64.18, -31.41)
        );
        assert_eq!(segments[0].ubicacion(), Some("Córdoba"));
        assert_eq!(segments[1].descripcion(), None);
    }

    #[test]
    fn geojson_problems_are_located_at_the_member_that_holds_the_field() {
        let body = collection(vec![
            feature(json!([1, 2]), json!({"nombre": "ok"})),
            feature(json!([1, 95]), json!({})),
            json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}}),
            feature(json!([1]), json!({"nombre": "x"})),
        ]);

        let errors = from_geojson(&bytes(&body)).unwrap_err();

        assert_eq!(
            locs(&errors),
            [
                (
                    json!(["body", "features", 1, "properties", "nombre"]),
                    "missing"
                ),
                (
                    json!(["body", "features", 1, "geometry", "coordinates", 1]),
                    "less_than_equal"
                ),
                (
                    json!(["body", "features", 2, "geometry", "type"]),
                    "literal_error"
                ),
                (
                    json!(["body", "features", 3, "geometry", "coordinates"]),
                    "too_short"
                ),
            ]
        );
    }

    #[test]
    fn a_collection_needs_its_type_and_a_features_array() {
        let wrong = from_geojson(&bytes(&json!({"type": "Feature", "features": {}}))).unwrap_err();
        let missing = from_geojson(&bytes(&json!({"type": "FeatureCollection"}))).unwrap_err();
        let empty = from_geojson(&bytes(&collection(vec![]))).unwrap_err();

        assert_eq!(
            locs(&wrong),
            [
                (json!(["body", "type"]), "literal_error"),
                (json!(["body", "features"]), "list_type"),
            ]
        );
        assert_eq!(locs(&missing), [(json!(["body", "features"]), "missing")]);
        assert_eq!(locs(&empty), [(json!(["body", "features"]), "too_short")]);
    }

    #[test]
    fn a_feature_needs_its_type_and_a_point_geometry() {
        let body = collection(vec![
            json!({"type": "Point", "geometry": {"type": "Point", "coordinates": [1, 2]}}),
            json!({"type": "Feature", "geometry": null}),
            json!([1, 2]),
        ]);

        let errors = from_geojson(&bytes(&body)).unwrap_err();

        assert_eq!(
            locs(&errors),
            [
                (json!(["body", "features", 0, "type"]), "literal_error"),
                (json!(["body", "features", 1, "geometry"]), "missing"),
                (json!(["body", "features", 2]), "model_attributes_type"),
            ]
        );
    }
}
