use serde_json::{json, Value};

use super::*;
use crate::segments::fields::{
    client_fields, Place, DESCRIPCION, LATITUD, LONGITUD, NOMBRE, UBICACION,
};
use crate::segments::model::ColumnValue::{self, Number, Text};

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn locs(errors: &[FieldError]) -> Vec<(Value, &'static str)> {
    errors
        .iter()
        .map(|error| {
            let error = serde_json::to_value(error).unwrap();
            let code = error["type"].as_str().unwrap().to_owned();
            (error["loc"].clone(), &*code.leak())
        })
        .collect()
}

fn feature(coordinates: Value, properties: Value) -> Value {
    json!({
        "type": "Feature",
        "geometry": { "type": "Point", "coordinates": coordinates },
        "properties": properties,
    })
}

fn changes(patch: &SegmentPatch) -> Vec<(&'static str, ColumnValue<'_>)> {
    patch.changes()
}

#[test]
fn a_feature_is_read_with_its_id_altitude_and_foreign_members_ignored() {
    let mut body = feature(
        json!([-64.18, -31.41, 420.5]),
        json!({ "nombre": "Av. Colón", "ubicacion": "Córdoba", "id_segmento": 9, "color": "red" }),
    );
    body["id"] = json!(999);
    body["links"] = json!([]);

    let segment = new_segment(&bytes(&body)).unwrap();

    assert_eq!(segment.get(&NOMBRE), Text(Some("Av. Colón")));
    assert_eq!(segment.get(&DESCRIPCION), Text(None));
    assert_eq!(segment.get(&UBICACION), Text(Some("Córdoba")));
    assert_eq!(
        (segment.get(&LONGITUD), segment.get(&LATITUD)),
        (Number(-64.18), Number(-31.41))
    );
}

#[test]
fn every_problem_of_a_feature_is_located_at_the_member_that_holds_it() {
    let body = feature(json!([181, 91]), json!({ "nombre": " ", "descripcion": 5 }));

    let errors = new_segment(&bytes(&body)).unwrap_err();

    assert_eq!(
        locs(&errors),
        vec![
            (json!(["body", "properties", "nombre"]), "string_blank"),
            (json!(["body", "properties", "descripcion"]), "string_type"),
            (
                json!(["body", "geometry", "coordinates", 0]),
                "less_than_equal"
            ),
            (
                json!(["body", "geometry", "coordinates", 1]),
                "less_than_equal"
            ),
        ]
    );
}

#[test]
fn a_feature_without_properties_lacks_its_nombre() {
    for properties in [json!(null), json!({})] {
        let errors = new_segment(&bytes(&feature(json!([0, 0]), properties))).unwrap_err();

        assert_eq!(
            locs(&errors),
            vec![(json!(["body", "properties", "nombre"]), "missing")]
        );
    }
}

#[test]
fn a_feature_must_be_a_feature_of_a_point_with_a_position() {
    let cases = [
        (
            json!({ "type": "FeatureCollection" }),
            json!(["body", "type"]),
            "literal_error",
        ),
        (
            json!({ "type": "Feature", "geometry": { "type": "LineString", "coordinates": [[0, 0], [1, 1]] } }),
            json!(["body", "geometry", "type"]),
            "literal_error",
        ),
        (
            json!({ "type": "Feature" }),
            json!(["body", "geometry"]),
            "missing",
        ),
        (
            json!({ "type": "Feature", "geometry": { "type": "Point" } }),
            json!(["body", "geometry", "coordinates"]),
            "missing",
        ),
        (
            feature(json!([1]), json!({ "nombre": "x" })),
            json!(["body", "geometry", "coordinates"]),
            "too_short",
        ),
        (
            feature(json!([1, 2, "high"]), json!({ "nombre": "x" })),
            json!(["body", "geometry", "coordinates", 2]),
            "float_type",
        ),
    ];
    for (body, loc, code) in cases {
        let errors = new_segment(&bytes(&body)).unwrap_err();

        assert_eq!(locs(&errors), vec![(loc, code)], "{body}");
    }
}

