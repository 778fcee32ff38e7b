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

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{
        body_bytes, check_segment, config, json_leaf, json_number, json_value, locs,
        segment_object, segment_problems, valid_segment_object, Write,
    };
    use proptest::collection::vec;
    use proptest::prelude::*;
    use serde_json::json;

    /// A bulk item: usually a segment object, sometimes another JSON value.
    fn item() -> impl Strategy<Value = Value> {
        prop_oneof![
            6 => segment_object().prop_map(Value::Object),
            2 => valid_segment_object().prop_map(Value::Object),
            1 => json_value(),
        ]
    }

    /// `(loc, type)` the oracle expects for a JSON array of items.
    fn expected_json(items: &[Value]) -> Vec<(Value, &'static str)> {
        let mut expected = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match item {
                Value::Object(fields) => {
                    for (field, code) in segment_problems(fields, Write::Create) {
                        expected.push((json!(["body", index, field]), code));
                    }
                }
                _ => expected.push((json!(["body", index]), "model_attributes_type")),
            }
        }
        expected
    }

    /// Picks `value` or, with probability `1 - keep`, anything else.
    fn mostly(value: Value, keep: f64) -> impl Strategy<Value = Value> {
        prop::option::weighted(keep, Just(value)).prop_flat_map(|kept| match kept {
            Some(value) => Just(value).boxed(),
            None => json_leaf(),
        })
    }

    /// A GeoJSON Feature, now and then broken at one member or another.
    fn feature() -> impl Strategy<Value = Value> {
        let coordinate = prop_oneof![
            8 => json_number(),
            1 => (-200.0..200.0_f64).prop_map(Value::from),
            1 => json_leaf(),
        ];
        let coordinates = prop_oneof![
            8 => vec(coordinate, 2..=3).prop_map(Value::Array),
            1 => vec(json_number(), 0..=5).prop_map(Value::Array),
            1 => json_value(),
        ];
        let geometry = (
            mostly(json!("Point"), 0.9),
            prop::option::weighted(0.95, coordinates),
        )
            .prop_map(|(kind, coordinates)| {
                let mut geometry = json!({"type": kind});
                if let Some(coordinates) = coordinates {
                    geometry["coordinates"] = coordinates;
                }
                geometry
            });
        let properties = prop_oneof![
            8 => segment_object().prop_map(Value::Object),
            2 => valid_segment_object().prop_map(Value::Object),
            1 => Just(Value::Null),
            1 => json_value(),
        ];
        let member = |keep: f64, value: BoxedStrategy<Value>| prop::option::weighted(keep, value);
        (
            mostly(json!("Feature"), 0.9),
            member(0.95, prop_oneof![9 => geometry, 1 => json_value()].boxed()),
            member(0.9, properties.boxed()),
            member(0.3, json_value()),
        )
            .prop_map(|(kind, geometry, properties, id)| {
                let mut feature = json!({"type": kind});
                for (name, value) in [
                    ("geometry", geometry),
                    ("properties", properties),
                    ("id", id),
                ] {
                    if let Some(value) = value {
                        feature[name] = value;
                    }
                }
                feature
            })
    }

    fn collection() -> impl Strategy<Value = Value> {
        prop_oneof![
            9 => (
                mostly(json!("FeatureCollection"), 0.9),
                prop_oneof![9 => vec(feature(), 0..6).prop_map(Value::Array), 1 => json_value()],
                any::<bool>(),
            )
                .prop_map(|(kind, features, with_features)| {
                    let mut collection = json!({"type": kind, "numberMatched": 3});
                    if with_features {
                        collection["features"] = features;
                    }
                    collection
                }),
            1 => json_value(),
        ]
    }

    /// The structural problem of a feature, if it has one, as `(path, type)`.
    fn structural_problem(feature: &Value) -> Option<(Value, &'static str)> {
        let Value::Object(feature) = feature else {
            return Some((json!([]), "model_attributes_type"));
        };
        if feature.get("type") != Some(&json!("Feature")) {
            return Some((json!(["type"]), "literal_error"));
        }
        let geometry = match feature.get("geometry") {
            None | Some(Value::Null) => return Some((json!(["geometry"]), "missing")),
            Some(Value::Object(geometry)) => geometry,
            Some(_) => return Some((json!(["geometry"]), "model_attributes_type")),
        };
        if geometry.get("type") != Some(&json!("Point")) {
            return Some((json!(["geometry", "type"]), "literal_error"));
        }
        let at = json!(["geometry", "coordinates"]);
        match geometry.get("coordinates") {
            None => return Some((at, "missing")),
            Some(Value::Array(position)) if position.len() < 2 => return Some((at, "too_short")),
            Some(Value::Array(position)) if position.len() > 3 => return Some((at, "too_long")),
            Some(Value::Array(position)) if position.get(2).is_some_and(|a| !a.is_number()) => {
                return Some((json!(["geometry", "coordinates", 2]), "float_type"))
            }
            Some(Value::Array(_)) => {}
            Some(_) => return Some((at, "list_type")),
        }
        match feature.get("properties") {
            None | Some(Value::Null | Value::Object(_)) => None,
            Some(_) => Some((json!(["properties"]), "model_attributes_type")),
        }
    }

    /// A structurally sound feature as the segment object it stands for.
    fn segment_of(feature: &Value) -> Map<String, Value> {
        let mut fields: Map<String, Value> = feature
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(key, _)| matches!(key.as_str(), "nombre" | "descripcion" | "ubicacion"))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let position = &feature["geometry"]["coordinates"];
        fields.insert("longitud".into(), position[0].clone());
        fields.insert("latitud".into(), position[1].clone());
        fields
    }

    /// `(loc, type)` the oracle expects for a collection's features.
    fn expected_geojson(features: &[Value]) -> Vec<(Value, &'static str)> {
        let mut expected = Vec::new();
        for (index, feature) in features.iter().enumerate() {
            let at = |path: Value| {
                let mut loc = vec![json!("body"), json!("features"), json!(index)];
                loc.extend(path.as_array().into_iter().flatten().cloned());
                Value::Array(loc)
            };
            if let Some((path, code)) = structural_problem(feature) {
                expected.push((at(path), code));
                continue;
            }
            for (field, code) in segment_problems(&segment_of(feature), Write::Create) {
                let path = match field.as_str() {
                    "longitud" => json!(["geometry", "coordinates", 0]),
                    "latitud" => json!(["geometry", "coordinates", 1]),
                    other => json!(["properties", other]),
                };
                expected.push((at(path), code));
            }
        }
        expected
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn an_arbitrary_json_import_is_read_or_refused_in_the_body(body in body_bytes()) {
            match from_json(&body) {
                Ok(segments) => {
                    let items: Value = serde_json::from_slice(&body).expect("JSON");
                    let items = items.as_array().expect("an array");
                    prop_assert_eq!(segments.len(), items.len());
                    for (segment, item) in segments.iter().zip(items) {
                        check_segment(segment, item.as_object().expect("an object"))?;
                    }
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for (loc, _) in locs(&errors) {
                        prop_assert_eq!(&loc[0], "body");
                    }
                }
            }
        }

        #[test]
        fn a_json_import_is_accepted_only_when_every_item_is_valid_and_problems_name_their_item_and_field(
            items in vec(item(), 1..6)
        ) {
            let body = serde_json::to_vec(&items).expect("JSON serializes");
            let expected = expected_json(&items);
            match from_json(&body) {
                Ok(segments) => {
                    prop_assert_eq!(expected, vec![]);
                    prop_assert_eq!(segments.len(), items.len());
                    for (segment, item) in segments.iter().zip(&items) {
                        check_segment(segment, item.as_object().expect("an object"))?;
                    }
                }
                Err(errors) => prop_assert_eq!(locs(&errors), expected),
            }
        }

        #[test]
        fn an_arbitrary_geojson_import_is_read_or_refused_in_the_body(body in body_bytes()) {
            match from_geojson(&body) {
                Ok(segments) => prop_assert!(!segments.is_empty()),
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for (loc, _) in locs(&errors) {
                        prop_assert_eq!(&loc[0], "body");
                    }
                }
            }
        }

        #[test]
        fn a_geojson_import_is_accepted_only_when_every_feature_is_valid_and_problems_name_their_member(
            collection in collection()
        ) {
            let body = serde_json::to_vec(&collection).expect("JSON serializes");
            let result = from_geojson(&body);
            let Some(object) = collection.as_object() else {
                prop_assert_eq!(locs(&result.unwrap_err()), [(json!(["body"]), "model_attributes_type")]);
                return Ok(());
            };
            let mut expected = Vec::new();
            if object.get("type") != Some(&json!("FeatureCollection")) {
                expected.push((json!(["body", "type"]), "literal_error"));
            }
            match object.get("features") {
                None => expected.push((json!(["body", "features"]), "missing")),
                Some(Value::Array(features)) if expected.is_empty() => {
                    if features.is_empty() {
                        expected.push((json!(["body", "features"]), "too_short"));
                    }
                    expected.extend(expected_geojson(features));
                }
                Some(Value::Array(_)) => {}
                Some(_) => expected.push((json!(["body", "features"]), "list_type")),
            }
            match result {
                Ok(segments) => {
                    prop_assert_eq!(expected, vec![]);
                    let features = object["features"].as_array().expect("features");
                    prop_assert_eq!(segments.len(), features.len());
                    for (segment, feature) in segments.iter().zip(features) {
                        check_segment(segment, &segment_of(feature))?;
                    }
                }
                Err(errors) => prop_assert_eq!(locs(&errors), expected),
            }
        }
    }

    proptest! {
        #![proptest_config(config(16))]

        #[test]
        fn an_import_holds_1_to_1000_items(count in prop_oneof![0usize..=2, 998usize..=1002]) {
            let item = json!({"nombre": "x", "longitud": 0, "latitud": 0});
            let items = Value::Array(vec![item.clone(); count]);
            let collection = json!({
                "type": "FeatureCollection",
                "features": vec![json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {"nombre": "x"}}); count],
            });
            let json_result = from_json(&serde_json::to_vec(&items).expect("JSON"));
            let geojson_result = from_geojson(&serde_json::to_vec(&collection).expect("JSON"));

            if (1..=MAX_ITEMS).contains(&count) {
                prop_assert_eq!(json_result.map(|segments| segments.len()), Ok(count));
                prop_assert_eq!(geojson_result.map(|segments| segments.len()), Ok(count));
            } else {
                let code = if count == 0 { "too_short" } else { "too_long" };
                prop_assert_eq!(locs(&json_result.unwrap_err()), [(json!(["body"]), code)]);
                prop_assert_eq!(locs(&geojson_result.unwrap_err()), [(json!(["body", "features"]), code)]);
            }
        }
    }
}
