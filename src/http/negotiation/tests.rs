use super::*;

#[test]
fn geojson_is_negotiated_from_accept_unless_format_says_otherwise() {
    let geo = Some("application/geo+json");

    assert_eq!(Format::negotiate(None, geo), Format::GeoJson);
    assert_eq!(Format::negotiate(Some(Format::Json), geo), Format::Json);
    assert_eq!(Format::negotiate(None, None), Format::Json);
    assert_eq!(Format::negotiate(None, Some("*/*")), Format::Json);
    assert_eq!(
        Format::negotiate(None, Some("application/json, application/geo+json;q=0.5")),
        Format::Json
    );
    assert_eq!(
        Format::negotiate(None, Some("application/json;q=0.9, application/geo+json")),
        Format::GeoJson
    );
    assert_eq!(
        Format::negotiate(None, Some("application/geo+json;q=0")),
        Format::Json
    );
}

#[test]
fn a_wildcard_ranked_above_geojson_gives_json() {
    for accept in [
        "application/geo+json;q=0.5, */*",
        "application/*, application/geo+json;q=0.2",
        "application/geo+json;q=0, */*",
    ] {
        assert_eq!(
            Format::negotiate(None, Some(accept)),
            Format::Json,
            "{accept}"
        );
    }
}

#[test]
fn geojson_named_above_a_wildcard_wins_and_a_wildcard_alone_never_picks_it() {
    assert_eq!(
        Format::negotiate(None, Some("application/geo+json, */*;q=0.1")),
        Format::GeoJson
    );
    assert_eq!(
        Format::negotiate(
            None,
            Some("Application/GEO+JSON; Q=0.8, application/*;q=0.7")
        ),
        Format::GeoJson
    );
    assert_eq!(
        Format::negotiate(None, Some("application/*, text/html")),
        Format::Json
    );
}
