use super::*;
use crate::segments::bulk;
use crate::segments::fields::client_fields;
use crate::segments::model::Segment;
use crate::segments::oracle::{check_segment, valid_segment_object};
use crate::testing::arbitrary::config;
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// A stored segment with the values of a valid body, and the body.
fn row() -> impl Strategy<Value = (ListItem, Map<String, Value>)> {
    (
        valid_segment_object(),
        any::<i64>(),
        prop::option::of(0.0..2e6_f64),
    )
        .prop_map(|(body, id, distance_m)| {
            // The sample's server fields, and the body's value (or none) for every other.
            let mut stored = serde_json::to_value(Segment::sample(id)).expect("a segment");
            for field in client_fields() {
                stored[field.name] = body.get(field.name).cloned().unwrap_or_default();
            }
            let segment: Segment = serde_json::from_value(stored).expect("a stored segment");
            (
                ListItem {
                    segment,
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
        let listed: Vec<ListItem> = rows.iter().map(|(row, _)| row.clone()).collect();
        let export = FeatureCollection::new(&listed, Some(99), "https://api/x".into(), None);
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
        prop_assert_eq!(value["id"].as_i64(), Some(row.segment.id_segmento));
        prop_assert_eq!(value["geometry"]["coordinates"][0].as_f64(), Some(row.segment.longitud));
        prop_assert_eq!(value["geometry"]["coordinates"][1].as_f64(), Some(row.segment.latitud));
    }
}
