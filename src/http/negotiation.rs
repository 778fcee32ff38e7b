//! Content negotiation: JSON or GeoJSON, from `?format=` or the `Accept` header.

use crate::segments::geojson;
use crate::validation::field_error::ErrorKind;

/// The representation a list or a segment is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
#[cfg_attr(test, schema(rename_all = "lowercase"))]
pub enum Format {
    /// `application/json`: the segment, or an array of them.
    Json,
    /// `application/geo+json`: a Feature, or a FeatureCollection (RFC 7946).
    GeoJson,
}

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::GeoJson => geojson::MEDIA_TYPE,
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ErrorKind> {
        match raw {
            "json" => Ok(Self::Json),
            "geojson" => Ok(Self::GeoJson),
            _ => Err(ErrorKind::LiteralError {
                expected: &["json", "geojson"],
            }),
        }
    }

    /// `?format=` when given, else the client's `Accept`: GeoJSON when it names
    /// `application/geo+json` and wants it at least as much as JSON. A wildcard never
    /// picks GeoJSON, but it does count for JSON: `application/geo+json;q=0.5, */*`
    /// prefers JSON.
    pub fn negotiate(asked: Option<Self>, accept: Option<&str>) -> Self {
        if let Some(format) = asked {
            return format;
        }
        let Some(accept) = accept else {
            return Self::Json;
        };
        let geo = accepted(accept, geojson::MEDIA_TYPE)
            .filter(|(specificity, _)| *specificity == Specificity::Exact)
            .map(|(_, weight)| weight);
        let json = accepted(accept, "application/json").map_or(0.0, |(_, weight)| weight);
        match geo {
            Some(geo) if geo > 0.0 && geo >= json => Self::GeoJson,
            _ => Self::Json,
        }
    }
}

/// How closely a media range of `Accept` names a media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Specificity {
    /// `*/*`
    Any,
    /// `type/*`
    AnySubtype,
    /// `type/subtype`
    Exact,
}

/// How much `accept` wants `media` (RFC 9110, section 12.5.1): the weight (`q`, 1 when
/// absent) of the most specific range matching it, and how specific that range is; none
/// when no range matches.
fn accepted(accept: &str, media: &str) -> Option<(Specificity, f32)> {
    let kind = media.split('/').next().unwrap_or(media);
    accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let name = parts.next()?;
            let specificity = if name.eq_ignore_ascii_case(media) {
                Specificity::Exact
            } else if name
                .strip_suffix("/*")
                .is_some_and(|range_kind| range_kind.eq_ignore_ascii_case(kind))
            {
                Specificity::AnySubtype
            } else if name == "*/*" {
                Specificity::Any
            } else {
                return None;
            };
            let weight = parts
                .filter_map(|param| param.split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, value)| value.trim().parse::<f32>().unwrap_or(1.0));
            Some((specificity, weight))
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
