use super::*;
use crate::segments::fields::{client_fields, Place};
use crate::segments::oracle::{
    check_segment, segment_object, segment_problems, valid_segment_object, Write,
};
use crate::testing::arbitrary::{body_bytes, config, json_leaf, json_number, json_value, locs};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Map};

/// A bulk item: usually a segment object, sometimes another JSON value.
fn item() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => segment_object().prop_map(Value::Object),
        2 => valid_segment_object().prop_map(Value::Object),
        1 => json_value(),
    ]
}

/// `(loc, type)` the oracle expects for a JSON array of items.
fn expected_json(items: &[Value]) -> Vec<(Value, &'static str)> {
    let mut expected = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match item {
            Value::Object(fields) => {
                for (field, code) in segment_problems(fields, Write::Create) {
                    expected.push((json!(["body", index, field]), code));
                }
            }
            _ => expected.push((json!(["body", index]), "model_attributes_type")),
        }
    }
    expected
}

/// Picks `value` or, with probability `1 - keep`, anything else.
fn mostly(value: Value, keep: f64) -> impl Strategy<Value = Value> {
    prop::option::weighted(keep, Just(value)).prop_flat_map(|kept| match kept {
        Some(value) => Just(value).boxed(),
        None => json_leaf(),
    })
}

/// A GeoJSON Feature, now and then broken at one member or another.
fn feature() -> impl Strategy<Value = Value> {
    let coordinate = prop_oneof![
        8 => json_number(),
        1 => (-200.0..200.0_f64).prop_map(Value::from),
        1 => json_leaf(),
    ];
    let coordinates = prop_oneof![
        8 => vec(coordinate, 2..=3).prop_map(Value::Array),
        1 => vec(json_number(), 0..=5).prop_map(Value::Array),
        1 => json_value(),
    ];
    let geometry = (
        mostly(json!("Point"), 0.9),
        prop::option::weighted(0.95, coordinates),
    )
        .prop_map(|(kind, coordinates)| {
            let mut geometry = json!({"type": kind});
            if let Some(coordinates) = coordinates {
                geometry["coordinates"] = coordinates;
            }
            geometry
        });
    let properties = prop_oneof![
        8 => segment_object().prop_map(Value::Object),
        2 => valid_segment_object().prop_map(Value::Object),
        1 => Just(Value::Null),
        1 => json_value(),
    ];
    let member = |keep: f64, value: BoxedStrategy<Value>| prop::option::weighted(keep, value);
    (
        mostly(json!("Feature"), 0.9),
        member(0.95, prop_oneof![9 => geometry, 1 => json_value()].boxed()),
        member(0.9, properties.boxed()),
        member(0.3, json_value()),
    )
        .prop_map(|(kind, geometry, properties, id)| {
            let mut feature = json!({"type": kind});
            for (name, value) in [
                ("geometry", geometry),
                ("properties", properties),
                ("id", id),
            ] {
                if let Some(value) = value {
                    feature[name] = value;
                }
            }
            feature
        })
}

fn collection() -> impl Strategy<Value = Value> {
    prop_oneof![
        9 => (
            mostly(json!("FeatureCollection"), 0.9),
            prop_oneof![9 => vec(feature(), 0..6).prop_map(Value::Array), 1 => json_value()],
            any::<bool>(),
        )
            .prop_map(|(kind, features, with_features)| {
                let mut collection = json!({"type": kind, "numberMatched": 3});
                if with_features {
                    collection["features"] = features;
                }
                collection
            }),
        1 => json_value(),
    ]
}

/// The structural problem of a feature, if it has one, as `(path, type)`.
fn structural_problem(feature: &Value) -> Option<(Value, &'static str)> {
    let Value::Object(feature) = feature else {
        return Some((json!([]), "model_attributes_type"));
    };
    if feature.get("type") != Some(&json!("Feature")) {
        return Some((json!(["type"]), "literal_error"));
    }
    let geometry = match feature.get("geometry") {
        None | Some(Value::Null) => return Some((json!(["geometry"]), "missing")),
        Some(Value::Object(geometry)) => geometry,
        Some(_) => return Some((json!(["geometry"]), "model_attributes_type")),
    };
    if geometry.get("type") != Some(&json!("Point")) {
        return Some((json!(["geometry", "type"]), "literal_error"));
    }
    let at = json!(["geometry", "coordinates"]);
    match geometry.get("coordinates") {
        None => return Some((at, "missing")),
        Some(Value::Array(position)) if position.len() < 2 => return Some((at, "too_short")),
        Some(Value::Array(position)) if position.len() > 3 => return Some((at, "too_long")),
        Some(Value::Array(position)) if position.get(2).is_some_and(|a| !a.is_number()) => {
            return Some((json!(["geometry", "coordinates", 2]), "float_type"))
        }
        Some(Value::Array(_)) => {}
        Some(_) => return Some((at, "list_type")),
    }
    match feature.get("properties") {
        None | Some(Value::Null | Value::Object(_)) => None,
        Some(_) => Some((json!(["properties"]), "model_attributes_type")),
    }
}

/// A structurally sound feature as the segment object it stands for.
fn segment_of(feature: &Value) -> Map<String, Value> {
    let properties = feature.get("properties").and_then(Value::as_object);
    let position = &feature["geometry"]["coordinates"];
    client_fields()
        .filter_map(|field| {
            let value = match field.place {
                Place::Property => properties?.get(field.name)?,
                Place::Coordinate(index) => &position[index],
            };
            Some((field.name.to_owned(), value.clone()))
        })
        .collect()
}

