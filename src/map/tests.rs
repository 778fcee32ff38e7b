use super::*;

#[test]
fn the_page_carries_the_configured_tile_url_and_attribution() {
    let html = render("https://tiles.example/{z}/{x}/{y}.png", "© Example");

    assert!(html.contains(r#"data-tile-url="https://tiles.example/{z}/{x}/{y}.png""#));
    assert!(html.contains(r#"data-tile-attribution="© Example""#));
    assert!(!html.contains("{{"));
}

#[test]
fn the_policy_allows_images_from_the_tile_server_and_nothing_inline() {
    let policy = content_security_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png");

    assert!(policy.contains("img-src 'self' https://tile.openstreetmap.org;"));
    assert!(policy.contains("script-src 'self';"));
    assert!(!policy.contains("unsafe"));
}

#[test]
fn a_subdomain_template_becomes_a_wildcard_host() {
    assert_eq!(
        tile_origin("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png").as_deref(),
        Some("https://*.tile.example.org:8443")
    );
}

#[test]
fn no_or_an_unusable_tile_url_adds_no_source() {
    for url in [
        "",
        "tiles/{z}/{x}/{y}.png",
        "javascript://x",
        "https://a b/{z}",
    ] {
        assert_eq!(tile_origin(url), None, "{url:?}");
    }
    assert!(content_security_policy("").contains("img-src 'self';"));
}

#[test]
fn configuration_cannot_break_out_of_its_attribute() {
    let html = render(r#""><script>alert(1)</script>"#, "a & 'b'");

    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&quot;&gt;&lt;script&gt;"));
    assert!(html.contains("a &amp; &#39;b&#39;"));
}
