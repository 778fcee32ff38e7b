use super::*;

fn pairs(url: &str) -> Vec<(String, String)> {
    query_pairs(url)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

#[test]
fn the_path_of_a_url_stops_at_its_query_and_keeps_its_encoding() {
    for (url, path) in [
        ("https://x.test/", "/"),
        ("https://x.test", "/"),
        (
            "http://127.0.0.1:8787/api/v1/segmentos?limit=5",
            "/api/v1/segmentos",
        ),
        ("https://x.test/a%3F%2Fb?c=/d", "/a%3F%2Fb"),
        ("https://x.test/a#frag", "/a"),
        ("https://x.test?q=1", "/"),
        ("https://x.test?q=/a", "/"),
    ] {
        assert_eq!(path_of(url), path, "{url}");
    }
}

#[test]
fn query_pairs_are_decoded_as_forms_encode_them() {
    assert_eq!(
        pairs("https://x.test/a?q=Av.+Col%C3%B3n&limit=5&flag"),
        [("q", "Av. Colón"), ("limit", "5"), ("flag", "")].map(|(k, v)| (k.into(), v.into()))
    );
}

#[test]
fn a_url_without_a_query_has_no_pairs_and_a_fragment_is_not_query() {
    assert!(pairs("https://x.test/a").is_empty());
    assert!(pairs("https://x.test/a?").is_empty());
    assert_eq!(
        pairs("https://x.test/a?b=1#c=2"),
        [("b".into(), "1".into())]
    );
}

#[test]
fn with_query_replaces_the_query_and_encodes_it() {
    let url = "https://x.test/api/v1/segmentos?skip=2&q=x";
    assert_eq!(
        with_query(url, [("q", "a b&c"), ("cursor", "eyJ9")]),
        "https://x.test/api/v1/segmentos?q=a+b%26c&cursor=eyJ9"
    );
    assert_eq!(with_query(url, []), "https://x.test/api/v1/segmentos");
}

#[test]
fn only_the_exact_methods_the_api_serves_are_methods() {
    assert_eq!(parse_method("PATCH"), Some(Method::Patch));
    for raw in ["get", "Post", "PROPFIND", "TRACE", "CONNECT", ""] {
        assert_eq!(parse_method(raw), None, "{raw:?}");
    }
}

#[test]
fn an_unknown_method_is_labelled_other() {
    assert_eq!(method_label("DELETE"), "DELETE");
    assert_eq!(method_label("PROPFIND"), "OTHER");
}

#[test]
fn a_well_formed_caller_request_id_is_kept() {
    assert_eq!(request_id(Some("abc-123_X.y")), "abc-123_X.y");
    let longest = "a".repeat(128);
    assert_eq!(request_id(Some(&longest)), longest);
}

#[test]
fn a_request_id_with_unsafe_characters_is_replaced() {
    for bad in [
        "",
        "with space",
        "new\nline",
        "quote\"",
        "ñ",
        &"a".repeat(129),
    ] {
        assert_ne!(request_id(Some(bad)), bad, "{bad:?}");
    }
}

#[test]
fn a_generated_request_id_is_a_version_4_uuid() {
    let id = format_uuid_v4([0xff; 16]);

    assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    assert!(is_acceptable_request_id(&id));
}

#[test]
fn generated_request_ids_differ() {
    assert_ne!(request_id(None), request_id(None));
}
