use super::*;

#[test]
fn a_preference_is_found_among_others_whatever_its_case_quotes_and_parameters() {
    for header in [
        "count=exact",
        "return=minimal, count=exact",
        "Count = \"exact\"",
        "count=exact; strict",
        "handling=lenient,count=exact",
    ] {
        assert!(asks(Some(header), "count", "exact"), "{header}");
    }
}

#[test]
fn another_value_or_name_or_no_header_asks_for_nothing() {
    for header in [
        Some("count=planned"),
        Some("count=exactly"),
        Some("counts=exact"),
        Some("count"),
        Some(""),
        None,
    ] {
        assert!(!asks(header, "count", "exact"), "{header:?}");
    }
}
