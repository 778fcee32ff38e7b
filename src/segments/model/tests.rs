use super::*;
use crate::segments::fields::{DESCRIPCION, LATITUD, LONGITUD, NOMBRE, UBICACION};
use crate::validation::input::parse_json;
use crate::validation::ErrorKind;
use serde_json::{json, Value};
use ColumnValue::{Number, Text};

fn payload(body: Value) -> SegmentPayload {
    parse_json(body.to_string().as_bytes()).unwrap()
}

fn create(body: Value) -> Result<NewSegment, Vec<FieldError>> {
    payload(body).into_new()
}

fn patch(body: Value) -> Result<SegmentPatch, Vec<FieldError>> {
    payload(body).into_patch()
}

fn valid() -> Value {
    json!({"nombre": "Av. Colón", "longitud": -64.18, "latitud": -31.41})
}

fn with(field: &str, value: Value) -> Value {
    let mut body = valid();
    body[field] = value;
    body
}

/// `(field, type)` of each error, for compact assertions.
fn problems(errors: &[FieldError]) -> Vec<(String, &'static str)> {
    errors
        .iter()
        .map(|error| {
            let value = serde_json::to_value(error).unwrap();
            let field = value["loc"][1].as_str().unwrap_or_default().to_owned();
            (field, error.kind().code())
        })
        .collect()
}

fn only_problem(body: Value) -> (String, &'static str) {
    let errors = create(body).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    problems(&errors).remove(0)
}

#[test]
fn a_minimal_valid_segment_is_accepted() {
    let segment = create(valid()).unwrap();

    assert_eq!(segment.get(&NOMBRE), Text(Some("Av. Colón")));
    assert_eq!(segment.get(&LONGITUD), Number(-64.18));
    assert_eq!(segment.get(&LATITUD), Number(-31.41));
    assert_eq!(segment.get(&DESCRIPCION), Text(None));
    assert_eq!(segment.get(&UBICACION), Text(None));
}

#[test]
fn a_full_segment_keeps_every_field() {
    let body = json!({
        "nombre": "Ruta 9", "descripcion": "Baches", "longitud": 10,
        "latitud": 20, "ubicacion": "Córdoba"
    });

    let segment = create(body).unwrap();

    assert_eq!(segment.get(&DESCRIPCION), Text(Some("Baches")));
    assert_eq!(segment.get(&UBICACION), Text(Some("Córdoba")));
    assert_eq!(segment.get(&LONGITUD), Number(10.0));
}

#[test]
fn a_missing_nombre_is_required() {
    let mut body = valid();
    body.as_object_mut().unwrap().remove("nombre");

    assert_eq!(only_problem(body), ("nombre".into(), "missing"));
}

#[test]
fn a_blank_nombre_is_rejected() {
    let errors = create(with("nombre", json!(" \t\n "))).unwrap_err();

    assert_eq!(problems(&errors), [("nombre".into(), "string_blank")]);
}

#[test]
fn an_empty_nombre_is_rejected_as_blank() {
    assert_eq!(
        only_problem(with("nombre", json!(""))),
        ("nombre".into(), "string_blank")
    );
}

#[test]
fn a_nombre_of_200_characters_is_accepted() {
    assert!(create(with("nombre", json!("ñ".repeat(200)))).is_ok());
}

#[test]
fn a_nombre_of_201_characters_is_rejected() {
    assert_eq!(
        only_problem(with("nombre", json!("a".repeat(201)))),
        ("nombre".into(), "string_too_long")
    );
}

#[test]
fn lengths_count_characters_not_bytes() {
    // 200 two-byte characters are 400 bytes but only 200 characters.
    assert!(create(with("descripcion", json!("é".repeat(2000)))).is_ok());
    assert!(create(with("ubicacion", json!("é".repeat(200)))).is_ok());
}

#[test]
fn a_descripcion_over_2000_characters_is_rejected() {
    assert_eq!(
        only_problem(with("descripcion", json!("a".repeat(2001)))),
        ("descripcion".into(), "string_too_long")
    );
}

#[test]
fn a_ubicacion_over_200_characters_is_rejected() {
    assert_eq!(
        only_problem(with("ubicacion", json!("a".repeat(201)))),
        ("ubicacion".into(), "string_too_long")
    );
}

