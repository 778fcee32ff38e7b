use super::*;
use crate::testing::arbitrary::{config, edge_text};
use proptest::prelude::*;
use proptest::sample::select;

const PREFIX: &str = "/api/v1/segmentos/";

fn path() -> impl Strategy<Value = String> {
    let known = select(
        &[
            "",
            "/",
            "//",
            "/health",
            "/health/database",
            "/map",
            "/metrics",
            "/api/v1/segmentos",
            "/api/v1/segmentos/",
            "/api/v1/segmentos/bulk",
            "/api/v1/segmentos//",
            "/API/V1/SEGMENTOS",
            "/api/v1",
        ][..],
    );
    prop_oneof![
        any::<String>(),
        (known.clone(), edge_text(6), select(&["", "/", "//"][..]))
            .prop_map(|(base, tail, end)| format!("{base}{tail}{end}")),
        known.prop_map(str::to_owned),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn an_arbitrary_path_resolves_to_a_route_that_names_it_or_to_nothing(path in path()) {
        let trimmed = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path.as_str(),
        };
        match resolve(&path) {
            Some(Matched { route, id: Some(id) }) => {
                prop_assert_eq!(route.endpoint, Endpoint::Segment);
                prop_assert!(!id.is_empty() && !id.contains('/'), "{id:?}");
                prop_assert_eq!(format!("{PREFIX}{id}"), trimmed);
                prop_assert_ne!(id, "bulk");
            }
            Some(Matched { route, id: None }) => prop_assert_eq!(trimmed, route.path),
            None => prop_assert!(
                !trimmed.starts_with(PREFIX) || trimmed[PREFIX.len()..].is_empty() || trimmed[PREFIX.len()..].contains('/'),
                "{path:?} unresolved"
            ),
        }
        prop_assert_eq!(cache_control(&path), resolve(&path).and_then(|matched| matched.route.cache_control));
    }

    #[test]
    fn a_trailing_slash_changes_no_route(path in path()) {
        // A request's path is never empty: it is at least `/`, the landing page.
        prop_assume!(!path.is_empty() && !path.ends_with('/'));

        let with_slash = format!("{path}/");

        prop_assert_eq!(resolve(&with_slash), resolve(&path));
    }

    #[test]
    fn any_id_without_a_slash_resolves_to_its_segment(id in any::<String>()) {
        prop_assume!(!id.is_empty() && !id.contains('/') && id != "bulk");

        let (bare, slashed) = (format!("{PREFIX}{id}"), format!("{PREFIX}{id}/"));

        for path in [bare, slashed] {
            let matched = resolve(&path).map(|matched| (matched.route.endpoint, matched.id));
            prop_assert_eq!(matched, Some((Endpoint::Segment, Some(id.as_str()))));
        }
    }
}
