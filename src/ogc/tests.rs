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
