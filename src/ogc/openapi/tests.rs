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
            let parameter = &document["components"]["parameters"][name];
            (
                parameter["in"].as_str().unwrap(),
                parameter["name"].as_str().unwrap(),
            )
        })
        .filter(|(place, _)| *place == "query")
        .map(|(_, name)| name.to_owned())
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
    // A larger limit is clamped, not refused, so the schema has no maximum.
    assert!(parameters["limit"]["schema"].get("maximum").is_none());
    assert!(parameters["limit"]["description"]
        .as_str()
        .unwrap()
        .contains(&format!("read as {MAX_LIMIT}")));
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

#[test]
fn every_route_documents_each_method_it_takes_and_options() {
    let document = parsed();

    for route in ROUTES.iter().filter(|route| route.api == Api::Features) {
        let mut documented: Vec<String> = document["paths"][route.path]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut taken: Vec<String> = route
            .allow
            .split(", ")
            .filter(|method| *method != "HEAD")
            .chain(["OPTIONS"])
            .map(str::to_ascii_lowercase)
            .collect();
        documented.sort_unstable();
        taken.sort_unstable();
        assert_eq!(documented, taken, "{}", route.path);
    }
}

#[test]
fn the_writes_take_the_input_schemas_and_answer_the_v1_api_s_statuses() {
    let document = parsed();
    let items = &document["paths"]["/collections/segmentos/items"];
    let item = &document["paths"]["/collections/segmentos/items/{featureId}"];

    let created = &items["post"]["requestBody"]["content"];
    assert_eq!(
        created["application/geo+json"]["schema"]["$ref"],
        "#/components/schemas/FeatureInput"
    );
    assert_eq!(created["application/json"], created["application/geo+json"]);
    assert!(items["post"]["responses"]["201"]["headers"]["Location"].is_object());
    let patched = &item["patch"]["requestBody"]["content"]["application/merge-patch+json"];
    assert_eq!(
        patched["schema"]["$ref"],
        "#/components/schemas/FeaturePatch"
    );
    assert!(item["delete"]["responses"]["204"].is_object());
    for method in ["put", "patch", "delete"] {
        for status in ["400", "401", "403", "404", "412"] {
            assert!(
                item[method]["responses"][status].is_object(),
                "{method} {status}"
            );
        }
    }
    let required =
        &document["components"]["schemas"]["FeatureInput"]["properties"]["properties"]["required"];
    assert_eq!(*required, serde_json::json!(["nombre"]));
}
