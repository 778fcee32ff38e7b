use super::*;
use serde_json::json;

fn pairs(list: &[(String, String)]) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    list.iter()
        .map(|(name, value)| (Cow::from(name.as_str()), Cow::from(value.as_str())))
        .collect()
}

fn loc(error: &FieldError) -> serde_json::Value {
    serde_json::to_value(error).unwrap()["loc"].clone()
}

#[test]
fn an_ordinary_query_passes() {
    let list = vec![
        ("limit".to_owned(), "10".to_owned()),
        ("q".to_owned(), "ruta".to_owned()),
    ];
    assert_eq!(check_query(pairs(&list)), Ok(()));
}

#[test]
fn more_than_32_parameters_are_refused() {
    let list: Vec<_> = (0..33).map(|i| (format!("p{i}"), "1".to_owned())).collect();

    let errors = check_query(pairs(&list)).unwrap_err();

    assert_eq!(errors.len(), 1);
    assert_eq!(loc(&errors[0]), json!(["query"]));
    assert_eq!(
        errors[0].kind(),
        &ErrorKind::TooLong {
            max: 32,
            actual: 33
        }
    );
}

#[test]
fn a_value_over_2048_characters_is_refused_at_its_name() {
    let list = vec![("cursor".to_owned(), "é".repeat(2049))];

    let errors = check_query(pairs(&list)).unwrap_err();

    assert_eq!(loc(&errors[0]), json!(["query", "cursor"]));
    assert_eq!(errors[0].kind(), &ErrorKind::StringTooLong { max: 2048 });
}

#[test]
fn a_value_of_exactly_2048_characters_passes() {
    let list = vec![("cursor".to_owned(), "é".repeat(2048))];
    assert_eq!(check_query(pairs(&list)), Ok(()));
}

#[test]
fn an_overlong_name_is_refused_without_echoing_it() {
    let list = vec![("n".repeat(65), "1".to_owned())];

    let errors = check_query(pairs(&list)).unwrap_err();

    assert_eq!(loc(&errors[0]), json!(["query"]));
}

#[test]
fn a_header_over_4096_bytes_is_refused_at_its_name() {
    assert_eq!(check_header("if-match", &"a".repeat(4096)), Ok(()));
    let error = check_header("if-match", &"a".repeat(4097)).unwrap_err();
    assert_eq!(loc(&error), json!(["header", "if-match"]));
}
