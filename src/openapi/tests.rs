use super::*;
use crate::router::Api;

#[test]
fn the_published_document_is_what_the_code_generates() {
    crate::testing::assert_published(PUBLISHED, &document());
}

#[test]
fn the_document_is_openapi_3_1_and_documents_every_route_of_the_table_with_its_methods() {
    let document: serde_json::Value = serde_json::from_str(&document()).unwrap();

    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    let routes: Vec<_> = ROUTES.iter().filter(|route| route.api == Api::V1).collect();
    assert_eq!(paths.len(), routes.len());
    for route in routes {
        let item = paths[route.path].as_object().unwrap();
        let mut documented: Vec<String> = item.keys().map(|m| m.to_ascii_uppercase()).collect();
        // HEAD is GET without its body; OPTIONS (CORS) is answered on every path.
        let mut allowed: Vec<&str> = route.allow.split(", ").filter(|m| *m != "HEAD").collect();
        documented.sort_unstable();
        allowed.sort_unstable();
        assert_eq!(documented, allowed, "{}", route.path);
    }
}
