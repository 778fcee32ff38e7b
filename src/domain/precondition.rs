//! HTTP conditional requests (RFC 9110 §8.8.3 and §13): the entity tags of segments and
//! the `If-Match` / `If-None-Match` conditions that name them.
//!
//! A segment's tag is derived from its id and `version`, so a write can check a client's
//! condition in SQL, in the same statement that changes the row (see
//! `db::segmentos`): there is no window between the check and the write.

use std::hash::{DefaultHasher, Hasher};

use super::field_error::{ErrorKind, FieldError};
use super::listing::Format;

/// The strong entity tag of one version of a segment in one representation: `"7.3"` for
/// JSON and `"7.3.geojson"` for the GeoJSON Feature (RFC 9110 gives each representation
/// its own strong tag).
pub fn segment_etag(id: i64, version: i64, format: Format) -> String {
    match format {
        Format::Json => format!("\"{id}.{version}\""),
        Format::GeoJson => format!("\"{id}.{version}.geojson\""),
    }
}

/// The weak entity tag of a list response: a digest of everything in it that can change,
/// the body, the total count and the next link. Weak: equal lists are "the same list"
/// whatever the bytes (RFC 9110 §8.8.1).
///
/// SipHash (std's `DefaultHasher`), not a cryptographic digest: the tag only has to change
/// when the list does, and nobody gains by forging a collision with a list they can read.
/// SHA-256 was 3% of a 100-row list's CPU time (`npm run bench`, bench/RESULTS.md). The
/// algorithm may change with the Rust release; a new build then only misses one `304`.
pub fn list_etag(body: &[u8], total: u64, next: Option<&str>) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write_u64(total);
    hasher.write(next.unwrap_or_default().as_bytes());
    hasher.write_u8(0);
    hasher.write(body);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// The versions of one segment a condition names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Versions {
    /// `*`: any current version.
    Any,
    /// These versions (possibly none: the tags named other segments or none of ours).
    Listed(Vec<i64>),
}

impl Versions {
    pub fn contains(&self, version: i64) -> bool {
        match self {
            Self::Any => true,
            Self::Listed(versions) => versions.contains(&version),
        }
    }
}

/// What a write requires of the segment's current version. Each condition the client did
/// not send is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteConditions {
    /// `If-Match`: the current version must be one of these.
    pub if_match: Option<Versions>,
    /// `If-None-Match`: the current version must not be one of these.
    pub if_none_match: Option<Versions>,
}

impl WriteConditions {
    /// Reads both headers of a write to segment `id`. A malformed value is a `422`.
    pub fn parse(
        id: i64,
        if_match: Option<&str>,
        if_none_match: Option<&str>,
    ) -> Result<Self, Vec<FieldError>> {
        let read = |name: &str, raw: Option<&str>| {
            raw.map(|raw| {
                TagList::parse(raw)
                    .map(|tags| tags.versions_of(id))
                    .map_err(|kind| FieldError::header(name, kind))
            })
            .transpose()
        };
        match (
            read("if-match", if_match),
            read("if-none-match", if_none_match),
        ) {
            (Ok(if_match), Ok(if_none_match)) => Ok(Self {
                if_match,
                if_none_match,
            }),
            (first, second) => Err(first.err().into_iter().chain(second.err()).collect()),
        }
    }

    /// Whether a segment currently at `version` may be written.
    pub fn hold_for(&self, version: i64) -> bool {
        self.if_match.as_ref().is_none_or(|v| v.contains(version))
            && !self
                .if_none_match
                .as_ref()
                .is_some_and(|v| v.contains(version))
    }
}

/// An `If-Match` or `If-None-Match` value: `*`, or a comma list of entity tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagList {
    Any,
    Tags(Vec<EntityTag>),
}

/// One `entity-tag`: `"opaque"` or `W/"opaque"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTag {
    pub weak: bool,
    /// The characters between the quotes.
    pub opaque: String,
}

/// More tags than any client needs; a bound on what one header makes us hold.
const MAX_TAGS: usize = 64;

