use super::*;
use crate::segments::fields::{DESCRIPCION, LATITUD, LONGITUD, NOMBRE, UBICACION};
use crate::segments::model::ColumnValue::{Number, Text};
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

    let positions: Vec<_> = segments
        .iter()
        .map(|s| (s.get(&LONGITUD), s.get(&LATITUD)))
        .collect();
    assert_eq!(
        positions,
        [(Number(1.0), Number(2.0)), (Number(3.0), Number(4.0))]
    );
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
            segments[0].get(&NOMBRE),
            segments[0].get(&LONGITUD),
            segments[0].get(&LATITUD)
        ),
        (Text(Some("Av. Colón")), Number(-64.18), Number(-31.41))
    );
    assert_eq!(segments[0].get(&UBICACION), Text(Some("Córdoba")));
    assert_eq!(segments[1].get(&DESCRIPCION), Text(None));
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
