use super::*;

#[test]
fn json_and_json_suffixed_media_types_are_accepted() {
    for accepted in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/merge-patch+json",
    ] {
        assert_eq!(
            json_body_type(Some(accepted)),
            Some(BodyType::Json),
            "{accepted}"
        );
    }
}

#[test]
fn other_media_types_are_refused() {
    for refused in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonp",
        "",
    ] {
        assert_eq!(json_body_type(Some(refused)), None, "{refused}");
    }
}

#[test]
fn geojson_is_told_apart_from_other_json() {
    for geojson in [
        "application/geo+json",
        "Application/Geo+JSON; charset=utf-8",
    ] {
        assert_eq!(
            json_body_type(Some(geojson)),
            Some(BodyType::GeoJson),
            "{geojson}"
        );
    }
}

#[test]
fn a_missing_media_type_is_read_as_json_like_the_old_server() {
    assert_eq!(json_body_type(None), Some(BodyType::Json));
}

#[test]
fn a_declared_length_over_the_limit_is_too_large() {
    assert_eq!(declared(Some("65536"), MAX_BODY_BYTES), Declared::Within);
    assert_eq!(declared(Some("65537"), MAX_BODY_BYTES), Declared::TooLarge);
    assert_eq!(
        declared(Some("65537"), MAX_BULK_BODY_BYTES),
        Declared::Within
    );
    assert_eq!(
        declared(Some("not a number"), MAX_BODY_BYTES),
        Declared::Unknown
    );
    assert_eq!(declared(None, MAX_BODY_BYTES), Declared::Unknown);
}
