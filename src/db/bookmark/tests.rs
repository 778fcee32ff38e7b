use super::*;

#[test]
fn a_d1_bookmark_is_accepted() {
    let raw = "0000000a-00000003-00004fa2-46dd26e4f2bbd32fbad0ab6a2a4d5a1f";

    assert_eq!(Bookmark::parse(raw).unwrap().as_str(), raw);
}

#[test]
fn an_empty_long_or_odd_bookmark_is_refused_on_its_header() {
    for raw in ["", &"a".repeat(257), "a b", "a\"b", "ñ", "a,b", "a\r\nb"] {
        let error = Bookmark::parse(raw).unwrap_err();
        let value = serde_json::to_value(&error).unwrap();
        assert_eq!(
            value["loc"],
            serde_json::json!(["header", "x-d1-bookmark"]),
            "{raw:?}"
        );
    }
}
