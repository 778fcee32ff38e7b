use serde_json::Value;

use super::*;

fn parsed() -> Value {
    serde_json::from_str(&document()).unwrap()
}

#[test]
fn the_published_document_is_what_the_code_generates() {
    crate::testing::assert_published(PUBLISHED, &document());
}

#[test]
fn the_document_is_openapi_3_0_and_has_every_features_route_and_no_other() {
    let document = parsed();

    assert!(document["openapi"].as_str().unwrap().starts_with("3.0."));
    let mut documented: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut routes: Vec<&str> = ROUTES
        .iter()
        .filter(|route| route.api == Api::Features)
        .map(|route| route.path)
        .collect();
    documented.sort_unstable();
    routes.sort_unstable();
    assert_eq!(documented, routes);
}

#[test]
fn the_items_declare_exactly_the_parameters_the_query_reads() {
    let document = parsed();
    let items = &document["paths"]["/collections/segmentos/items"]["get"]["parameters"];

    let declared: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| {
            let name = parameter["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            document["components"]["parameters"][name]["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(declared, PARAMETERS);
}

#[test]
fn limit_bbox_and_datetime_are_the_standard_s_form_parameters() {
    let document = parsed();
    let parameters = &document["components"]["parameters"];

    for name in ["limit", "bbox", "datetime"] {
        assert_eq!(parameters[name]["style"], "form", "{name}");
        assert_eq!(parameters[name]["explode"], false, "{name}");
    }
    assert_eq!(parameters["limit"]["schema"]["maximum"], MAX_LIMIT);
    assert_eq!(parameters["limit"]["schema"]["default"], DEFAULT_LIMIT);
    assert_eq!(parameters["bbox"]["schema"]["oneOf"][1]["maxItems"], 6);
}

#[test]
fn every_reference_points_at_a_component_that_exists() {
    let document = parsed();
    let text = document.to_string();

    for reference in text.split("\"$ref\":\"#/components/").skip(1) {
        let path = reference.split('"').next().unwrap();
        let (kind, name) = path.split_once('/').unwrap();
        assert!(!document["components"][kind][name].is_null(), "{path}");
    }
}
