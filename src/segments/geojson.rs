//! Segments as RFC 7946 GeoJSON: a `Feature` per segment, a `FeatureCollection` per list
//! page, with the paging members of OGC API Features (`numberMatched`, `numberReturned`,
//! `links`) so that GIS clients can page through a list.

use serde::Serialize;

use super::list::item::ListItem;

/// The media type of every GeoJSON response.
pub const MEDIA_TYPE: &str = "application/geo+json";

/// A page of a list.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct FeatureCollection<'a> {
    #[serde(rename = "type")]
    kind: FeatureCollectionType,
    features: Vec<Feature<'a>>,
    /// How many segments match the filters, over all pages (as `X-Total-Count`).
    #[serde(rename = "numberMatched")]
    number_matched: u64,
    /// How many features this page holds.
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    /// `self`, and `next` when more segments follow.
    links: Vec<Link>,
}

impl<'a> FeatureCollection<'a> {
    pub fn new(
        rows: &'a [ListItem],
        number_matched: u64,
        self_href: String,
        next_href: Option<String>,
    ) -> Self {
        let mut links = vec![Link::new(self_href, "self")];
        links.extend(next_href.map(|href| Link::new(href, "next")));
        Self {
            kind: FeatureCollectionType::FeatureCollection,
            features: rows.iter().map(Feature::new).collect(),
            number_matched,
            number_returned: rows.len(),
            links,
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

/// A link to a page of the same list.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
struct Link {
    href: String,
    rel: &'static str,
    #[serde(rename = "type")]
    media_type: &'static str,
}

impl Link {
    fn new(href: String, rel: &'static str) -> Self {
        Self {
            href,
            rel,
            media_type: MEDIA_TYPE,
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
