use super::*;

#[test]
fn present_empty_and_absent_values_read_back_in_order() {
    assert_eq!(
        parse_header_values("=text/html\0\0=\0=a=b\0"),
        vec![
            Some("text/html".to_owned()),
            None,
            Some(String::new()),
            Some("a=b".to_owned())
        ]
    );
}

#[test]
fn no_names_read_no_values() {
    assert_eq!(parse_header_values(""), Vec::<Option<String>>::new());
}

#[test]
fn pairs_are_joined_with_nul_after_each_name_and_value() {
    assert_eq!(
        header_pairs([("x-a", "1"), ("x-b", "")]),
        "x-a\u{0}1\u{0}x-b\u{0}\u{0}"
    );
}