#[test]
fn a_longitude_above_180_is_rejected() {
    let errors = create(with("longitud", json!(180.0001))).unwrap_err();

    assert_eq!(
        errors,
        [FieldError::body_field(
            "longitud",
            ErrorKind::LessThanEqual { max: 180.0 }
        )]
    );
}

#[test]
fn a_longitude_below_minus_180_is_rejected() {
    let errors = create(with("longitud", json!(-181))).unwrap_err();

    assert_eq!(
        errors,
        [FieldError::body_field(
            "longitud",
            ErrorKind::GreaterThanEqual { min: -180.0 }
        )]
    );
}

#[test]
fn a_latitude_above_90_is_rejected() {
    assert_eq!(
        only_problem(with("latitud", json!(90.5))),
        ("latitud".into(), "less_than_equal")
    );
}

#[test]
fn a_latitude_below_minus_90_is_rejected() {
    assert_eq!(
        only_problem(with("latitud", json!(-90.5))),
        ("latitud".into(), "greater_than_equal")
    );
}

#[test]
fn the_exact_coordinate_bounds_are_accepted() {
    for (longitud, latitud) in [(180, 90), (-180, -90), (0, 0)] {
        let body = json!({"nombre": "x", "longitud": longitud, "latitud": latitud});
        assert!(create(body).is_ok(), "{longitud},{latitud}");
    }
}

#[test]
fn a_number_beyond_the_doubles_is_unreadable_json_not_a_coordinate() {
    let body = br#"{"nombre": "x", "longitud": 1e400, "latitud": 0}"#;

    let error = parse_json::<SegmentPayload>(body).unwrap_err();

    assert_eq!(error.kind().code(), "json_invalid");
}

#[test]
fn a_member_sent_twice_is_unreadable_json() {
    let body = br#"{"nombre": "a", "nombre": "b", "longitud": 0, "latitud": 0}"#;

    let error = parse_json::<SegmentPayload>(body).unwrap_err();

    assert_eq!(error.kind().code(), "json_invalid");
    // Located where the second name ends, as serde locates it.
    assert_eq!(
        serde_json::to_value(&error).unwrap()["loc"],
        json!(["body", 23])
    );
}

#[test]
fn a_numeric_string_for_a_coordinate_is_a_type_error() {
    assert_eq!(
        only_problem(with("latitud", json!("12.5"))),
        ("latitud".into(), "float_type")
    );
}

#[test]
fn a_number_for_nombre_is_a_type_error() {
    assert_eq!(
        only_problem(with("nombre", json!(42))),
        ("nombre".into(), "string_type")
    );
}

#[test]
fn null_for_a_required_field_is_a_type_error() {
    assert_eq!(
        only_problem(with("longitud", Value::Null)),
        ("longitud".into(), "float_type")
    );
}

#[test]
fn null_clears_nothing_on_create_for_optional_text() {
    let segment = create(with("descripcion", Value::Null)).unwrap();

    assert_eq!(segment.get(&DESCRIPCION), Text(None));
}

#[test]
fn every_invalid_field_is_listed_at_once_in_field_order() {
    let body = json!({
        "nombe": "typo", "nombre": "", "descripcion": 7, "longitud": "x",
        "latitud": 100, "ubicacion": ["no"]
    });

    let errors = create(body).unwrap_err();

    assert_eq!(
        problems(&errors),
        [
            ("nombre".into(), "string_blank"),
            ("descripcion".into(), "string_type"),
            ("longitud".into(), "float_type"),
            ("latitud".into(), "less_than_equal"),
            ("ubicacion".into(), "string_type"),
            ("nombe".into(), "extra_forbidden"),
        ]
    );
}

#[test]
fn an_empty_object_lists_every_required_field() {
    let errors = create(json!({})).unwrap_err();

    assert_eq!(
        problems(&errors),
        [
            ("nombre".into(), "missing"),
            ("longitud".into(), "missing"),
            ("latitud".into(), "missing"),
        ]
    );
}

