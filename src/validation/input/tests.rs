use super::*;
use serde_json::json;

/// Any JSON object.
type Probe = serde_json::Map<String, serde_json::Value>;

#[test]
fn an_empty_body_is_a_missing_body() {
    let error = parse_json::<Probe>(b"  \n").err().unwrap();

    assert_eq!(error, FieldError::body(ErrorKind::Missing));
}

#[test]
fn malformed_json_is_located_by_byte_offset() {
    let error = parse_json::<Probe>(b"{\"text\": \n  tru}").err().unwrap();

    let value = serde_json::to_value(&error).unwrap();
    assert_eq!(value["type"], "json_invalid");
    assert_eq!(value["loc"], json!(["body", 15]));
    assert!(!value["ctx"]["error"].as_str().unwrap().contains("line"));
}

#[test]
fn a_json_array_body_is_not_an_object() {
    let error = parse_json::<Probe>(b"[1, 2]").err().unwrap();

    assert_eq!(error, FieldError::body(ErrorKind::ObjectType));
}

#[test]
fn a_json_string_body_is_not_an_object() {
    let error = parse_json::<Probe>(br#""hello""#).err().unwrap();

    assert_eq!(error, FieldError::body(ErrorKind::ObjectType));
}

#[test]
fn a_truncated_body_is_invalid_json() {
    let error = parse_json::<Probe>(br#"{"text": "a"#).err().unwrap();

    assert_eq!(error.kind().code(), "json_invalid");
}

#[test]
fn an_integer_parameter_must_parse() {
    assert_eq!(integer_in_range("12", 0, 100), Ok(12));
    assert_eq!(integer_in_range("1.5", 0, 100), Err(ErrorKind::IntParsing));
    assert_eq!(integer_in_range("", 0, 100), Err(ErrorKind::IntParsing));
    assert_eq!(integer_in_range("ten", 0, 100), Err(ErrorKind::IntParsing));
    assert_eq!(
        integer_in_range("99999999999999999999", 0, 100),
        Err(ErrorKind::IntParsing)
    );
}

#[test]
fn an_integer_parameter_outside_its_range_names_the_broken_bound() {
    assert_eq!(
        integer_in_range("-1", 0, 100),
        Err(ErrorKind::GreaterThanEqual { min: 0.0 })
    );
    assert_eq!(
        integer_in_range("101", 0, 100),
        Err(ErrorKind::LessThanEqual { max: 100.0 })
    );
}
