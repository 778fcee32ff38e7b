//! The planner's choices on a table shaped like a road agency's (many towns, one of them
//! large), with and without the statistics `PRAGMA optimize` gathers: the lists bounded
//! in docs/performance.md ("What a request costs") read one page in index order, never
//! the table.

use std::borrow::Cow;

use rusqlite::Connection;

use super::*;
use crate::segments::list::cursor::Cursor;
use crate::segments::list::params::ListParams;
use crate::testing::sqlite::{database, plan};

const SEGMENTS: usize = 20_000;

/// `SEGMENTS` segments over 300 towns, a fifth of them in the first; with statistics
/// (`analysed`) or without, as a database is before its first `PRAGMA optimize`.
fn national(analysed: bool) -> Connection {
    let db = database();
    db.execute_batch("BEGIN").unwrap();
    {
        let mut insert = db
            .prepare(
                "INSERT INTO segmentos (nombre, longitud, latitud, ubicacion, created_at, \
                 updated_at, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            )
            .unwrap();
        for i in 0..SEGMENTS {
            let town = if i % 5 == 0 { 0 } else { i % 300 };
            let instant = format!("2025-{:02}-{:02}T00:00:00.000Z", 1 + i % 12, 1 + i % 28);
            let lon = -73.0 + (i % 997) as f64 * 0.02;
            let lat = -55.0 + (i % 991) as f64 * 0.033;
            insert
                .execute((
                    format!("Ruta {} km {}", i % 40, i % 3000),
                    lon,
                    lat,
                    format!("Pueblo {town}"),
                    instant,
                    i as i64 + 1,
                ))
                .unwrap();
        }
    }
    db.execute_batch("COMMIT").unwrap();
    if analysed {
        // 0x10002: every table, as a first optimize of a migrated database would.
        db.execute_batch("PRAGMA optimize=0x10002").unwrap();
    }
    db
}

fn both() -> [Connection; 2] {
    [national(true), national(false)]
}

fn query(pairs: &[(&str, &str)]) -> ListQuery {
    let pairs = pairs
        .iter()
        .map(|(key, value)| (Cow::Owned(key.to_string()), Cow::Owned(value.to_string())));
    ListParams::from_query(pairs).parse().unwrap()
}

#[test]
fn statistics_are_gathered_as_d1_gathers_them() {
    let db = national(true);
    let analysed: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'segmentos'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(analysed > 0);
}

#[test]
fn every_order_of_the_whole_table_reads_one_page_in_index_order() {
    for db in both() {
        for sort in super::tests::ORDERS {
            let steps = plan(&db, &page_statement(&query(&[("sort", sort)])));

            let in_order = match sort.trim_start_matches('-') {
                "id_segmento" => "SCAN segmentos".to_owned(),
                field => format!("SCAN segmentos USING INDEX segmentos_by_{field}"),
            };
            assert_eq!(steps, [in_order], "{sort}");
        }
    }
}

#[test]
fn a_town_or_a_name_is_read_through_its_index_already_in_the_default_order() {
    for db in both() {
        for town in ["Pueblo 0", "Pueblo 7"] {
            let steps = plan(&db, &page_statement(&query(&[("ubicacion", town)])));

            assert_eq!(
                steps,
                ["SEARCH segmentos USING INDEX segmentos_by_ubicacion (ubicacion=?)"],
                "{town}"
            );
        }
        let mut by_name = query(&[]);
        by_name.filter.nombre = Some("Ruta 1 km 1".into());
        let steps = plan(&db, &page_statement(&by_name));
        assert_eq!(
            steps,
            ["SEARCH segmentos USING INDEX segmentos_by_nombre (nombre=?)"]
        );
    }
}

#[test]
fn a_cursor_page_far_down_seeks_its_place_in_the_order() {
    for db in both() {
        for sort in ["-id_segmento", "nombre", "-updated_at"] {
            let first = query(&[("sort", sort)]);
            let row: SegmentRow =
                serde_json::from_str::<Vec<SegmentRow>>(&crate::testing::sqlite::rows_json(
                    &db,
                    &Statement::new(
                        format!("SELECT {} FROM segmentos WHERE id_segmento = 17", *COLUMNS),
                        Vec::new(),
                    ),
                ))
                .unwrap()
                .remove(0);
            let cursor = Cursor::after(&ListItem::from(row), &first.sort);
            let steps = plan(
                &db,
                &page_statement(&query(&[("sort", sort), ("cursor", &cursor)])),
            );

            assert_eq!(steps.len(), 1, "{sort}: {steps:?}");
            assert!(
                steps[0].starts_with("SEARCH segmentos USING"),
                "{sort}: {steps:?}"
            );
        }
    }
}

#[test]
fn only_the_whole_table_is_always_counted_and_from_the_kept_count() {
    let whole = query(&[("sort", "nombre"), ("limit", "5")]);
    assert_eq!(total_statement(&whole).unwrap().text, count::TOTAL);

    let filtered = query(&[("ubicacion", "Pueblo 0")]);
    assert_eq!(total_statement(&filtered), None);

    let asked = ListQuery {
        count_matches: true,
        ..filtered.clone()
    };
    assert_eq!(
        total_statement(&asked),
        Some(count_statement(&filtered.filter))
    );

    let count_only = query(&[("ubicacion", "Pueblo 0"), ("limit", "0")]);
    assert!(count_only.count_matches);
    assert_eq!(
        total_statement(&count_only),
        Some(count_statement(&filtered.filter))
    );
}

#[test]
fn a_box_or_a_circle_is_never_sought_through_the_longitude_index() {
    for db in both() {
        for pairs in [
            &[("bbox", "-65,-35,-60,-30")][..],
            &[("bbox", "-64.3,-31.5,-64.1,-31.3")],
            &[("bbox", "179,-20,-179,-10")],
            &[("near", "-64.18,-31.41"), ("radius_m", "10000")],
        ] {
            let query = query(pairs);
            for statement in [page_statement(&query), count_statement(&query.filter)] {
                let steps = plan(&db, &statement).join("; ");

                assert!(
                    !steps.contains("segmentos_by_longitud"),
                    "{pairs:?}: {steps}"
                );
            }
        }
    }
}