#[test]
fn a_repeated_key_is_invalid_json_not_a_silent_overwrite() {
    let error = parse_json::<SegmentPayload>(br#"{"nombre": "a", "nombre": "b"}"#)
        .err()
        .unwrap();

    assert_eq!(error.kind().code(), "json_invalid");
}

#[test]
fn an_unknown_field_is_named() {
    assert_eq!(
        only_problem(with("nombe", json!("x"))),
        ("nombe".into(), "extra_forbidden")
    );
}

#[test]
fn server_owned_fields_in_a_body_are_ignored() {
    let mut body = valid();
    body["id_segmento"] = json!(999);
    body["created_at"] = json!("1999-01-01T00:00:00Z");
    body["updated_at"] = json!(null);

    assert!(create(body.clone()).is_ok());
    assert!(patch(body).is_ok());
}

#[test]
fn an_empty_patch_changes_nothing() {
    assert!(patch(json!({})).unwrap().changes().is_empty());
}

#[test]
fn a_patch_lists_only_the_fields_sent_in_table_order() {
    let update = patch(json!({"latitud": 1.5, "nombre": "Nuevo"})).unwrap();

    assert_eq!(
        update.changes(),
        [
            ("nombre", ColumnValue::Text(Some("Nuevo"))),
            ("latitud", ColumnValue::Number(1.5)),
        ]
    );
}

#[test]
fn a_patch_may_clear_descripcion_and_ubicacion_with_null() {
    let update = patch(json!({"descripcion": null, "ubicacion": null})).unwrap();

    assert_eq!(
        update.changes(),
        [
            ("descripcion", ColumnValue::Text(None)),
            ("ubicacion", ColumnValue::Text(None)),
        ]
    );
}

#[test]
fn a_patch_may_not_null_a_required_field() {
    let errors = patch(json!({"nombre": null, "latitud": null})).unwrap_err();

    assert_eq!(
        problems(&errors),
        [
            ("nombre".into(), "string_type"),
            ("latitud".into(), "float_type")
        ]
    );
}

#[test]
fn a_patch_is_validated_like_a_create() {
    let errors = patch(json!({"nombre": "  ", "longitud": 500, "extra": 1})).unwrap_err();

    assert_eq!(
        problems(&errors),
        [
            ("nombre".into(), "string_blank"),
            ("longitud".into(), "less_than_equal"),
            ("extra".into(), "extra_forbidden"),
        ]
    );
}

#[test]
fn an_id_must_be_an_integer() {
    let error = SegmentId::parse("abc").unwrap_err();

    assert_eq!(
        error,
        FieldError::path("id_segmento", ErrorKind::IntParsing)
    );
    assert_eq!(SegmentId::parse("42").unwrap().get(), 42);
}

#[test]
fn an_id_beyond_javascript_precision_is_rejected() {
    assert!(SegmentId::parse("9007199254740991").is_ok());
    assert_eq!(
        SegmentId::parse("9007199254740992")
            .unwrap_err()
            .kind()
            .code(),
        "less_than_equal"
    );
}

#[test]
fn a_segment_serializes_with_the_v1_field_names() {
    let segment = Segment {
        id_segmento: 1,
        nombre: "a".into(),
        longitud: 1.5,
        latitud: -2.0,
        ubicacion: Some("b".into()),
        created_at: "2026-01-01T00:00:00.000Z".into(),
        updated_at: "2026-01-01T00:00:00.000Z".into(),
        version: 3,
        ..Segment::default()
    };

    let value = serde_json::to_value(&segment).unwrap();

    // The members of the original API, as it sent them.
    let v1 = json!({
        "id_segmento": 1, "nombre": "a", "descripcion": null, "longitud": 1.5,
        "latitud": -2.0, "ubicacion": "b",
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z", "version": 3
    });
    for (name, sent) in v1.as_object().unwrap() {
        assert_eq!(&value[name], sent, "{name}");
    }
    // And one member per field of the table, in its order.
    let text = serde_json::to_string(&segment).unwrap();
    let at: Vec<usize> = crate::segments::fields::FIELDS
        .iter()
        .map(|field| {
            text.find(&format!("\"{}\":", field.name))
                .expect(field.name)
        })
        .collect();
    assert!(at.is_sorted(), "{text}");
    assert_eq!(value.as_object().unwrap().len(), at.len());
}
