use super::*;
use crate::segments::model::Segment;
use serde_json::json;

fn row(id: i64) -> ListItem {
    ListItem::from(Segment::sample(id))
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
        Some(10),
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
    let value = serde_json::to_value(FeatureCollection::new(
        &[],
        Some(0),
        "https://api/x".into(),
        None,
    ))
    .unwrap();

    assert_eq!(value["links"].as_array().unwrap().len(), 1);
    assert_eq!(value["features"], json!([]));
}
