use super::*;

#[test]
fn no_origin_is_allowed_by_default() {
    let origins = AllowedOrigins::parse("").unwrap();
    assert!(origins.is_empty());
    assert!(!origins.allows("https://app.example.com"));
}

#[test]
fn listed_origins_are_allowed_exactly() {
    let origins = AllowedOrigins::parse("https://app.example.com, http://localhost:5173").unwrap();

    assert!(origins.allows("https://app.example.com"));
    assert!(origins.allows("https://APP.example.com"));
    assert!(origins.allows("http://localhost:5173"));
    assert!(!origins.allows("https://app.example.com:8443"));
    assert!(!origins.allows("http://app.example.com"));
    assert!(!origins.allows("https://evil.example.com"));
    assert!(!origins.allows("https://app.example.com.evil.net"));
    assert!(!origins.allows("null"));
}

#[test]
fn a_wildcard_or_a_path_is_a_configuration_error() {
    for raw in [
        "*",
        "https://*.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "app.example.com",
        "ftp://app.example.com",
        "https://app.example.com:0",
        "https://app.example.com:99999",
        "https://",
    ] {
        assert!(AllowedOrigins::parse(raw).is_err(), "{raw:?}");
    }
}

#[test]
fn the_allowed_headers_cover_every_request_header_the_api_reads() {
    for header in [
        "Authorization",
        "Idempotency-Key",
        "If-Match",
        "If-None-Match",
        "x-d1-bookmark",
        "Content-Type",
    ] {
        assert!(ALLOWED_REQUEST_HEADERS.contains(header), "{header}");
    }
}

#[test]
fn the_exposed_headers_cover_every_response_header_clients_read() {
    for header in [
        "ETag",
        "Location",
        "Link",
        "X-Total-Count",
        "X-Request-ID",
        "x-d1-bookmark",
        "Idempotent-Replayed",
    ] {
        assert!(EXPOSED_RESPONSE_HEADERS.contains(header), "{header}");
    }
}
