use std::borrow::Cow;

use proptest::prelude::*;
use rusqlite::Connection;

use super::super::*;
use super::{choice, circles, radius_condition, SAMPLE};
use crate::segments::geo::{GeoBox, Near};
use crate::segments::list::cursor::Cursor;
use crate::segments::list::params::ListParams;
use crate::testing::arbitrary::config;
use crate::testing::sqlite::{database, plan_tree, rows_json, values};

fn query(pairs: &[(String, String)]) -> ListQuery {
    ListParams::from_query(
        pairs
            .iter()
            .map(|(key, value)| (Cow::Owned(key.clone()), Cow::Owned(value.clone()))),
    )
    .parse()
    .unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// Segments at `points`, with ids from 1; `created_at` runs against the ids, so that the
/// orders differ.
fn table(points: &[(f64, f64)]) -> Connection {
    let db = database();
    for (index, (lon, lat)) in points.iter().enumerate() {
        let instant = format!("2025-01-01T00:00:{:02}.{:03}Z", 59 - index % 60, index);
        db.execute(
            "INSERT INTO segmentos (nombre, longitud, latitud, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?4)",
            (format!("Calle {}", index % 7), lon, lat, instant),
        )
        .unwrap();
    }
    db
}

fn rows(db: &Connection, statement: &Statement<'_>) -> Vec<ListItem> {
    serde_json::from_str::<Vec<SegmentRow>>(&rows_json(db, statement))
        .unwrap()
        .into_iter()
        .map(ListItem::from)
        .collect()
}

/// `(id, distance)` of each row.
fn listed(items: &[ListItem]) -> Vec<(i64, Option<f64>)> {
    items
        .iter()
        .map(|item| (item.segment.id_segmento, item.distance_m))
        .collect()
}

/// The page as the list read it before the band index: every row of the table tested
/// against the same conditions, then sorted. The oracle of every plan here.
fn read_whole_table(query: &ListQuery) -> Statement<'_> {
    let mut statement = Statement::default();
    let columns = columns(&mut statement, &query.filter);
    let conditions = conditions(&mut statement, &query.filter);
    let mut outer: Vec<String> = radius_condition(&mut statement, &query.filter)
        .into_iter()
        .collect();
    if let Some(cursor) = &query.cursor {
        outer.push(after_cursor(&mut statement, &query.sort, cursor));
    }
    let window = Window {
        limit: statement.bind(Param::Integer(query.page.limit() + 1)),
        offset: statement.bind(Param::Integer(query.page.skip())),
        need: 0,
    };
    let rows =
        in_table(&columns, &conditions).replace("FROM segmentos", "FROM segmentos NOT INDEXED");
    statement.text = page_of(&rows, &outer, &order_by(&query.sort), &window, None);
    statement
}

/// Whether the box's sample chooses the band index for a page of `need`.
fn chooses_the_index(db: &Connection, bbox: &str, need: i64) -> bool {
    let cover = Cover::of(&GeoBox::parse(bbox).unwrap());
    let text = format!("{} SELECT indexed FROM plan", choice(&cover, need));
    db.query_row(&text, [], |row| row.get(0)).unwrap()
}

#[test]
fn the_sample_index_holds_one_segment_in_sample() {
    let sql: String = database()
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'segmentos_sample_by_band'",
            [],
            |row| row.get(0),
        )
        .unwrap();

    assert!(
        sql.ends_with(&format!("WHERE id_segmento % {SAMPLE} = 0")),
        "{sql}"
    );
}

#[test]
fn a_box_without_a_sampled_segment_is_read_through_the_index() {
    let db = table(&vec![(-64.2, -31.4); 255]);

    assert!(chooses_the_index(&db, "-64.3,-31.5,-64.1,-31.3", 101));
}

