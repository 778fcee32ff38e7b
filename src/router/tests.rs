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
fn the_root_is_the_landing_page_of_ogc_api_features() {
    assert_eq!(endpoint("/"), Some((Endpoint::FeaturesLanding, None)));
    assert_eq!(
        endpoint("/collections/segmentos/items/7/"),
        Some((Endpoint::Item, Some("7")))
    );
}

#[test]
fn unknown_paths_resolve_to_nothing() {
    for path in [
        "",
        "/collections/roads",
        "/collections/segmentos/items/1/x",
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

/// The patterns of `run_worker_first` in wrangler.toml's `[assets]`: the paths the
/// platform hands straight to the worker, without first asking the asset store for a file.
fn worker_first_patterns() -> Vec<String> {
    let config = include_str!("../../wrangler.toml");
    let line = config
        .lines()
        .find_map(|line| line.strip_prefix("run_worker_first = ["))
        .expect("wrangler.toml's [assets] lists run_worker_first on one line");
    let list = line.strip_suffix(']').expect("the list closes on its line");
    list.split(',')
        .map(|pattern| pattern.trim().trim_matches('"').to_owned())
        .collect()
}

/// A path `pattern` of the asset router: `*` stands for any text, slashes included.
fn glob_matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((head, tail)) => path.strip_prefix(head).is_some_and(|rest| {
            (0..=rest.len()).any(|at| rest.is_char_boundary(at) && glob_matches(tail, &rest[at..]))
        }),
    }
}

/// Every file under `dir`, as the URL path the asset store serves it at.
fn asset_paths(dir: &std::path::Path, prefix: &str, paths: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            asset_paths(&entry.path(), &path, paths);
        } else {
            paths.push(path);
        }
    }
}

#[test]
fn glob_patterns_match_as_the_asset_router_reads_them() {
    assert!(glob_matches("/api/*", "/api/v1/segmentos/42"));
    assert!(glob_matches("/api/*", "/api/"));
    assert!(!glob_matches("/api/*", "/api"));
    assert!(glob_matches("/health", "/health"));
    assert!(!glob_matches("/health", "/health/"));
    assert!(glob_matches("/a*b*c", "/a-b-b-c"));
}

#[test]
fn every_route_reaches_the_worker_without_an_asset_lookup() {
    let patterns = worker_first_patterns();
    for route in &ROUTES {
        let path = match route.path.split_once('{') {
            Some((prefix, _)) => format!("{prefix}42"),
            None => route.path.to_owned(),
        };
        assert!(
            patterns.iter().any(|pattern| glob_matches(pattern, &path)),
            "{path} is not in run_worker_first: each request to it would first ask the asset store"
        );
    }
}

#[test]
fn no_static_asset_is_shadowed_by_the_worker_first_patterns() {
    let patterns = worker_first_patterns();
    let mut assets = Vec::new();
    asset_paths(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public"),
        "",
        &mut assets,
    );
    assert!(
        assets.iter().any(|path| path == "/openapi.json"),
        "{assets:?}"
    );
    for asset in assets {
        assert!(
            !patterns.iter().any(|pattern| glob_matches(pattern, &asset)),
            "{asset} would be sent to the worker instead of the asset store"
        );
    }
}
