use super::*;

/// The endpoint and raw id a path resolves to.
fn endpoint(path: &str) -> Option<(Endpoint, Option<&str>)> {
    resolve(path).map(|matched| (matched.route.endpoint, matched.id))
}

fn route(endpoint: Endpoint) -> &'static Route {
    ROUTES
        .iter()
        .find(|route| route.endpoint == endpoint)
        .unwrap()
}

#[test]
fn the_collection_resolves_with_and_without_a_trailing_slash() {
    let collection = Some((Endpoint::Segments, None));

    assert_eq!(endpoint("/api/v1/segmentos"), collection);
    assert_eq!(endpoint("/api/v1/segmentos/"), collection);
}

#[test]
fn an_item_path_carries_its_raw_id() {
    for (path, id) in [
        ("/api/v1/segmentos/42", "42"),
        ("/api/v1/segmentos/42/", "42"),
        ("/api/v1/segmentos/abc", "abc"),
    ] {
        assert_eq!(
            endpoint(path),
            Some((Endpoint::Segment, Some(id))),
            "{path}"
        );
    }
}

#[test]
fn the_bulk_import_has_its_own_route_and_method() {
    let bulk = Some((Endpoint::BulkImport, None));

    assert_eq!(endpoint("/api/v1/segmentos/bulk"), bulk);
    assert_eq!(endpoint("/api/v1/segmentos/bulk/"), bulk);
    assert_eq!(route(Endpoint::BulkImport).allow, "POST");
}

#[test]
fn health_paths_resolve() {
    assert_eq!(endpoint("/health"), Some((Endpoint::Liveness, None)));
    assert_eq!(
        endpoint("/health/database"),
        Some((Endpoint::DatabaseHealth, None))
    );
}

#[test]
fn unknown_paths_resolve_to_nothing() {
    for path in [
        "/",
        "",
        "/api/v1",
        "/api/v1/segmentos/1/extra",
        "/api/v1/segmentos//",
        "/api/v2/segmentos",
        "/healthz",
        "/API/V1/SEGMENTOS",
    ] {
        assert_eq!(resolve(path), None, "{path}");
    }
}

#[test]
fn health_checks_are_never_cached_and_segments_carry_no_policy() {
    assert_eq!(cache_control("/health"), Some("no-store"));
    assert_eq!(cache_control("/health/database/"), Some("no-store"));
    assert_eq!(cache_control("/api/v1/segmentos"), None);
    assert_eq!(cache_control("/nowhere"), None);
}

#[test]
fn each_route_allows_exactly_its_methods() {
    let segments = route(Endpoint::Segments);
    assert!(segments.allows("POST") && segments.allows("HEAD"));
    assert!(!segments.allows("DELETE") && !segments.allows("post"));
    assert!(route(Endpoint::Segment).allows("PATCH"));
    assert!(!route(Endpoint::Liveness).allows("POST"));
}

#[test]
fn every_endpoint_has_one_route_and_one_metric_name() {
    for (index, route) in ROUTES.iter().enumerate() {
        for other in &ROUTES[index + 1..] {
            assert_ne!(route.endpoint, other.endpoint);
            assert_ne!(route.metric, other.metric);
            assert_ne!(route.path, other.path);
        }
        assert_ne!(route.metric, UNMATCHED);
    }
}

#[test]
fn every_route_that_reads_also_answers_head() {
    for route in &ROUTES {
        assert_eq!(route.allows("GET"), route.allows("HEAD"), "{}", route.path);
    }
}
