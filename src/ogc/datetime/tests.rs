use super::*;

fn within(raw: &str) -> (Option<String>, Option<String>) {
    let UpdatedWithin { after, before } = UpdatedWithin::parse(raw).unwrap();
    (after, before)
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

#[test]
fn an_instant_matches_its_own_millisecond_only() {
    assert_eq!(
        within("2026-11-20T10:00:00Z"),
        (
            some("2026-11-20T09:59:59.999Z"),
            some("2026-11-20T10:00:00.001Z")
        )
    );
}

#[test]
fn a_closed_interval_includes_both_ends() {
    assert_eq!(
        within("2026-11-20T10:00:00Z/2026-11-21T10:00:00+01:00"),
        (
            some("2026-11-20T09:59:59.999Z"),
            some("2026-11-21T09:00:00.001Z")
        )
    );
}

#[test]
fn a_half_bounded_interval_is_open_with_two_dots_or_nothing() {
    let start = (some("2026-11-20T09:59:59.999Z"), None);
    let end = (None, some("2026-11-20T10:00:00.001Z"));

    assert_eq!(within("2026-11-20T10:00:00Z/.."), start);
    assert_eq!(within("2026-11-20T10:00:00Z/"), start);
    assert_eq!(within("../2026-11-20T10:00:00Z"), end);
    assert_eq!(within("/2026-11-20T10:00:00Z"), end);
    assert_eq!(within("../.."), (None, None));
}

#[test]
fn gdal_date_only_bounds_are_whole_utc_days() {
    assert_eq!(
        within("2026-11-20T/2026-11-22T"),
        (
            some("2026-11-19T23:59:59.999Z"),
            some("2026-11-23T00:00:00.000Z")
        )
    );
    assert_eq!(
        within("2026-11-20"),
        (
            some("2026-11-19T23:59:59.999Z"),
            some("2026-11-21T00:00:00.000Z")
        )
    );
}

#[test]
fn an_instant_finer_than_a_millisecond_matches_no_stored_instant() {
    assert_eq!(
        within("2026-11-20T10:00:00.0005Z"),
        (
            some("2026-11-20T10:00:00.000Z"),
            some("2026-11-20T10:00:00.001Z")
        )
    );
}

#[test]
fn an_open_instant_and_malformed_values_are_rejected() {
    for raw in [
        "",
        "..",
        "yesterday",
        "2026-13-01",
        "2026-11-20T10:00",
        "2026-11-20T10:00:00Z/2026-11-21T10:00:00Z/..",
        "20261120",
        "2026-02-30",
        "2026\u{e9}1-20",
        "2026-1\u{e9}20",
        "+026-11-20",
    ] {
        assert!(
            matches!(
                UpdatedWithin::parse(raw),
                Err(ErrorKind::DatetimeParsing { .. })
            ),
            "{raw:?}"
        );
    }
}
