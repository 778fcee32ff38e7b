use super::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    text: Field<String>,
    #[serde(default)]
    number: Field<f64>,
}

fn probe(body: &str) -> Probe {
    parse_json(body.as_bytes()).unwrap()
}

#[test]
fn a_field_records_absence_null_wrong_type_and_value() {
    assert_eq!(probe("{}").text, Field::Absent);
    assert_eq!(probe(r#"{"text": null}"#).text, Field::Null);
    assert_eq!(probe(r#"{"text": 5}"#).text, Field::WrongType);
    assert_eq!(probe(r#"{"text": "a"}"#).text, Field::Value("a".into()));
}

#[test]
fn a_number_field_accepts_integers_but_not_numeric_strings() {
    assert_eq!(probe(r#"{"number": 10}"#).number, Field::Value(10.0));
    assert_eq!(probe(r#"{"number": "10"}"#).number, Field::WrongType);
    assert_eq!(probe(r#"{"number": true}"#).number, Field::WrongType);
}

#[test]
fn every_wrong_type_in_a_body_is_kept_not_just_the_first() {
    let body = probe(r#"{"text": [], "number": {}}"#);

    assert_eq!(body.text, Field::WrongType);
    assert_eq!(body.number, Field::WrongType);
}

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

#[test]
#[cfg(debug_assertions)]
fn a_validator_rule_without_an_error_kind_fails_the_test_that_breaks_it() {
    let unknown = ValidationError::new("email");

    let outcome = std::panic::catch_unwind(|| rule_failure_kind(&unknown));

    assert!(outcome.is_err(), "an unknown code must not pass silently");
}

#[test]
fn the_rules_the_payloads_use_have_their_pydantic_kinds() {
    let failure = |code: &'static str, params: &[(&'static str, f64)]| {
        let mut failure = ValidationError::new(code);
        for (name, value) in params {
            failure.add_param((*name).into(), value);
        }
        known_rule_failure(&failure)
    };

    assert_eq!(
        failure("length", &[("max", 200.0)]),
        Some(ErrorKind::StringTooLong { max: 200 })
    );
    assert_eq!(
        failure("range", &[("min", -90.0), ("max", 90.0), ("value", -91.0)]),
        Some(ErrorKind::GreaterThanEqual { min: -90.0 })
    );
    assert_eq!(
        failure("range", &[("min", -90.0), ("max", 90.0), ("value", 91.0)]),
        Some(ErrorKind::LessThanEqual { max: 90.0 })
    );
    assert_eq!(failure("blank", &[]), Some(ErrorKind::Blank));
    assert_eq!(failure("finite", &[]), Some(ErrorKind::NotFinite));
    assert_eq!(failure("email", &[]), None);
}
