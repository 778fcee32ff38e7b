//! Segments as RFC 7946 GeoJSON: a `Feature` per segment, a `FeatureCollection` per list
//! page, with the paging members of OGC API Features (`numberMatched`, `numberReturned`,
//! `links`) so that GIS clients can page through a list.

use serde::Serialize;

pub mod input;

use super::list::item::ListItem;
use crate::http::link::Link;

/// The media type of every GeoJSON response.
pub const MEDIA_TYPE: &str = "application/geo+json";

/// A page of a list.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct FeatureCollection<'a> {
    #[serde(rename = "type")]
    kind: FeatureCollectionType,
    features: Vec<Feature<'a>>,
    /// How many segments match the filters, over all pages (as `X-Total-Count`): absent
    /// for a filtered list that was not asked to count (`Prefer: count=exact`).
    #[serde(rename = "numberMatched", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, schema(value_type = u64, required = false))]
    number_matched: Option<u64>,
    /// How many features this page holds.
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    /// `self`, and `next` when more segments follow.
    links: Vec<Link>,
    /// When the page was made: OGC API Features' items carry it, the v1 list does not.
    #[serde(rename = "timeStamp", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, schema(ignore))]
    time_stamp: Option<String>,
}

impl<'a> FeatureCollection<'a> {
    pub fn new(
        rows: &'a [ListItem],
        number_matched: Option<u64>,
        self_href: String,
        next_href: Option<String>,
    ) -> Self {
        let mut links = vec![Link::new(self_href, "self", MEDIA_TYPE)];
        links.extend(next_href.map(|href| Link::new(href, "next", MEDIA_TYPE)));
        Self {
            kind: FeatureCollectionType::FeatureCollection,
            features: rows.iter().map(Feature::new).collect(),
            number_matched,
            number_returned: rows.len(),
            links,
            time_stamp: None,
        }
    }

    /// The page, stamped with the time it was made (`timeStamp`).
    pub fn stamped(self, time_stamp: String) -> Self {
        Self {
            time_stamp: Some(time_stamp),
            ..self
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
enum FeatureCollectionType {
    FeatureCollection,
}

/// One segment: a point at its coordinates, with every field of the segment as its
/// properties (and `distance_m` in a `near` list).
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct Feature<'a> {
    #[serde(rename = "type")]
    kind: FeatureType,
    /// The segment's `id_segmento`.
    id: i64,
    geometry: Point,
    properties: &'a ListItem,
    /// An OGC API Features item's links; the v1 API sends none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, schema(ignore))]
    links: Option<Vec<Link>>,
}

impl<'a> Feature<'a> {
    pub fn new(row: &'a ListItem) -> Self {
        let segment = &row.segment;
        Self {
            kind: FeatureType::Feature,
            id: segment.id_segmento,
            geometry: Point {
                kind: PointType::Point,
                coordinates: [segment.longitud, segment.latitud],
            },
            properties: row,
            links: None,
        }
    }

    /// The feature with `links` (an OGC API Features item's).
    pub fn linked(self, links: Vec<Link>) -> Self {
        Self {
            links: Some(links),
            ..self
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
enum FeatureType {
    Feature,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
struct Point {
    #[serde(rename = "type")]
    kind: PointType,
    /// `[longitude, latitude]` in degrees (WGS 84), in that order.
    coordinates: [f64; 2],
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
enum PointType {
    Point,
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