#[test]
fn a_box_whose_sample_says_it_is_dense_is_read_in_the_lists_order() {
    // 512 segments, two of them sampled (ids 256 and 512), all in the box: the order finds
    // a page of 101 in about 101 rows, the index in 512.
    let db = table(&vec![(-64.2, -31.4); 512]);

    assert!(!chooses_the_index(&db, "-64.3,-31.5,-64.1,-31.3", 101));
    assert!(chooses_the_index(&db, "0,0,1,1", 101));
}

#[test]
fn the_sample_is_counted_on_both_sides_of_the_antimeridian() {
    // Id 256, the one sampled segment near the box, is just west of the antimeridian.
    let mut points = vec![(179.5, -15.0); 300];
    points[255] = (-179.5, -15.0);
    let db = table(&points);

    assert!(chooses_the_index(&db, "179,-20,179.9,-10", 101));
    assert!(!chooses_the_index(&db, "179,-20,-179,-10", 101));
}

/// The steps of a page's plan.
fn steps(db: &Connection, list: &[(&str, &str)]) -> Vec<String> {
    plan_tree(db, &page_statement(&query(&pairs(list))))
        .into_iter()
        .map(|(_, _, step)| step)
        .collect()
}

/// Whether a step seeks `index` band by band, and in each band a range of longitudes.
fn seeks_bands_and_longitudes(step: &str, index: &str) -> bool {
    step.starts_with("SEARCH segmentos USING")
        && step.contains(&format!(
            "INDEX {index} (<expr>=? AND longitud>? AND longitud<?)"
        ))
}

#[test]
fn a_box_is_sought_through_the_band_index_and_its_sample() {
    let db = table(&[]);
    let steps = steps(&db, &[("bbox", "-64.3,-31.5,-64.1,-31.3")]);

    for index in ["segmentos_by_band", "segmentos_sample_by_band"] {
        let seeks = steps
            .iter()
            .filter(|step| seeks_bands_and_longitudes(step, index));
        assert_eq!(seeks.count(), 1, "{index}: {steps:?}");
    }
    assert!(!steps
        .iter()
        .any(|step| step.contains("segmentos_by_position")));
}

#[test]
fn nearest_first_seeks_each_circle_tried_and_the_chosen_one_by_band_and_longitude() {
    let db = table(&[]);
    let steps = steps(&db, &[("near", "-64.18,-31.41"), ("radius_m", "10000")]);

    let seeks = steps
        .iter()
        .filter(|step| seeks_bands_and_longitudes(step, "segmentos_by_band"));
    // Circles of 156, 312, 625, 1,250, 2,500 and 5,000 m are tried, then the chosen one
    // (any of them, or the whole 10 km) is read.
    assert_eq!(seeks.count(), 7, "{steps:?}");
    assert!(!steps.iter().any(|step| step.starts_with("SCAN segmentos")));
}

#[test]
fn nearest_first_tries_circles_from_100_m_up_to_the_radius() {
    let near = Near::new(crate::segments::geo::Point { lon: 0.0, lat: 0.0 }, 1_000.0).unwrap();

    let radii: Vec<f64> = circles(&near).iter().map(Near::radius_m).collect();

    assert_eq!(radii, [125.0, 250.0, 500.0, 1_000.0]);
    let small = near.narrowed_to(150.0);
    assert_eq!(circles(&small).len(), 1);
}

/// Points on a few clusters (one on the antimeridian, one at a pole), spread points, and
/// the globe's edges.
fn point() -> impl Strategy<Value = (f64, f64)> {
    let near = |lon: f64, lat: f64, spread: f64| {
        (-spread..=spread, -spread..=spread)
            .prop_map(move |(x, y)| ((lon + x).clamp(-180.0, 180.0), (lat + y).clamp(-90.0, 90.0)))
    };
    prop_oneof![
        4 => near(-64.19, -31.42, 0.2),
        2 => near(179.99, 10.0, 0.05),
        1 => near(0.0, 89.99, 0.02),
        1 => (-180.0..=180.0, -90.0..=90.0),
        1 => prop::sample::select(vec![(-180.0, 0.0), (180.0, 0.0), (0.0, -90.0), (0.0, 90.0)]),
    ]
}

