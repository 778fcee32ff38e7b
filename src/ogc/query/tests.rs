use super::*;
use crate::segments::list::item::ListItem;

fn parse_query(query: &str) -> Result<ListQuery, Vec<FieldError>> {
    parse(form_urlencoded::parse(query.as_bytes()))
}

/// Each problem as `(parameter, error type)`.
fn problems(query: &str) -> Vec<(String, String)> {
    parse_query(query)
        .expect_err(query)
        .into_iter()
        .map(|problem| {
            let json = serde_json::to_value(&problem).unwrap();
            (
                json["loc"][1].as_str().unwrap().to_owned(),
                json["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn problem(name: &str, kind: &str) -> Vec<(String, String)> {
    vec![(name.to_owned(), kind.to_owned())]
}

#[test]
fn no_parameters_give_the_first_ten_features_newest_first_as_geojson() {
    let query = parse_query("").unwrap();

    assert_eq!(query.page, Page::first(10));
    assert_eq!(query.sort, Sort::default());
    assert_eq!(query.filter, Filter::default());
    assert_eq!((query.cursor, query.format), (None, Some(Format::GeoJson)));
}

#[test]
fn a_limit_above_the_maximum_is_clamped_to_it_however_large() {
    for raw in ["1000", "1001", "5000", "99999999999999999999999999"] {
        assert_eq!(
            parse_query(&format!("limit={raw}")).unwrap().page,
            Page::first(1000),
            "{raw}"
        );
    }
    assert_eq!(parse_query("limit=1").unwrap().page, Page::first(1));
}

#[test]
fn a_limit_below_one_or_not_a_whole_number_is_rejected() {
    assert_eq!(problems("limit=0"), problem("limit", "greater_than_equal"));
    assert_eq!(problems("limit=-1"), problem("limit", "greater_than_equal"));
    for raw in ["unlimited", "1.5", "", "1e3", "+"] {
        assert_eq!(
            problems(&format!("limit={raw}")),
            problem("limit", "int_parsing"),
            "{raw}"
        );
    }
}

#[test]
fn an_undeclared_parameter_is_rejected_by_name() {
    assert_eq!(problems("limit=5&foo=1"), problem("foo", "extra_forbidden"));
    // The v1 list's own parameters are not the items'.
    assert_eq!(problems("sort=nombre"), problem("sort", "extra_forbidden"));
}

#[test]
fn every_problem_is_listed_at_once() {
    let found = problems("limit=x&bbox=1,2&datetime=nope&zzz=1&f=html");

    let names: Vec<&str> = found.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["zzz", "limit", "bbox", "datetime", "f"]);
}

#[test]
fn a_bbox_of_six_numbers_is_the_box_of_its_first_two_and_its_fourth_and_fifth() {
    let six = parse_query("bbox=-64.3,-31.5,0,-64.1,-31.3,100").unwrap();
    let four = parse_query("bbox=-64.3,-31.5,-64.1,-31.3").unwrap();

    assert_eq!(six.filter.bbox, four.filter.bbox);
    assert_eq!(
        four.filter.bbox,
        Some(GeoBox::parse("-64.3,-31.5,-64.1,-31.3").unwrap())
    );
}

#[test]
fn a_bbox_of_another_count_or_with_a_height_that_is_no_number_is_rejected() {
    for raw in [
        "1,2,3",
        "1,2,3,4,5",
        "1,2,x,3,4,5",
        "1,2,3,4,5,7,8",
        "1,2,3,inf",
    ] {
        assert_eq!(
            problems(&format!("bbox={raw}")),
            problem("bbox", "value_error"),
            "{raw}"
        );
    }
}

#[test]
fn a_bbox_across_the_antimeridian_is_read_as_the_v1_list_reads_it() {
    let bbox = parse_query("bbox=170,-10,-170,10")
        .unwrap()
        .filter
        .bbox
        .unwrap();

    assert!(bbox.crosses_antimeridian());
}

#[test]
fn nombre_and_ubicacion_are_equality_filters() {
    let filter = parse_query("nombre=Ruta%209&ubicacion=C%C3%B3rdoba")
        .unwrap()
        .filter;

    assert_eq!(filter.nombre.as_deref(), Some("Ruta 9"));
    assert_eq!(filter.ubicacion.as_deref(), Some("Córdoba"));
}

#[test]
fn datetime_bounds_updated_at() {
    let filter = parse_query("datetime=2026-11-20T/..").unwrap().filter;

    assert_eq!(
        filter.updated_after.as_deref(),
        Some("2026-11-19T23:59:59.999Z")
    );
    assert_eq!(filter.updated_before, None);
    assert_eq!(filter.created_after, None);
}

#[test]
fn f_takes_json_only() {
    assert!(parse_query("f=json").is_ok());
    assert_eq!(problems("f=html"), problem("f", "literal_error"));
}

#[test]
fn a_cursor_of_the_default_order_is_accepted_and_any_other_text_is_not() {
    let cursor = Cursor::after(&ListItem::sample(7, "a", None), &Sort::default());

    assert!(parse_query(&format!("cursor={cursor}"))
        .unwrap()
        .cursor
        .is_some());
    assert_eq!(problems("cursor=bogus"), problem("cursor", "value_error"));
}

#[test]
fn the_other_resources_take_f_and_nothing_else() {
    let format_only = |query: &str| format_only(form_urlencoded::parse(query.as_bytes()));

    assert!(format_only("").is_ok());
    assert!(format_only("f=json").is_ok());
    assert_eq!(format_only("f=html").unwrap_err().len(), 1);
    assert_eq!(format_only("limit=5&x=1").unwrap_err().len(), 2);
}
