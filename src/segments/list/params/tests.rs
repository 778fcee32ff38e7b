use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use super::*;
use crate::segments::list::item::ListItem;

fn query(pairs: &[(&str, &str)]) -> Result<ListQuery, Vec<FieldError>> {
    ListParams::from_query(
        pairs
            .iter()
            .map(|(key, value)| (Cow::Owned(key.to_string()), Cow::Owned(value.to_string()))),
    )
    .parse()
}

/// `(parameter, type)` of each error.
fn problems(pairs: &[(&str, &str)]) -> Vec<(String, &'static str)> {
    query(pairs)
        .unwrap_err()
        .iter()
        .map(|error| {
            let value = serde_json::to_value(error).unwrap();
            (
                value["loc"][1].as_str().unwrap().to_owned(),
                error.kind().code(),
            )
        })
        .collect()
}

fn sort_of(raw: &str) -> Sort {
    query(&[("sort", raw)]).unwrap().sort
}

#[test]
fn no_parameters_list_everything_newest_first() {
    let query = query(&[]).unwrap();

    assert_eq!(query.filter, Filter::default());
    assert_eq!(query.sort, Sort::default());
    assert_eq!(query.sort.canonical(), "-id_segmento");
    assert_eq!((query.page.skip(), query.page.limit()), (0, 100));
}

#[test]
fn unknown_parameters_are_ignored_and_the_last_repeat_wins() {
    let query = query(&[("limit", "5"), ("utm_source", "mail"), ("limit", "7")]).unwrap();

    assert_eq!(query.page.limit(), 7);
}

#[test]
fn q_is_searched_for_as_it_is_in_ascii_lower_case() {
    let filter = query(&[("q", r"50%_OFF\ Ñ")]).unwrap().filter;

    assert_eq!(filter.search.as_deref(), Some(r"50%_off\ Ñ"));
}

#[test]
fn a_q_of_200_characters_is_searched_and_201_is_too_long() {
    assert!(query(&[("q", &"ó".repeat(200))]).is_ok());

    assert_eq!(
        problems(&[("q", &"a".repeat(201))]),
        [("q".into(), "string_too_long")]
    );
}

#[test]
fn wildcards_in_q_are_plain_characters() {
    assert!(query(&[("q", &"%".repeat(200))]).is_ok());
}

#[test]
fn instants_are_normalised_to_stored_utc_milliseconds() {
    let filter = query(&[
        ("created_after", "2026-11-22T12:00:00+02:00"),
        ("updated_before", "2026-11-22T10:00:00.5Z"),
    ])
    .unwrap()
    .filter;

    assert_eq!(
        filter.created_after.as_deref(),
        Some("2026-11-22T10:00:00.000Z")
    );
    assert_eq!(
        filter.updated_before.as_deref(),
        Some("2026-11-22T10:00:00.500Z")
    );
}

#[test]
fn sub_millisecond_bounds_round_outwards_so_after_and_before_stay_exclusive() {
    let filter = query(&[
        ("created_after", "2026-11-22T10:00:00.0004Z"),
        ("created_before", "2026-11-22T10:00:00.0004Z"),
    ])
    .unwrap()
    .filter;

    assert_eq!(
        filter.created_after.as_deref(),
        Some("2026-11-22T10:00:00.000Z")
    );
    assert_eq!(
        filter.created_before.as_deref(),
        Some("2026-11-22T10:00:00.001Z")
    );
}

#[test]
fn an_offset_whose_plus_was_decoded_as_a_space_is_forgiven() {
    let filter = query(&[("created_after", "2026-11-22T12:00:00 02:00")])
        .unwrap()
        .filter;

    assert_eq!(
        filter.created_after.as_deref(),
        Some("2026-11-22T10:00:00.000Z")
    );
}

#[test]
fn instants_past_year_9999_or_before_year_0_in_utc_still_bound_in_time_order() {
    let late = "9999-12-31T23:59:59-01:00"; // 10000-01-01T00:59:59Z
    let early = "0000-01-01T00:30:00+01:00"; // -0001-12-31T23:30:00Z
    let filter = |param: &str, value: &str| query(&[(param, value)]).unwrap().filter;

    assert_eq!(filter("created_before", late).created_before, None);
    assert_eq!(
        filter("updated_after", late).updated_after.as_deref(),
        Some("9999-12-31T23:59:59.999Z")
    );
    assert_eq!(filter("created_after", early).created_after, None);
    assert_eq!(
        filter("updated_before", early).updated_before.as_deref(),
        Some("0000-01-01T00:00:00.000Z")
    );
    assert_eq!(
        filter("created_before", "9999-12-31T23:59:59.9999Z").created_before,
        None,
        "rounded up into year 10000"
    );
}

#[test]
fn a_q_with_a_nul_character_is_rejected() {
    assert_eq!(problems(&[("q", "a\0b")]), [("q".into(), "value_error")]);
}

#[test]
fn a_date_without_a_time_or_zone_is_rejected() {
    assert_eq!(
        problems(&[
            ("created_after", "2026-11-22"),
            ("updated_before", "2026-11-22T10:00:00")
        ]),
        [
            ("created_after".into(), "datetime_parsing"),
            ("updated_before".into(), "datetime_parsing")
        ]
    );
}

