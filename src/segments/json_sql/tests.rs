use rusqlite::Connection;

use super::*;
use crate::segments::geojson::Feature;
use crate::segments::list::item::ListItem;

/// The JSON text SQLite builds for `x`, before and after wasm restores marked numbers.
pub(super) fn sql_number(db: &Connection, x: f64) -> (String, String) {
    let sql = format!("SELECT {}", number("?1", "?2"));
    let built: String = db.query_row(&sql, (x, SCALE), |row| row.get(0)).unwrap();
    let restored = restore_numbers(&built).unwrap();
    (built, restored)
}

/// What the old server sent for `x`: serde_json's text of the number D1 gave it, where
/// -0.0 had become 0.
pub(super) fn served(x: f64) -> String {
    serde_json::to_string(&(x + 0.0)).unwrap()
}

#[test]
fn scale_is_two_to_the_240th() {
    assert_eq!(SCALE, 2f64.powi(240));
}

#[test]
fn a_typical_coordinate_is_printed_by_sqlite_alone() {
    let db = Connection::open_in_memory().unwrap();
    for x in [-64.1797, -31.4135, 5.0, 180.0, -90.0, 0.0001, 123.456, 0.5] {
        let (built, restored) = sql_number(&db, x);
        assert_eq!(built, served(x), "{x}");
        assert_eq!(restored, built);
    }
}

#[test]
fn zero_of_either_sign_is_sent_as_0_0() {
    let db = Connection::open_in_memory().unwrap();
    assert_eq!(sql_number(&db, 0.0).0, "0.0");
    assert_eq!(sql_number(&db, -0.0).0, "0.0");
}

#[test]
fn a_17_digit_number_is_marked_and_restored() {
    let db = Connection::open_in_memory().unwrap();
    let (built, restored) = sql_number(&db, 0.1 + 0.2);
    assert!(built.starts_with(MARK), "{built:?}");
    assert_eq!(restored, "0.30000000000000004");
}

#[test]
fn numbers_serde_json_prints_in_another_notation_are_restored() {
    let db = Connection::open_in_memory().unwrap();
    for (x, text) in [
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.0000123, "0.0000123"),
        (1e-5, "0.00001"),
        (-9.99999e-6, "-9.99999e-6"),
    ] {
        assert_eq!(sql_number(&db, x).1, text);
    }
}

#[test]
fn every_power_of_two_in_range_is_restored_exactly() {
    let db = Connection::open_in_memory().unwrap();
    for exponent in -1074..=49 {
        let x = 2f64.powi(exponent);
        for value in [x, -x, x.next_up(), x.next_down()] {
            assert_eq!(sql_number(&db, value).1, served(value), "{value:e}");
        }
    }
}

#[test]
fn subnormal_numbers_are_restored_exactly() {
    let db = Connection::open_in_memory().unwrap();
    for x in [
        5e-324,
        6.3e-322,
        4.144523e-317,
        f64::MIN_POSITIVE.next_down(),
    ] {
        assert_eq!(sql_number(&db, x).1, served(x), "{x:e}");
    }
}

#[test]
fn text_without_marks_is_returned_unchanged() {
    let text = r#"[{"nombre":"a~1","longitud":1.5}]"#;
    assert_eq!(restore_numbers(text).unwrap(), text);
}

#[test]
fn an_unclosed_or_malformed_mark_is_unreadable() {
    for text in [
        "[\u{1}1.5~0",
        "[\u{1}1.5\u{1}]",
        "[\u{1}1.5~9\u{1}]",
        "[\u{1}abc~0\u{1}]",
        "[\u{1}1e999~0\u{1}]",
    ] {
        assert!(restore_numbers(text).is_err(), "{text:?}");
    }
}

#[test]
fn a_segment_reads_as_serde_json_writes_it() {
    let db = crate::testing::sqlite::database();
    db.execute(
        "INSERT INTO segmentos (nombre, descripcion, longitud, latitud, ubicacion) \
         VALUES ('Av. \"Colón\"\n', NULL, -64.17970000000001, 1e-7, '道路 🚧')",
        (),
    )
    .unwrap();
    let (json, geojson) = built_item(&db, 1, None);
    let item = read_item(&db, 1, None);
    assert_eq!(json, serde_json::to_string(&item).unwrap());
    assert_eq!(
        geojson,
        serde_json::to_string(&Feature::new(&item)).unwrap()
    );
}

#[test]
fn a_near_item_carries_its_distance_rounded_to_the_millimetre() {
    let db = crate::testing::sqlite::database();
    db.execute(
        "INSERT INTO segmentos (nombre, longitud, latitud) VALUES ('a', 1.0, 2.0)",
        (),
    )
    .unwrap();
    for distance in [
        0.0,
        1234.5674999,
        1234.5675,
        0.0004999,
        1e-9,
        19_999_999.123_456_7,
    ] {
        let (json, _) = built_item(&db, 1, Some(distance));
        let item = read_item(&db, 1, Some(distance));
        assert_eq!(json, serde_json::to_string(&item).unwrap(), "{distance}");
    }
}

/// The JSON and GeoJSON SQLite builds for segment `id`, restored.
pub(super) fn built_item(db: &Connection, id: i64, distance: Option<f64>) -> (String, String) {
    let near = distance.is_some();
    let sql = format!(
        "SELECT {}, {} FROM (SELECT *, ?3 AS {DISTANCE} FROM segmentos WHERE id_segmento = ?1)",
        item(near, "?2"),
        feature(near, "?2")
    );
    let (json, geojson): (String, String) = db
        .query_row(&sql, (id, SCALE, distance), |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    (
        restore_numbers(&json).unwrap(),
        restore_numbers(&geojson).unwrap(),
    )
}

/// Segment `id` as the old server read it: every column, -0.0 as 0.
pub(super) fn read_item(db: &Connection, id: i64, distance_m: Option<f64>) -> ListItem {
    let segment = db
        .query_row(
            "SELECT * FROM segmentos WHERE id_segmento = ?1",
            [id],
            |row| {
                Ok(crate::segments::model::Segment {
                    id_segmento: row.get("id_segmento")?,
                    nombre: row.get("nombre")?,
                    descripcion: row.get("descripcion")?,
                    longitud: row.get::<_, f64>("longitud")? + 0.0,
                    latitud: row.get::<_, f64>("latitud")? + 0.0,
                    ubicacion: row.get("ubicacion")?,
                    created_at: row.get("created_at")?,
                    updated_at: row.get("updated_at")?,
                    version: row.get("version")?,
                })
            },
        )
        .unwrap();
    ListItem {
        segment,
        distance_m,
    }
}