impl TagList {
    /// Parses RFC 9110's `"*" / #entity-tag` (empty list elements are allowed).
    pub fn parse(raw: &str) -> Result<Self, ErrorKind> {
        let raw = raw.trim_matches([' ', '\t']);
        if raw == "*" {
            return Ok(Self::Any);
        }
        let mut tags = Vec::new();
        let mut rest = raw;
        loop {
            rest = rest.trim_start_matches([' ', '\t', ',']);
            if rest.is_empty() {
                break;
            }
            let (tag, after) = EntityTag::parse_prefix(rest).ok_or_else(malformed)?;
            tags.push(tag);
            rest = after.trim_start_matches([' ', '\t']);
            if !rest.is_empty() && !rest.starts_with(',') {
                return Err(malformed());
            }
            if tags.len() > MAX_TAGS {
                return Err(ErrorKind::value_error(format!(
                    "at most {MAX_TAGS} entity tags are accepted"
                )));
            }
        }
        if tags.is_empty() {
            return Err(malformed());
        }
        Ok(Self::Tags(tags))
    }

    /// Weak comparison (RFC 9110 §8.8.3.2), as `If-None-Match` uses: does any tag name
    /// `etag`, whatever either's weakness?
    pub fn matches_weakly(&self, etag: &str) -> bool {
        let Some((current, _)) = EntityTag::parse_prefix(etag) else {
            return false;
        };
        match self {
            Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|tag| tag.opaque == current.opaque),
        }
    }

    /// The versions of segment `id` these tags name, in either representation. A weak
    /// tag counts: Cloudflare weakens the ETag of a response it compresses, and the
    /// version it carries still names exactly one state of the segment.
    pub fn versions_of(&self, id: i64) -> Versions {
        match self {
            Self::Any => Versions::Any,
            Self::Tags(tags) => Versions::Listed(
                tags.iter()
                    .filter_map(|tag| segment_version(&tag.opaque, id))
                    .collect(),
            ),
        }
    }
}

fn malformed() -> ErrorKind {
    ErrorKind::value_error("expected `*` or a comma list of quoted entity tags")
}

impl EntityTag {
    /// One tag at the start of `text`, and what follows it.
    fn parse_prefix(text: &str) -> Option<(Self, &str)> {
        let (weak, quoted) = match text.strip_prefix("W/") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let inner = quoted.strip_prefix('"')?;
        let end = inner.find('"')?;
        let opaque = &inner[..end];
        // etagc: %x21 / %x23-7E / obs-text; no spaces, controls or quotes.
        if !opaque
            .chars()
            .all(|c| c == '!' || ('#'..='~').contains(&c) || !c.is_ascii())
        {
            return None;
        }
        let tag = Self {
            weak,
            opaque: opaque.to_owned(),
        };
        Some((tag, &inner[end + 1..]))
    }
}

/// The version in one of [`segment_etag`]'s tags, if it is a tag of segment `id`.
fn segment_version(opaque: &str, id: i64) -> Option<i64> {
    let rest = opaque.strip_suffix(".geojson").unwrap_or(opaque);
    let (tag_id, version) = rest.split_once('.')?;
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(tag_id) || !digits(version) || tag_id.parse::<i64>().ok()? != id {
        return None;
    }
    version.parse().ok()
}

#[cfg(test)]
mod tests {
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
        let tag = list_etag(b"[]", 3, None);

        assert!(
            tag.starts_with("W/\"") && tag.ends_with('"') && tag.len() == 20,
            "{tag}"
        );
        assert_eq!(tag, list_etag(b"[]", 3, None));
        assert_ne!(tag, list_etag(b"[1]", 3, None));
        assert_ne!(tag, list_etag(b"[]", 4, None));
        assert_ne!(tag, list_etag(b"[]", 3, Some("/next")));
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
        let list = tags(r#""7.1", W/"7.2", "7.3.geojson", "8.4", "7.x", "7.-1", "junk""#);

        assert_eq!(list.versions_of(7), Versions::Listed(vec![1, 2, 3]));
        assert_eq!(list.versions_of(9), Versions::Listed(vec![]));
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
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{config, edge_text, loc};
    use crate::domain::input::MAX_SAFE_INTEGER;
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

            prop_assert_eq!(tags.versions_of(id), Versions::Listed(vec![version]));
            prop_assume!(other_id != id);
            prop_assert_eq!(tags.versions_of(other_id), Versions::Listed(vec![]));
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
        fn a_list_etag_is_weak_and_well_formed(body in vec(any::<u8>(), 0..64), total in any::<u64>(), next in prop::option::of(any::<String>())) {
            let etag = list_etag(&body, total, next.as_deref());

            prop_assert_eq!(etag.len(), 20);
            prop_assert_eq!(TagList::parse(&etag).map(|tags| tags.matches_weakly(&etag)), Ok(true));
            prop_assert!(matches!(TagList::parse(&etag), Ok(TagList::Tags(tags)) if tags.len() == 1 && tags[0].weak));
        }
    }
}
