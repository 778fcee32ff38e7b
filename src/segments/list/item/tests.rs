use super::*;
use serde_json::json;

#[test]
fn a_listed_distance_is_sent_to_the_millimetre() {
    let row = ListItem::sample(1, "x", Some(1_234.567_89));

    let value = serde_json::to_value(&row).unwrap();

    assert_eq!(value["distance_m"], json!(1234.568));
    assert_eq!(value["id_segmento"], json!(1));
}

#[test]
fn a_row_outside_a_near_query_carries_no_distance_field() {
    let value = serde_json::to_value(ListItem::sample(1, "x", None)).unwrap();

    assert!(value.get("distance_m").is_none());
}
