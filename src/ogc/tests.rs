use super::*;

#[test]
fn the_origin_is_the_scheme_and_authority_of_a_url() {
    assert_eq!(
        origin("https://api.example.com/collections?f=json"),
        "https://api.example.com"
    );
    assert_eq!(origin("http://127.0.0.1:8787/"), "http://127.0.0.1:8787");
    assert_eq!(origin("http://127.0.0.1:8787"), "http://127.0.0.1:8787");
}

#[test]
fn the_items_path_is_the_collection_s_and_a_route_s() {
    assert_eq!(ITEMS_PATH, format!("/collections/{COLLECTION_ID}/items"));
    let route = crate::router::resolve(ITEMS_PATH).unwrap().route;
    assert_eq!(route.endpoint, crate::router::Endpoint::Items);
}
