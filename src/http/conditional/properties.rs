use super::*;
use crate::testing::arbitrary::{config, edge_text, loc};
use crate::validation::input::MAX_SAFE_INTEGER;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::json;

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![Just(Format::Json), Just(Format::GeoJson)]
}

/// An opaque tag as RFC 9110 allows it: `etagc` characters, including obs-text.
fn opaque() -> impl Strategy<Value = String> {
    prop_oneof![
        "[!#-~]{0,12}",
        "[0-9]{1,4}\\.[0-9]{1,4}(\\.geojson)?",
        vec(
            prop_oneof![
                any::<char>().prop_filter("obs-text", |c| !c.is_ascii()),
                select(&['!', '#', '~', 'a', '.'][..])
            ],
            0..6
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

fn tag() -> impl Strategy<Value = EntityTag> {
    (any::<bool>(), opaque()).prop_map(|(weak, opaque)| EntityTag { weak, opaque })
}

fn tag_text(tag: &EntityTag) -> String {
    format!("{}\"{}\"", if tag.weak { "W/" } else { "" }, tag.opaque)
}

/// Optional whitespace and empty list elements, as RFC 9110's `#rule` allows.
fn separator() -> impl Strategy<Value = String> {
    select(&[",", ", ", " ,", ",,", " , ,\t", "\t,"][..]).prop_map(str::to_owned)
}

/// Header values: any text, or lists of tags sometimes broken by an odd character.
fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        edge_text(16),
        Just("*".to_owned()),
        (
            vec((tag(), separator()), 0..70),
            edge_text(2),
            any::<prop::sample::Index>()
        )
            .prop_map(|(tags, odd, at)| {
                let mut text: String = tags
                    .iter()
                    .map(|(tag, separator)| format!("{}{separator}", tag_text(tag)))
                    .collect();
                if !odd.is_empty() && !text.is_empty() {
                    let mut at = at.index(text.len());
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    text.insert_str(at, &odd);
                }
                text
            }),
    ]
}

fn valid_opaque(opaque: &str) -> bool {
    opaque
        .chars()
        .all(|c| c == '!' || ('#'..='~').contains(&c) || !c.is_ascii())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn an_arbitrary_condition_is_any_or_at_most_64_well_formed_tags_or_a_value_error(raw in header()) {
        match TagList::parse(&raw) {
            Ok(TagList::Any) => prop_assert_eq!(raw.trim_matches([' ', '\t']), "*"),
            Ok(TagList::Tags(tags)) => {
                prop_assert!((1..=MAX_TAGS).contains(&tags.len()), "{}", tags.len());
                for tag in &tags {
                    prop_assert!(valid_opaque(&tag.opaque), "{tag:?}");
                    prop_assert!(raw.contains(&tag_text(tag)), "{tag:?} not in {raw:?}");
                }
            }
            Err(kind) => prop_assert!(matches!(kind, ErrorKind::ValueError { .. }), "{kind:?}"),
        }
    }

    #[test]
    fn a_list_of_tags_round_trips_through_its_text(
        tags in vec((tag(), separator()), 1..=MAX_TAGS),
        leading in separator(),
    ) {
        let text: String = tags.iter().map(|(tag, separator)| format!("{}{separator}", tag_text(tag))).collect();
        let expected: Vec<EntityTag> = tags.into_iter().map(|(tag, _)| tag).collect();

        prop_assert_eq!(TagList::parse(&format!("{leading}{text}")), Ok(TagList::Tags(expected)));
    }

    #[test]
    fn a_segment_etag_names_its_version_and_nothing_else(
        id in 0..=MAX_SAFE_INTEGER,
        other_id in 0..=MAX_SAFE_INTEGER,
        version in 1..=MAX_SAFE_INTEGER,
        format in format(),
        weak in any::<bool>(),
    ) {
        let etag = segment_etag(id, version, format);
        let sent = if weak { format!("W/{etag}") } else { etag.clone() };
        let tags = TagList::parse(&sent).map_err(|kind| TestCaseError::fail(format!("{kind:?}")))?;

        prop_assert_eq!(tags.versions_of(id), Versions::Named(vec![version]));
        prop_assume!(other_id != id);
        prop_assert_eq!(tags.versions_of(other_id), Versions::Named(vec![]));
        prop_assert!(tags.matches_weakly(&etag));
        prop_assert!(tags.matches_weakly(&segment_etag(id, version, format)));
    }

    #[test]
    fn arbitrary_write_conditions_hold_or_are_refused_on_the_header_that_is_malformed(
        id in prop_oneof![0..100i64, any::<i64>()],
        if_match in prop::option::of(header()),
        if_none_match in prop::option::of(header()),
    ) {
        let bad = |raw: &Option<String>| raw.as_deref().is_some_and(|raw| TagList::parse(raw).is_err());
        let mut expected = Vec::new();
        if bad(&if_match) {
            expected.push(json!(["header", "if-match"]));
        }
        if bad(&if_none_match) {
            expected.push(json!(["header", "if-none-match"]));
        }
        match WriteConditions::parse(id, if_match.as_deref(), if_none_match.as_deref()) {
            Ok(conditions) => {
                prop_assert_eq!(expected, Vec::<serde_json::Value>::new());
                prop_assert_eq!(conditions.if_match.is_some(), if_match.is_some());
                prop_assert_eq!(conditions.if_none_match.is_some(), if_none_match.is_some());
            }
            Err(errors) => prop_assert_eq!(errors.iter().map(loc).collect::<Vec<_>>(), expected),
        }
    }

    #[test]
    fn a_list_etag_is_weak_and_well_formed(body in vec(any::<u8>(), 0..64), total in prop::option::of(any::<u64>()), next in prop::option::of(any::<String>())) {
        let etag = list_etag(&body, total, next.as_deref());

        prop_assert_eq!(etag.len(), 20);
        prop_assert_eq!(TagList::parse(&etag).map(|tags| tags.matches_weakly(&etag)), Ok(true));
        prop_assert!(matches!(TagList::parse(&etag), Ok(TagList::Tags(tags)) if tags.len() == 1 && tags[0].weak));
    }
}
