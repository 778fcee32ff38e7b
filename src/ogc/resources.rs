//! The JSON resources of the API, built from the request's origin and the data: the
//! landing page, the conformance declaration, the collection (alone and in the list of
//! collections, from one function, as /req/core/sfc-md-success wants them identical) and
//! an item's links. Links are absolute and each has its media type.

use serde::{Deserialize, Serialize};

use super::{COLLECTION_ID, DOCS_PATH, ITEMS_PATH, OPENAPI_MEDIA_TYPE, OPENAPI_PATH};
use crate::http::conditional::feature_etag;
use crate::http::link::Link;
use crate::segments::geojson::{Feature, MEDIA_TYPE as GEOJSON};
use crate::segments::handlers::COLLECTION_PATH as V1_SEGMENTS;
use crate::segments::list::item::ListItem;
use crate::segments::model::Segment;

const JSON: &str = "application/json";
const HTML: &str = "text/html";

/// The conformance classes this API implements, and no other (/req/core/conformance-success):
/// Part 1's, and Part 4's (a draft: 20-002's "1.0.0-draft.2") as `ogc::edit` implements them.
pub const CONFORMANCE: [&str; 6] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
];

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const GREGORIAN: &str = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";

/// `GET /`.
#[derive(Debug, Serialize)]
pub struct LandingPage {
    title: &'static str,
    description: &'static str,
    links: Vec<Link>,
}

impl LandingPage {
    pub fn new(origin: &str) -> Self {
        Self {
            title: "RecWay road segments",
            description: "The road segments of the RecWay road-quality service, as OGC API - \
                Features: one collection, `segmentos`, of points in CRS84.",
            links: vec![
                Link::new(format!("{origin}/"), "self", JSON),
                Link::new(
                    format!("{origin}{OPENAPI_PATH}"),
                    "service-desc",
                    OPENAPI_MEDIA_TYPE,
                ),
                Link::new(format!("{origin}{DOCS_PATH}"), "service-doc", HTML),
                Link::new(format!("{origin}/conformance"), "conformance", JSON),
                Link::new(format!("{origin}/collections"), "data", JSON),
            ],
        }
    }
}

/// `GET /conformance`.
#[derive(Debug, Serialize)]
pub struct Conformance {
    #[serde(rename = "conformsTo")]
    conforms_to: [&'static str; CONFORMANCE.len()],
}

impl Default for Conformance {
    fn default() -> Self {
        Self {
            conforms_to: CONFORMANCE,
        }
    }
}

/// The extent of the segments as stored, as the extent query reads it; every member is
/// null when there are none.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Bounds {
    pub west: Option<f64>,
    pub south: Option<f64>,
    pub east: Option<f64>,
    pub north: Option<f64>,
    pub first_update: Option<String>,
    pub last_update: Option<String>,
}

/// The SQL of [`Bounds`]: six index lookups, one per end of each column. Each `min()` or
/// `max()` in a SELECT of its own: SQLite reads several of them in one SELECT by scanning
/// the table (1,000,000 rows read at 1,000,000 segments).
pub const BOUNDS_SQL: &str = "SELECT \
    (SELECT min(longitud) FROM segmentos) AS west, \
    (SELECT min(latitud) FROM segmentos) AS south, \
    (SELECT max(longitud) FROM segmentos) AS east, \
    (SELECT max(latitud) FROM segmentos) AS north, \
    (SELECT min(updated_at) FROM segmentos) AS first_update, \
    (SELECT max(updated_at) FROM segmentos) AS last_update";

/// The collection, as `GET /collections/segmentos` sends it and `GET /collections` lists it.
#[derive(Debug, Serialize)]
pub struct Collection {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    #[serde(rename = "itemType")]
    item_type: &'static str,
    crs: [&'static str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    extent: Option<Extent>,
    links: Vec<Link>,
}

#[derive(Debug, Serialize)]
struct Extent {
    spatial: Spatial,
    temporal: Temporal,
}

#[derive(Debug, Serialize)]
struct Spatial {
    bbox: [[f64; 4]; 1],
    crs: &'static str,
}

#[derive(Debug, Serialize)]
struct Temporal {
    interval: [[String; 2]; 1],
    trs: &'static str,
}

impl Collection {
    pub fn new(origin: &str, bounds: &Bounds) -> Self {
        let collection = format!("{origin}/collections/{COLLECTION_ID}");
        Self {
            id: COLLECTION_ID,
            title: "Segmentos",
            description: "Road segments: a point each (longitud, latitud), with its name \
                (nombre), description, location (ubicacion) and when it was created and last \
                updated. `datetime` filters on `updated_at`.",
            item_type: "feature",
            crs: [CRS84],
            extent: Extent::of(bounds),
            links: vec![
                Link::new(format!("{origin}{ITEMS_PATH}"), "items", GEOJSON),
                Link::new(collection.clone(), "self", JSON),
                Link::new(format!("{origin}{V1_SEGMENTS}"), "alternate", JSON),
            ],
        }
    }
}

impl Extent {
    /// Every segment's position and `updated_at` (/req/core/fc-md-extent); none without
    /// segments.
    fn of(bounds: &Bounds) -> Option<Self> {
        let Bounds {
            west: Some(west),
            south: Some(south),
            east: Some(east),
            north: Some(north),
            first_update: Some(first),
            last_update: Some(last),
        } = bounds.clone()
        else {
            return None;
        };
        Some(Self {
            spatial: Spatial {
                bbox: [[west, south, east, north]],
                crs: CRS84,
            },
            temporal: Temporal {
                interval: [[first, last]],
                trs: GREGORIAN,
            },
        })
    }
}

/// `GET /collections`.
#[derive(Debug, Serialize)]
pub struct Collections {
    links: [Link; 1],
    collections: [Collection; 1],
}

impl Collections {
    pub fn new(origin: &str, bounds: &Bounds) -> Self {
        Self {
            links: [Link::new(format!("{origin}/collections"), "self", JSON)],
            collections: [Collection::new(origin, bounds)],
        }
    }
}

/// An item's links: to itself, to its v1 segment (its JSON representation) and to its
/// collection (/req/core/f-links).
pub fn item_links(origin: &str, id: i64) -> Vec<Link> {
    vec![
        Link::new(item_url(origin, id), "self", GEOJSON),
        Link::new(format!("{origin}{V1_SEGMENTS}/{id}"), "alternate", JSON),
        Link::new(
            format!("{origin}/collections/{COLLECTION_ID}"),
            "collection",
            JSON,
        ),
    ]
}

/// The absolute URL of an item: its `self` link, and the `Location` of a created one.
pub fn item_url(origin: &str, id: i64) -> String {
    format!("{origin}{ITEMS_PATH}/{id}")
}

/// An item as it is sent, and its strong `ETag`: the same bytes whether it is read,
/// created or written.
pub fn item(origin: &str, segment: Segment) -> Result<(String, String), serde_json::Error> {
    let etag = feature_etag(segment.id_segmento, segment.version);
    let links = item_links(origin, segment.id_segmento);
    let row = ListItem::from(segment);
    let body = serde_json::to_string(&Feature::new(&row).linked(links))?;
    Ok((body, etag))
}

#[cfg(test)]
mod tests;
