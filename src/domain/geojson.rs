//! Segments as RFC 7946 GeoJSON: a `Feature` per segment, a `FeatureCollection` per list
//! page, with the paging members of OGC API Features (`numberMatched`, `numberReturned`,
//! `links`) so that GIS clients can page through a list.

use serde::Serialize;

use super::listing::Listed;

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
        rows: &'a [Listed],
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
    properties: &'a Listed,
}

impl<'a> Feature<'a> {
    pub fn new(row: &'a Listed) -> Self {
        let segmento = &row.segmento;
        Self {
            kind: FeatureType::Feature,
            id: segmento.id_segmento,
            geometry: Point {
                kind: PointType::Point,
                coordinates: [segmento.longitud, segmento.latitud],
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
mod tests {
    use super::*;
    use crate::domain::Segmento;
    use serde_json::json;

    fn row(id: i64) -> Listed {
        Listed::from(Segmento::sample(id))
    }

    #[test]
    fn a_feature_is_a_point_at_longitude_then_latitude_with_the_segment_as_properties() {
        let row = row(7);

        let value = serde_json::to_value(Feature::new(&row)).unwrap();

        assert_eq!(value["type"], "Feature");
        assert_eq!(value["id"], 7);
        assert_eq!(
            value["geometry"],
            json!({"type": "Point", "coordinates": [-64.18, -31.41]})
        );
        assert_eq!(value["properties"], serde_json::to_value(&row).unwrap());
    }

    #[test]
    fn a_collection_counts_its_features_and_links_the_next_page() {
        let rows = [row(2), row(1)];

        let value = serde_json::to_value(FeatureCollection::new(
            &rows,
            10,
            "https://api/x".into(),
            Some("https://api/x?cursor=c".into()),
        ))
        .unwrap();

        assert_eq!(value["type"], "FeatureCollection");
        assert_eq!(value["features"].as_array().unwrap().len(), 2);
        assert_eq!(
            (
                value["numberMatched"].clone(),
                value["numberReturned"].clone()
            ),
            (json!(10), json!(2))
        );
        assert_eq!(
            value["links"],
            json!([
                {"href": "https://api/x", "rel": "self", "type": "application/geo+json"},
                {"href": "https://api/x?cursor=c", "rel": "next", "type": "application/geo+json"}
            ])
        );
    }

    #[test]
    fn the_last_page_has_no_next_link() {
        let value =
            serde_json::to_value(FeatureCollection::new(&[], 0, "https://api/x".into(), None))
                .unwrap();

        assert_eq!(value["links"].as_array().unwrap().len(), 1);
        assert_eq!(value["features"], json!([]));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{check_segment, config, valid_segment_object};
    use crate::domain::bulk;
    use crate::domain::Segmento;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    /// A stored segment with the values of a valid body, and the body.
    fn row() -> impl Strategy<Value = (Listed, Map<String, Value>)> {
        (
            valid_segment_object(),
            any::<i64>(),
            prop::option::of(0.0..2e6_f64),
        )
            .prop_map(|(body, id, distance_m)| {
                let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
                let segmento = Segmento {
                    nombre: text("nombre").expect("a name"),
                    descripcion: text("descripcion"),
                    longitud: body["longitud"].as_f64().expect("a longitude"),
                    latitud: body["latitud"].as_f64().expect("a latitude"),
                    ubicacion: text("ubicacion"),
                    ..Segmento::sample(id)
                };
                (
                    Listed {
                        segmento,
                        distance_m,
                    },
                    body,
                )
            })
    }

    proptest! {
        #![proptest_config(config(128))]

        #[test]
        fn a_geojson_export_imports_back_as_the_same_segments(rows in vec(row(), 1..8)) {
            let listed: Vec<Listed> = rows.iter().map(|(row, _)| row.clone()).collect();
            let export = FeatureCollection::new(&listed, 99, "https://api/x".into(), None);
            let body = serde_json::to_vec(&export).expect("GeoJSON serializes");

            let segments = bulk::from_geojson(&body).map_err(|errors| TestCaseError::fail(format!("{errors:?}")))?;

            prop_assert_eq!(segments.len(), rows.len());
            for (segment, (_, body)) in segments.iter().zip(&rows) {
                check_segment(segment, body)?;
            }
        }

        #[test]
        fn a_feature_places_its_point_at_longitude_then_latitude((row, _) in row()) {
            let value = serde_json::to_value(Feature::new(&row)).expect("a feature serializes");

            prop_assert_eq!(&value["type"], "Feature");
            prop_assert_eq!(value["id"].as_i64(), Some(row.segmento.id_segmento));
            prop_assert_eq!(value["geometry"]["coordinates"][0].as_f64(), Some(row.segmento.longitud));
            prop_assert_eq!(value["geometry"]["coordinates"][1].as_f64(), Some(row.segmento.latitud));
        }
    }
}
