use super::*;

fn tags(raw: &str) -> TagList {
    TagList::parse(raw).unwrap()
}

#[test]
fn a_segment_tag_names_its_id_version_and_representation() {
    assert_eq!(segment_etag(7, 3, Format::Json), "\"7.3\"");
    assert_eq!(segment_etag(7, 3, Format::GeoJson), "\"7.3.geojson\"");
}

#[test]
fn a_list_tag_is_weak_and_changes_with_body_total_or_next_link() {
    let tag = list_etag(b"[]", Some(3), None);

    assert!(
        tag.starts_with("W/\"") && tag.ends_with('"') && tag.len() == 20,
        "{tag}"
    );
    assert_eq!(tag, list_etag(b"[]", Some(3), None));
    assert_ne!(tag, list_etag(b"[1]", Some(3), None));
    assert_ne!(tag, list_etag(b"[]", Some(4), None));
    assert_ne!(tag, list_etag(b"[]", None, None));
    assert_ne!(tag, list_etag(b"[]", Some(3), Some("/next")));
}

#[test]
fn a_star_is_any_version() {
    assert_eq!(tags(" * "), TagList::Any);
    assert_eq!(tags("*").versions_of(1), Versions::Any);
}

#[test]
fn a_list_of_tags_parses_with_weak_ones_and_empty_elements() {
    assert_eq!(
        tags(r#""7.1", W/"7.2" ,, "x""#),
        TagList::Tags(vec![
            EntityTag {
                weak: false,
                opaque: "7.1".into()
            },
            EntityTag {
                weak: true,
                opaque: "7.2".into()
            },
            EntityTag {
                weak: false,
                opaque: "x".into()
            },
        ])
    );
}

#[test]
fn unquoted_or_unterminated_tags_are_malformed() {
    for raw in [
        "abc",
        "\"abc",
        "7.1",
        "\"a\" \"b\"",
        "W/abc",
        "",
        " , ",
        "\"a b\"",
    ] {
        assert!(TagList::parse(raw).is_err(), "{raw:?}");
    }
}

#[test]
fn a_list_longer_than_the_bound_is_refused() {
    let many = vec!["\"1.1\""; MAX_TAGS + 1].join(",");

    assert!(TagList::parse(&many).is_err());
    assert!(TagList::parse(&many[6..]).is_ok());
}

#[test]
fn versions_are_read_from_tags_of_this_segment_only() {
    let list = tags(r#""7.1", W/"7.2", "7.3.geojson", "7.4.ogc", "8.4", "7.x", "7.-1", "junk""#);

    assert_eq!(list.versions_of(7), Versions::Named(vec![1, 2, 3, 4]));
    assert_eq!(list.versions_of(9), Versions::Named(vec![]));
}

#[test]
fn an_ogc_item_s_tag_names_its_version_as_the_other_representations_do() {
    let tag = feature_etag(7, 4);

    assert_eq!(tag, "\"7.4.ogc\"");
    assert_eq!(tags(&tag).versions_of(7), Versions::Named(vec![4]));
    assert_eq!(
        tags(r#""7.4.ogc.geojson""#).versions_of(7),
        Versions::Named(vec![])
    );
}

#[test]
fn weak_comparison_ignores_weakness_on_either_side() {
    assert!(tags(r#"W/"7.1""#).matches_weakly("\"7.1\""));
    assert!(tags(r#""a", "7.1""#).matches_weakly("W/\"7.1\""));
    assert!(!tags(r#""7.2""#).matches_weakly("\"7.1\""));
    assert!(tags("*").matches_weakly("\"7.1\""));
}

#[test]
fn no_conditions_hold_for_every_version() {
    let conditions = WriteConditions::parse(7, None, None).unwrap();

    assert_eq!(conditions, WriteConditions::default());
    assert!(conditions.hold_for(1));
}

#[test]
fn if_match_holds_only_for_a_listed_version() {
    let conditions = WriteConditions::parse(7, Some(r#""7.2""#), None).unwrap();

    assert!(conditions.hold_for(2));
    assert!(!conditions.hold_for(3));
}

#[test]
fn if_none_match_star_never_holds_for_an_existing_segment() {
    let conditions = WriteConditions::parse(7, None, Some("*")).unwrap();

    assert!(!conditions.hold_for(1));
}

#[test]
fn both_malformed_headers_are_reported_by_name() {
    let errors = WriteConditions::parse(7, Some("nope"), Some("nada")).unwrap_err();

    let names: Vec<String> = errors
        .iter()
        .map(|error| serde_json::to_value(error).unwrap()["loc"][1].to_string())
        .collect();
    assert_eq!(names, ["\"if-match\"", "\"if-none-match\""]);
}
