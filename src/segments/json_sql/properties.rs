//! Properties: SQLite's text of any number and any segment, restored, is serde_json's.

use proptest::prelude::*;
use proptest::sample::select;
use rusqlite::Connection;

use super::tests::{built_item, read_item, served, sql_number};
use crate::segments::fields::{DESCRIPCION, NOMBRE, UBICACION};
use crate::segments::geojson::Feature;
use crate::testing::arbitrary::{config, text};

/// Every double of every binade up to the largest distance, of either sign, plus the
/// awkward ones: powers of two and their neighbours, subnormals, short decimals.
fn number_in_range() -> BoxedStrategy<f64> {
    let any_finite = any::<u64>()
        .prop_map(f64::from_bits)
        .prop_filter("a coordinate or distance", |x| {
            x.is_finite() && x.abs() < 1e15
        });
    let power_of_two = (-1074..50_i32, select(&[-1.0, 1.0][..]), 0..3_u8).prop_map(
        |(exponent, sign, neighbour)| {
            let x = sign * 2f64.powi(exponent);
            [x, x.next_up(), x.next_down()][usize::from(neighbour)]
        },
    );
    let short_decimal = (-18_000_000..18_000_000_i64, 0..12_i32)
        .prop_map(|(mantissa, places)| mantissa as f64 / 10f64.powi(places));
    prop_oneof![
        any_finite,
        power_of_two,
        short_decimal,
        -180.0..180.0_f64,
        -1e-3..1e-3_f64,
    ]
    .boxed()
}

/// A number within every coordinate's bounds.
fn coordinate() -> BoxedStrategy<f64> {
    number_in_range()
        .prop_filter("a latitude", |x| x.abs() <= 90.0)
        .boxed()
}

proptest! {
    #![proptest_config(config(20_000))]

    #[test]
    fn any_number_reads_as_serde_json_writes_it(x in number_in_range()) {
        let db = Connection::open_in_memory().unwrap();
        prop_assert_eq!(sql_number(&db, x).1, served(x));
    }
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn any_stored_segment_reads_as_serde_json_writes_it(
        nombre in text(NOMBRE.max_chars() as usize),
        descripcion in proptest::option::of(text(DESCRIPCION.max_chars() as usize)),
        ubicacion in proptest::option::of(text(UBICACION.max_chars() as usize)),
        longitud in coordinate(),
        latitud in coordinate(),
        distance in proptest::option::of(0.0..2e7_f64),
    ) {
        let db = crate::testing::sqlite::database();
        let stored = db.execute(
            "INSERT INTO segmentos (nombre, descripcion, longitud, latitud, ubicacion) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (&nombre, &descripcion, longitud, latitud, &ubicacion),
        );
        // Only what the schema's CHECKs let in can be read back.
        prop_assume!(stored.is_ok());
        let (json, geojson) = built_item(&db, 1, distance);
        let item = read_item(&db, 1, distance);
        prop_assert_eq!(json, serde_json::to_string(&item).unwrap());
        prop_assert_eq!(geojson, serde_json::to_string(&Feature::new(&item)).unwrap());
    }
}