#[test]
fn a_body_that_is_not_a_json_object_is_refused_as_a_single_create_refuses_it() {
    assert_eq!(
        locs(&new_segment(b"[1, 2]").unwrap_err()),
        vec![(json!(["body"]), "model_attributes_type")]
    );
    assert_eq!(locs(&new_segment(b"{").unwrap_err())[0].1, "json_invalid");
    assert_eq!(
        locs(&patch(b"").unwrap_err()),
        vec![(json!(["body"]), "missing")]
    );
}

#[test]
fn a_replacement_clears_the_text_fields_the_feature_leaves_out() {
    let body = feature(json!([1.5, 2.5]), json!({ "nombre": "Ruta 9" }));

    let replacement = SegmentPatch::from(new_segment(&bytes(&body)).unwrap());

    let expected: Vec<_> = client_fields()
        .map(|field| {
            let value = match field.place {
                Place::Coordinate(0) => Number(1.5),
                Place::Coordinate(_) => Number(2.5),
                Place::Property if field.name == NOMBRE.name => Text(Some("Ruta 9")),
                Place::Property => Text(None),
            };
            (field.name, value)
        })
        .collect();
    assert_eq!(changes(&replacement), expected);
}

#[test]
fn a_merge_patch_changes_only_what_it_sends_and_null_clears_a_property() {
    let body = json!({ "properties": { "nombre": "Ruta 9", "descripcion": null, "color": "red", "updated_at": "x" } });

    let change = patch(&bytes(&body)).unwrap();

    assert_eq!(
        changes(&change),
        vec![
            ("nombre", ColumnValue::Text(Some("Ruta 9"))),
            ("descripcion", ColumnValue::Text(None)),
        ]
    );
}

#[test]
fn a_merge_patch_of_the_coordinates_moves_the_point_with_or_without_the_geometry_s_type() {
    for geometry in [
        json!({ "type": "Point", "coordinates": [3, 4] }),
        json!({ "coordinates": [3, 4, 10] }),
    ] {
        let change = patch(&bytes(&json!({ "type": "Feature", "geometry": geometry }))).unwrap();

        assert_eq!(
            changes(&change),
            vec![
                ("longitud", ColumnValue::Number(3.0)),
                ("latitud", ColumnValue::Number(4.0))
            ]
        );
    }
}

#[test]
fn an_empty_merge_patch_and_one_of_ignored_members_change_nothing() {
    for body in [
        json!({}),
        json!({ "id": 4, "links": [], "geometry": {}, "properties": {} }),
    ] {
        assert_eq!(changes(&patch(&bytes(&body)).unwrap()), vec![]);
    }
}

#[test]
fn a_merge_patch_cannot_clear_nombre_nor_remove_the_geometry_nor_change_what_it_is() {
    let cases = [
        (
            json!({ "properties": { "nombre": null } }),
            json!(["body", "properties", "nombre"]),
            "string_type",
        ),
        (
            json!({ "properties": null }),
            json!(["body", "properties", "nombre"]),
            "string_type",
        ),
        (
            json!({ "geometry": null }),
            json!(["body", "geometry"]),
            "missing",
        ),
        (
            json!({ "geometry": { "coordinates": null } }),
            json!(["body", "geometry", "coordinates"]),
            "list_type",
        ),
        (
            json!({ "geometry": { "type": "Polygon" } }),
            json!(["body", "geometry", "type"]),
            "literal_error",
        ),
        (
            json!({ "type": "FeatureCollection" }),
            json!(["body", "type"]),
            "literal_error",
        ),
        (
            json!({ "properties": [] }),
            json!(["body", "properties"]),
            "model_attributes_type",
        ),
        (
            json!({ "geometry": { "coordinates": [0, 95] } }),
            json!(["body", "geometry", "coordinates", 1]),
            "less_than_equal",
        ),
    ];
    for (body, loc, code) in cases {
        let errors = patch(&bytes(&body)).unwrap_err();

        assert_eq!(locs(&errors), vec![(loc, code)], "{body}");
    }
}