/// `(loc, type)` the oracle expects for a collection's features.
fn expected_geojson(features: &[Value]) -> Vec<(Value, &'static str)> {
    let mut expected = Vec::new();
    for (index, feature) in features.iter().enumerate() {
        let at = |path: Value| {
            let mut loc = vec![json!("body"), json!("features"), json!(index)];
            loc.extend(path.as_array().into_iter().flatten().cloned());
            Value::Array(loc)
        };
        if let Some((path, code)) = structural_problem(feature) {
            expected.push((at(path), code));
            continue;
        }
        for (field, code) in segment_problems(&segment_of(feature), Write::Create) {
            let place = client_fields()
                .find(|client| client.name == field)
                .map(|f| f.place);
            let path = match place {
                Some(Place::Coordinate(index)) => json!(["geometry", "coordinates", index]),
                _ => json!(["properties", field]),
            };
            expected.push((at(path), code));
        }
    }
    expected
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn an_arbitrary_json_import_is_read_or_refused_in_the_body(body in body_bytes()) {
        match from_json(&body) {
            Ok(segments) => {
                let items: Value = serde_json::from_slice(&body).expect("JSON");
                let items = items.as_array().expect("an array");
                prop_assert_eq!(segments.len(), items.len());
                for (segment, item) in segments.iter().zip(items) {
                    check_segment(segment, item.as_object().expect("an object"))?;
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for (loc, _) in locs(&errors) {
                    prop_assert_eq!(&loc[0], "body");
                }
            }
        }
    }

    #[test]
    fn a_json_import_is_accepted_only_when_every_item_is_valid_and_problems_name_their_item_and_field(
        items in vec(item(), 1..6)
    ) {
        let body = serde_json::to_vec(&items).expect("JSON serializes");
        let expected = expected_json(&items);
        match from_json(&body) {
            Ok(segments) => {
                prop_assert_eq!(expected, vec![]);
                prop_assert_eq!(segments.len(), items.len());
                for (segment, item) in segments.iter().zip(&items) {
                    check_segment(segment, item.as_object().expect("an object"))?;
                }
            }
            Err(errors) => prop_assert_eq!(locs(&errors), expected),
        }
    }

    #[test]
    fn an_arbitrary_geojson_import_is_read_or_refused_in_the_body(body in body_bytes()) {
        match from_geojson(&body) {
            Ok(segments) => prop_assert!(!segments.is_empty()),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for (loc, _) in locs(&errors) {
                    prop_assert_eq!(&loc[0], "body");
                }
            }
        }
    }

    #[test]
    fn a_geojson_import_is_accepted_only_when_every_feature_is_valid_and_problems_name_their_member(
        collection in collection()
    ) {
        let body = serde_json::to_vec(&collection).expect("JSON serializes");
        let result = from_geojson(&body);
        let Some(object) = collection.as_object() else {
            prop_assert_eq!(locs(&result.unwrap_err()), [(json!(["body"]), "model_attributes_type")]);
            return Ok(());
        };
        let mut expected = Vec::new();
        if object.get("type") != Some(&json!("FeatureCollection")) {
            expected.push((json!(["body", "type"]), "literal_error"));
        }
        match object.get("features") {
            None => expected.push((json!(["body", "features"]), "missing")),
            Some(Value::Array(features)) if expected.is_empty() => {
                if features.is_empty() {
                    expected.push((json!(["body", "features"]), "too_short"));
                }
                expected.extend(expected_geojson(features));
            }
            Some(Value::Array(_)) => {}
            Some(_) => expected.push((json!(["body", "features"]), "list_type")),
        }
        match result {
            Ok(segments) => {
                prop_assert_eq!(expected, vec![]);
                let features = object["features"].as_array().expect("features");
                prop_assert_eq!(segments.len(), features.len());
                for (segment, feature) in segments.iter().zip(features) {
                    check_segment(segment, &segment_of(feature))?;
                }
            }
            Err(errors) => prop_assert_eq!(locs(&errors), expected),
        }
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn an_import_holds_1_to_1000_items(count in prop_oneof![0usize..=2, 998usize..=1002]) {
        let item = json!({"nombre": "x", "longitud": 0, "latitud": 0});
        let items = Value::Array(vec![item.clone(); count]);
        let collection = json!({
            "type": "FeatureCollection",
            "features": vec![json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {"nombre": "x"}}); count],
        });
        let json_result = from_json(&serde_json::to_vec(&items).expect("JSON"));
        let geojson_result = from_geojson(&serde_json::to_vec(&collection).expect("JSON"));

        if (1..=MAX_ITEMS).contains(&count) {
            prop_assert_eq!(json_result.map(|segments| segments.len()), Ok(count));
            prop_assert_eq!(geojson_result.map(|segments| segments.len()), Ok(count));
        } else {
            let code = if count == 0 { "too_short" } else { "too_long" };
            prop_assert_eq!(locs(&json_result.unwrap_err()), [(json!(["body"]), code)]);
            prop_assert_eq!(locs(&geojson_result.unwrap_err()), [(json!(["body", "features"]), code)]);
        }
    }
}