/// A spatial filter (a box, a circle, or both) around the clusters, in any order.
fn spatial_query() -> impl Strategy<Value = Vec<(String, String)>> {
    let centre = prop::sample::select(vec![
        (-64.19, -31.42),
        (179.99, 10.0),
        (-179.99, 10.0),
        (0.0, 89.99),
    ]);
    let bbox = (centre.clone(), 0.001..3.0f64, 0.001..3.0f64).prop_map(|((lon, lat), w, h)| {
        let wrap = |lon: f64| {
            if lon > 180.0 {
                lon - 360.0
            } else if lon < -180.0 {
                lon + 360.0
            } else {
                lon
            }
        };
        let (south, north) = ((lat - h).max(-90.0), (lat + h).min(90.0));
        format!("{},{south},{},{north}", wrap(lon - w), wrap(lon + w))
    });
    let near = (centre, 1.0..6.0f64).prop_map(|((lon, lat), exponent)| {
        (format!("{lon},{lat}"), format!("{}", 10f64.powf(exponent)))
    });
    let sort = prop::sample::select(vec![
        None,
        Some("id_segmento"),
        Some("-created_at"),
        Some("nombre"),
        Some("distance_m"),
        Some("-distance_m"),
        Some("nombre,-distance_m"),
    ]);
    (
        prop::option::of(bbox),
        prop::option::of(near),
        sort,
        1..15i64,
        0..5i64,
    )
        .prop_filter("a spatial filter", |(bbox, near, ..)| {
            bbox.is_some() || near.is_some()
        })
        .prop_map(|(bbox, near, sort, limit, skip)| {
            let mut list = vec![
                ("limit".to_owned(), limit.to_string()),
                ("skip".to_owned(), skip.to_string()),
            ];
            list.extend(bbox.map(|bbox| ("bbox".to_owned(), bbox)));
            if let Some((centre, radius)) = near {
                list.push(("near".to_owned(), centre));
                list.push(("radius_m".to_owned(), radius));
            }
            let has_near = list.iter().any(|(key, _)| key == "near");
            if let Some(sort) = sort.filter(|sort| has_near || !sort.contains("distance")) {
                list.push(("sort".to_owned(), sort.to_owned()));
            }
            list
        })
}

proptest! {
    #![proptest_config(config(256))]

    /// Whatever plan a page takes (the index, the order, a circle), it is the page a read
    /// of the whole table gives, and so is the page after it, by cursor.
    #[test]
    fn a_spatial_page_is_the_page_the_whole_table_gives(
        points in prop::collection::vec(point(), 0..600),
        list in spatial_query(),
    ) {
        let db = table(&points);
        let first = query(&list);

        let page = rows(&db, &page_statement(&first));
        let expected = rows(&db, &read_whole_table(&first));
        prop_assert_eq!(listed(&page), listed(&expected));

        let count: i64 = {
            let statement = count_statement(&first.filter);
            db.query_row(&statement.text, rusqlite::params_from_iter(values(&statement.params)), |row| row.get(0)).unwrap()
        };
        let mut all = first.clone();
        all.page = crate::segments::list::page::Page::first(10_000);
        prop_assert_eq!(count as usize, rows(&db, &read_whole_table(&all)).len());

        if let Some(last) = page.iter().take(first.page.limit() as usize).next_back() {
            let mut next = list.clone();
            next.retain(|(key, _)| key != "skip");
            next.push(("cursor".to_owned(), Cursor::after(last, &first.sort)));
            let next = query(&next);
            prop_assert_eq!(
                listed(&rows(&db, &page_statement(&next))),
                listed(&rows(&db, &read_whole_table(&next)))
            );
        }
    }
}
