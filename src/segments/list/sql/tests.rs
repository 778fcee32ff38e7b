use std::borrow::Cow;

use rusqlite::{params_from_iter, Connection};

use super::*;
use crate::segments::geo::Point;
use crate::segments::list::cursor::Cursor;
use crate::segments::list::params::ListParams;
use crate::testing::sqlite::{database, plan as plan_of_statement, plan_tree, rows_json, values};

fn insert(db: &Connection, nombre: &str, lon: f64, lat: f64, created_at: &str) {
    db.execute(
        "INSERT INTO segmentos (nombre, longitud, latitud, ubicacion, created_at, updated_at) \
         VALUES (?1, ?2, ?3, 'Córdoba', ?4, ?4)",
        (nombre, lon, lat, created_at),
    )
    .unwrap();
}

fn query(pairs: &[(&str, &str)]) -> ListQuery {
    ListParams::from_query(
        pairs
            .iter()
            .map(|(key, value)| (Cow::Owned(key.to_string()), Cow::Owned(value.to_string()))),
    )
    .parse()
    .unwrap()
}

/// `(id, distance_m)` of each row of the page.
fn page(db: &Connection, query: &ListQuery) -> Vec<(i64, Option<f64>)> {
    let statement = page_statement(query);
    let mut prepared = db.prepare(&statement.text).unwrap();
    let has_distance = prepared.column_names().contains(&"distance_m");
    prepared
        .query_map(params_from_iter(values(&statement.params)), |row| {
            let distance = if has_distance {
                row.get("distance_m")?
            } else {
                None
            };
            Ok((row.get("id_segmento")?, distance))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn ids(db: &Connection, pairs: &[(&str, &str)]) -> Vec<i64> {
    page(db, &query(pairs))
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

fn count(db: &Connection, pairs: &[(&str, &str)]) -> i64 {
    let query = query(pairs);
    let statement = count_statement(&query.filter);
    db.query_row(
        &statement.text,
        params_from_iter(values(&statement.params)),
        |row| row.get(0),
    )
    .unwrap()
}

/// The details of `EXPLAIN QUERY PLAN` for the page statement.
fn plan(db: &Connection, pairs: &[(&str, &str)]) -> Vec<String> {
    plan_of_statement(db, &page_statement(&query(pairs)))
}

/// Four segments: three in Córdoba (ids 1-3), one in Madrid (id 4).
fn cordoba_and_madrid() -> Connection {
    let db = database();
    insert(
        &db,
        "Av. Colón",
        -64.1888,
        -31.4135,
        "2026-01-01T00:00:00.000Z",
    );
    insert(
        &db,
        "Bv. San Juan",
        -64.1850,
        -31.4220,
        "2026-02-01T00:00:00.000Z",
    );
    insert(
        &db,
        "Ruta 20",
        -64.2300,
        -31.4300,
        "2026-03-01T00:00:00.000Z",
    );
    insert(
        &db,
        "Gran Vía",
        -3.7038,
        40.4168,
        "2026-04-01T00:00:00.000Z",
    );
    db
}

#[test]
fn the_default_order_is_newest_first() {
    let db = cordoba_and_madrid();

    assert_eq!(ids(&db, &[]), [4, 3, 2, 1]);
    assert_eq!(count(&db, &[]), 4);
}

#[test]
fn the_page_reads_one_row_more_than_its_limit() {
    let db = cordoba_and_madrid();

    assert_eq!(ids(&db, &[("limit", "2")]), [4, 3, 2]);
    assert_eq!(ids(&db, &[("limit", "2"), ("skip", "2")]), [2, 1]);
}

#[test]
fn q_matches_a_substring_in_any_case_and_treats_wildcards_literally() {
    let db = cordoba_and_madrid();
    insert(
        &db,
        "100% asfalto_nuevo",
        0.0,
        0.0,
        "2026-05-01T00:00:00.000Z",
    );

    assert_eq!(ids(&db, &[("q", "SAN j")]), [2]);
    assert_eq!(ids(&db, &[("q", "córdoba")]), [5, 4, 3, 2, 1]);
    assert_eq!(ids(&db, &[("q", "0%")]), [5]);
    assert_eq!(ids(&db, &[("q", "o_n")]), [5]);
    assert_eq!(count(&db, &[("q", "%")]), 1);
}

#[test]
fn time_bounds_are_exclusive() {
    let db = cordoba_and_madrid();

    let ids = ids(
        &db,
        &[
            ("created_after", "2026-01-01T00:00:00Z"),
            ("created_before", "2026-04-01T00:00:00Z"),
        ],
    );

    assert_eq!(ids, [3, 2]);
}

#[test]
fn bounds_beyond_the_years_stored_text_holds_compare_in_time_order() {
    let db = cordoba_and_madrid();
    // Year 10000 and year -1 in UTC, though each is written with a four-digit year.
    let late = "9999-12-31T23:59:59-01:00";
    let early = "0000-01-01T00:30:00+01:00";

    assert_eq!(count(&db, &[("created_before", late)]), 4);
    assert_eq!(count(&db, &[("updated_after", late)]), 0);
    assert_eq!(count(&db, &[("created_after", early)]), 4);
    assert_eq!(count(&db, &[("updated_before", early)]), 0);
}

#[test]
fn a_bbox_keeps_what_is_inside_and_a_crossing_one_wraps_around() {
    let db = cordoba_and_madrid();
    insert(&db, "Fiji east", 179.5, -17.0, "2026-05-01T00:00:00.000Z");
    insert(&db, "Fiji west", -179.5, -17.0, "2026-05-02T00:00:00.000Z");

    assert_eq!(ids(&db, &[("bbox", "-64.2,-31.45,-64.1,-31.4")]), [2, 1]);
    assert_eq!(ids(&db, &[("bbox", "179,-20,-179,-10")]), [6, 5]);
    assert_eq!(count(&db, &[("bbox", "-180,-90,180,90")]), 6);
}

#[test]
fn near_keeps_the_circle_nearest_first_with_haversine_distances() {
    let db = cordoba_and_madrid();
    let center = Point {
        lon: -64.1888,
        lat: -31.4135,
    };

    let rows = page(
        &db,
        &query(&[("near", "-64.1888,-31.4135"), ("radius_m", "5000")]),
    );

    assert_eq!(rows.iter().map(|row| row.0).collect::<Vec<_>>(), [1, 2, 3]);
    let expected = center.distance_m(Point {
        lon: -64.2300,
        lat: -31.4300,
    });
    let measured = rows[2].1.unwrap();
    assert!(
        (measured - expected).abs() < 1e-6,
        "{measured} vs {expected}"
    );
    assert_eq!(rows[0].1, Some(0.0));
    // Bv. San Juan is 1.01 km from Av. Colón.
    assert_eq!(
        count(&db, &[("near", "-64.1888,-31.4135"), ("radius_m", "1000")]),
        1
    );
    assert_eq!(
        count(&db, &[("near", "-64.1888,-31.4135"), ("radius_m", "1100")]),
        2
    );
}

#[test]
fn near_finds_points_across_the_antimeridian() {
    let db = database();
    insert(&db, "east", 179.9, 0.0, "2026-01-01T00:00:00.000Z");
    insert(&db, "west", -179.9, 0.0, "2026-01-02T00:00:00.000Z");

    assert_eq!(
        ids(&db, &[("near", "179.95,0"), ("radius_m", "20000")]),
        [1, 2]
    );
}

#[test]
fn cursors_walk_every_order_without_repeats_or_gaps() {
    let db = database();
    // Equal names and instants force the id tie-break to do its work.
    for (index, nombre) in ["b", "a", "b", "c", "a", "b", "c"].iter().enumerate() {
        let created = format!("2026-01-0{}T00:00:00.000Z", 1 + index % 3);
        insert(&db, nombre, 0.001 * index as f64, 0.0, &created);
    }
    let orders = [
        "-id_segmento",
        "nombre",
        "-nombre",
        "created_at,-nombre",
        "-updated_at",
    ];
    for sort in orders {
        let everything = ids(&db, &[("sort", sort)]);
        let mut walked = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut pairs = vec![("sort", sort), ("limit", "2")];
            if let Some(cursor) = &cursor {
                pairs.push(("cursor", cursor));
            }
            let query = query(&pairs);
            let rows = listed(&db, &page_statement(&query));
            let more = rows.len() > 2;
            let shown = &rows[..rows.len().min(2)];
            walked.extend(shown.iter().map(|row| row.segment.id_segmento));
            if !more {
                break;
            }
            cursor = Some(Cursor::after(shown.last().unwrap(), &query.sort));
        }
        assert_eq!(walked, everything, "{sort}");
        assert_eq!(walked.len(), 7, "{sort}");
    }
}

#[test]
fn a_distance_cursor_continues_after_the_exact_distance() {
    let db = cordoba_and_madrid();
    let near = [("near", "-64.1888,-31.4135"), ("radius_m", "5000")];
    let first = page(&db, &query(&[near[0], near[1], ("limit", "1")]));
    let row = ListItem {
        distance_m: first[0].1,
        ..listed_by_id(&db, first[0].0)
    };
    let token = Cursor::after(&row, &query(&near).sort);

    let rest = ids(&db, &[near[0], near[1], ("cursor", &token)]);

    assert_eq!(rest, [2, 3]);
}

/// The rows of a statement as the worker reads them: D1's JSON, through the list's row.
fn listed(db: &Connection, statement: &Statement<'_>) -> Vec<ListItem> {
    let rows = rows_of::<SegmentRow>(&rows_json(db, statement)).unwrap();
    rows.into_iter().map(ListItem::from).collect()
}

fn listed_by_id(db: &Connection, id: i64) -> ListItem {
    let by_id = Statement::new(
        "SELECT * FROM segmentos WHERE id_segmento = ?1",
        vec![Param::Integer(id)],
    );
    listed(db, &by_id).remove(0)
}

/// Whether the rows are sought through an index (`SEARCH ... USING ... INDEX`).
fn searches_an_index(plan: &[String]) -> bool {
    plan.iter()
        .any(|step| step.starts_with("SEARCH segmentos USING") && step.contains("INDEX"))
}

/// Whether a select reads every row it may return and sorts them before the first is
/// returned: a scan and a temporary sort in one select. An ordered scan without one
/// stops when the page is full. (A page of a box is a union of two plans, each a select
/// of its own; the union's own sort orders the one page that comes out of it.)
fn reads_everything_to_sort(db: &Connection, statement: &Statement<'_>) -> bool {
    let tree = plan_tree(db, statement);
    tree.iter()
        .filter(|(_, _, step)| step.starts_with("SCAN segmentos"))
        .any(|(_, parent, _)| {
            tree.iter().any(|(_, other, step)| {
                other == parent && step.starts_with("USE TEMP B-TREE FOR ORDER BY")
            })
        })
}

/// Every field in both directions. (A sort on two fields is served by the first one's
/// index only where SQLite's planner judges it cheaper than sorting.)
pub(super) const ORDERS: [&str; 8] = [
    "-id_segmento",
    "id_segmento",
    "nombre",
    "-nombre",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
];

const INDEXED_FILTERS: [(&str, &str); 9] = [
    ("ubicacion", "Córdoba"),
    ("created_after", "2026-01-01T00:00:00Z"),
    ("created_before", "2026-01-01T00:00:00Z"),
    ("updated_after", "2026-01-01T00:00:00Z"),
    ("updated_before", "2026-01-01T00:00:00Z"),
    ("bbox", "-64.3,-31.5,-64.1,-31.3"),
    ("bbox", "179,-20,-179,-10"),
    ("near", "-64.18,-31.41"),
    ("q", "ruta"),
];

/// The pairs of one filter (`near` comes with its radius).
fn filter_pairs(filter: (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
    let mut pairs = vec![filter];
    if filter.0 == "near" {
        pairs.push(("radius_m", "5000"));
    }
    pairs
}

#[test]
fn no_order_or_filter_reads_the_whole_table_to_sort_it() {
    let db = cordoba_and_madrid();
    let cursor = Cursor::after(&listed_by_id(&db, 1), &query(&[("sort", "nombre")]).sort);
    for sort in ORDERS {
        for filter in INDEXED_FILTERS.iter().map(|f| Some(*f)).chain([None]) {
            let mut pairs = vec![("sort", sort)];
            pairs.extend(filter.map(filter_pairs).unwrap_or_default());
            let query = query(&pairs);
            let statement = page_statement(&query);
            let plan = plan_tree(&db, &statement);
            println!("{pairs:?}\n  {plan:?}");
            assert!(
                !reads_everything_to_sort(&db, &statement),
                "{pairs:?}: {plan:?}"
            );
        }
    }
    let paged = plan(&db, &[("sort", "nombre"), ("cursor", &cursor)]);
    assert!(searches_an_index(&paged), "{paged:?}");
}

#[test]
fn every_filter_but_q_is_counted_through_an_index() {
    let db = cordoba_and_madrid();
    for filter in INDEXED_FILTERS.into_iter().filter(|(name, _)| *name != "q") {
        let query = query(&filter_pairs(filter));

        let plan = plan_of_statement(&db, &count_statement(&query.filter));

        println!("count {filter:?}\n  {}", plan.join("\n  "));
        assert!(searches_an_index(&plan), "{filter:?}: {plan:?}");
    }
}

#[test]
fn a_search_alone_is_counted_through_the_text_index_and_a_short_one_by_reading_every_row() {
    let db = cordoba_and_madrid();
    let counted = |q: &str| plan_of_statement(&db, &count_statement(&query(&[("q", q)]).filter));

    let indexed = counted("ruta");
    assert!(indexed
        .iter()
        .any(|step| step.starts_with("SCAN segment_text VIRTUAL TABLE")));
    assert!(
        !indexed
            .iter()
            .any(|step| step.starts_with("SCAN segmentos")),
        "{indexed:?}"
    );
    assert!(counted("ru")
        .iter()
        .any(|step| step.starts_with("SCAN segmentos")));
}