#[test]
fn sort_fields_keep_their_order_and_end_with_an_id_tie_break() {
    let sort = sort_of("-created_at,nombre");

    assert_eq!(sort.canonical(), "-created_at,nombre,id_segmento");
}

#[test]
fn the_tie_break_follows_the_direction_of_the_last_field() {
    assert_eq!(sort_of("-nombre").canonical(), "-nombre,-id_segmento");
    assert_eq!(
        sort_of("id_segmento,nombre").canonical(),
        "id_segmento,nombre"
    );
}

#[test]
fn an_unknown_or_an_empty_sort_field_is_rejected() {
    for raw in ["longitud", "nombre,", "", "--nombre"] {
        assert_eq!(
            problems(&[("sort", raw)]),
            [("sort".into(), "value_error")],
            "{raw}"
        );
    }
}

#[test]
fn near_orders_by_distance_unless_told_otherwise() {
    let near = [("near", "-64.18,-31.41"), ("radius_m", "5000")];
    let by_default = query(&near).unwrap().sort;
    let explicit = query(&[near[0], near[1], ("sort", "-distance_m")])
        .unwrap()
        .sort;

    assert_eq!(by_default.canonical(), "distance_m,id_segmento");
    assert_eq!(explicit.canonical(), "-distance_m,-id_segmento");
}

#[test]
fn near_alone_searches_the_largest_radius_and_a_radius_alone_is_ignored() {
    let near = query(&[("near", "1,2")]).unwrap().filter.near.unwrap();
    assert_eq!(near.radius_m(), Near::MAX_RADIUS_M);

    assert_eq!(query(&[("radius_m", "10")]).unwrap().filter.near, None);
}

#[test]
fn a_repeated_sort_field_and_distance_without_near_are_ignored() {
    let names = |raw: &str| {
        let sort = query(&[("sort", raw)]).unwrap().sort;
        sort.keys()
            .iter()
            .map(|key| (key.descending, key.field.name()))
            .collect::<Vec<_>>()
    };

    assert_eq!(
        names("nombre,-nombre"),
        [(false, "nombre"), (false, "id_segmento")]
    );
    assert_eq!(names("distance_m"), [(true, "id_segmento")]);
    assert_eq!(
        names("-distance_m,nombre"),
        [(false, "nombre"), (false, "id_segmento")]
    );
}

#[test]
fn a_radius_above_1000_km_is_rejected() {
    assert_eq!(
        problems(&[("near", "1,2"), ("radius_m", "1000001")]),
        [("radius_m".into(), "less_than_equal")]
    );
}

#[test]
fn every_bad_parameter_is_reported_at_once() {
    let found = problems(&[
        ("bbox", "1,2,3"),
        ("near", "x,y"),
        ("radius_m", "far"),
        ("format", "xml"),
        ("limit", "5000"),
    ]);

    assert_eq!(
        found,
        [
            ("bbox".into(), "value_error"),
            ("near".into(), "value_error"),
            ("radius_m".into(), "float_parsing"),
            ("format".into(), "literal_error"),
            ("limit".into(), "less_than_equal"),
        ]
    );
}

#[test]
fn a_cursor_round_trips_for_its_own_sort() {
    let sort = sort_of("-nombre");
    let token = Cursor::after(&ListItem::sample(7, "Ruta 9", None), &sort);

    let cursor = query(&[("sort", "-nombre"), ("cursor", &token)])
        .unwrap()
        .cursor;

    assert_eq!(
        cursor.as_ref().map(Cursor::values),
        Some(&[json!("Ruta 9"), json!(7)][..])
    );
}

#[test]
fn a_distance_cursor_keeps_the_exact_distance() {
    let near = [("near", "0,0"), ("radius_m", "5000")];
    let sort = query(&near).unwrap().sort;
    let exact = 1_234.567_890_123_456_7;
    let token = Cursor::after(&ListItem::sample(3, "x", Some(exact)), &sort);

    let cursor = query(&[near[0], near[1], ("cursor", &token)])
        .unwrap()
        .cursor
        .unwrap();

    assert_eq!(cursor.values()[0].as_f64(), Some(exact));
}

#[test]
fn a_cursor_of_another_sort_or_a_made_up_one_is_rejected() {
    let token = Cursor::after(&ListItem::sample(7, "Ruta 9", None), &sort_of("-nombre"));
    let forged = URL_SAFE_NO_PAD.encode(r#"{"s":"-id_segmento","k":["7"]}"#);

    for (sort, cursor) in [
        ("nombre", token.as_str()),
        ("-id_segmento", "bm9wZQ"),
        ("-id_segmento", &forged),
    ] {
        assert_eq!(
            problems(&[("sort", sort), ("cursor", cursor)]),
            [("cursor".into(), "value_error")],
            "{cursor}"
        );
    }
}

#[test]
fn format_is_json_or_geojson() {
    assert_eq!(
        query(&[("format", "geojson")]).unwrap().format,
        Some(Format::GeoJson)
    );
    assert_eq!(
        problems(&[("format", "GeoJSON")]),
        [("format".into(), "literal_error")]
    );
}
