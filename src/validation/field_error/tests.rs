use super::*;

#[test]
fn a_body_field_error_serializes_in_fastapi_shape() {
    let error = FieldError::body_field("nombre", ErrorKind::Missing);

    let value = serde_json::to_value(&error).unwrap();

    assert_eq!(
        value,
        json!({"type": "missing", "loc": ["body", "nombre"], "msg": "Field required"})
    );
}

#[test]
fn a_range_error_prints_whole_bounds_without_a_fraction() {
    let error = FieldError::body_field("longitud", ErrorKind::GreaterThanEqual { min: -180.0 });

    let value = serde_json::to_value(&error).unwrap();

    assert_eq!(
        value["msg"],
        "Input should be greater than or equal to -180"
    );
    assert_eq!(value["ctx"], json!({"ge": -180}));
}

#[test]
fn a_fractional_bound_keeps_its_fraction() {
    let kind = ErrorKind::LessThanEqual { max: 0.5 };

    assert_eq!(kind.message(), "Input should be less than or equal to 0.5");
}

#[test]
fn a_json_error_is_located_by_byte_offset() {
    let error = FieldError::body_position(
        7,
        ErrorKind::JsonInvalid {
            error: "expected value".into(),
        },
    );

    let value = serde_json::to_value(&error).unwrap();

    assert_eq!(value["loc"], json!(["body", 7]));
    assert_eq!(value["type"], "json_invalid");
    assert_eq!(value["ctx"]["error"], "expected value");
}

#[test]
fn query_and_path_errors_name_their_source() {
    let query = FieldError::query("limit", ErrorKind::IntParsing);
    let path = FieldError::path("id_segmento", ErrorKind::IntParsing);

    assert_eq!(
        serde_json::to_value(&query).unwrap()["loc"],
        json!(["query", "limit"])
    );
    assert_eq!(
        serde_json::to_value(&path).unwrap()["loc"],
        json!(["path", "id_segmento"])
    );
}

#[test]
fn a_literal_error_lists_the_accepted_words() {
    let kind = ErrorKind::LiteralError {
        expected: &["json", "geojson"],
    };

    assert_eq!(kind.message(), "Input should be 'json' or 'geojson'");
    assert_eq!(
        kind.context(),
        Some(json!({"expected": "'json' or 'geojson'"}))
    );
}

#[test]
fn a_value_error_carries_its_reason() {
    let kind = ErrorKind::value_error("bbox needs 4 numbers");

    assert_eq!(kind.message(), "Value error, bbox needs 4 numbers");
    assert_eq!(
        kind.context(),
        Some(json!({"error": "bbox needs 4 numbers"}))
    );
}

#[test]
fn a_one_character_limit_is_singular() {
    assert_eq!(
        ErrorKind::StringTooLong { max: 1 }.message(),
        "String should have at most 1 character"
    );
}
