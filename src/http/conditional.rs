//! HTTP conditional requests (RFC 9110 §8.8.3 and §13): the entity tags of segments and
//! the `If-Match` / `If-None-Match` conditions that name them.
//!
//! A segment's tag is derived from its id and `version`, so a write can check a client's
//! condition in SQL, in the same statement that changes the row (see
//! `segments::store`): there is no window between the check and the write.

use std::hash::{DefaultHasher, Hasher};

use super::negotiation::Format;
use crate::validation::field_error::{ErrorKind, FieldError};

/// What follows `id.version` in the tag of each representation but JSON's.
const GEOJSON_SUFFIX: &str = ".geojson";
const FEATURE_SUFFIX: &str = ".ogc";

/// The strong entity tag of one version of a segment in one representation: `"7.3"` for
/// JSON and `"7.3.geojson"` for the GeoJSON Feature (RFC 9110 gives each representation
/// its own strong tag).
pub fn segment_etag(id: i64, version: i64, format: Format) -> String {
    match format {
        Format::Json => format!("\"{id}.{version}\""),
        Format::GeoJson => format!("\"{id}.{version}{GEOJSON_SUFFIX}\""),
    }
}

/// The strong entity tag of one version of a segment as an OGC API Features item: the
/// GeoJSON Feature with its links, a representation of its own.
pub fn feature_etag(id: i64, version: i64) -> String {
    format!("\"{id}.{version}{FEATURE_SUFFIX}\"")
}

/// The weak entity tag of a list response: a digest of everything in it that can change,
/// the body, the total count (when it has one) and the next link. Weak: equal lists are "the same list"
/// whatever the bytes (RFC 9110 §8.8.1).
///
/// SipHash (std's `DefaultHasher`), not a cryptographic digest: the tag only has to change
/// when the list does, and nobody gains by forging a collision with a list they can read.
/// SHA-256 was 3% of a 100-row list's CPU time (`npm run bench`, bench/RESULTS.md). The
/// algorithm may change with the Rust release; a new build then only misses one `304`.
pub fn list_etag(body: &[u8], total: Option<u64>, next: Option<&str>) -> String {
    let mut hasher = DefaultHasher::new();
    // No count stands as a number no count can be.
    hasher.write_u64(total.unwrap_or(u64::MAX));
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
    Named(Vec<i64>),
}

impl Versions {
    pub fn contains(&self, version: i64) -> bool {
        match self {
            Self::Any => true,
            Self::Named(versions) => versions.contains(&version),
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

    /// The versions of segment `id` these tags name, in any representation. A weak
    /// tag counts: Cloudflare weakens the ETag of a response it compresses, and the
    /// version it carries still names exactly one state of the segment.
    pub fn versions_of(&self, id: i64) -> Versions {
        match self {
            Self::Any => Versions::Any,
            Self::Tags(tags) => Versions::Named(
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

/// The version in one of [`segment_etag`]'s or [`feature_etag`]'s tags, if it is a tag of
/// segment `id`.
fn segment_version(opaque: &str, id: i64) -> Option<i64> {
    let rest = [GEOJSON_SUFFIX, FEATURE_SUFFIX]
        .iter()
        .find_map(|suffix| opaque.strip_suffix(suffix))
        .unwrap_or(opaque);
    let (tag_id, version) = rest.split_once('.')?;
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(tag_id) || !digits(version) || tag_id.parse::<i64>().ok()? != id {
        return None;
    }
    version.parse().ok()
}

/// `If-Match` on a write, as both OpenAPI documents describe it.
#[cfg(test)]
pub const IF_MATCH_DESCRIPTION: &str = "`*` or entity tags from an `ETag` of the segment (its \
    JSON, its GeoJSON or its OGC feature; `W/` tags count too, as Cloudflare weakens the ETags \
    of compressed responses): write only if the current version is one of them.";

/// `If-None-Match` on a write, as both OpenAPI documents describe it.
#[cfg(test)]
pub const IF_NONE_MATCH_DESCRIPTION: &str =
    "`*` or entity tags: write only if the current version is none of them.";

/// The value of `If-Match` or `If-None-Match` on a write as [`TagList::parse`] takes it,
/// for both OpenAPI documents: `*`, or a comma list of `"opaque"` / `W/"opaque"` with
/// optional spaces and empty items. Empty is allowed: the runtime drops an empty header,
/// so it means none.
#[cfg(test)]
pub fn write_condition_schema() -> serde_json::Value {
    const TAGS: &str = r#"^[ \t]*(\*|[ \t,]*(W/)?"[^\x00-\x20"\x7f]*"([ \t]*,[ \t,]*(W/)?"[^\x00-\x20"\x7f]*")*[ \t,]*)?[ \t]*$"#;
    serde_json::json!({"type": "string", "pattern": TAGS})
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
