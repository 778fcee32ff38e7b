use proptest::prelude::*;

use super::*;
use crate::testing::sqlite::database;

fn bbox(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> GeoBox {
    GeoBox {
        min_lon,
        min_lat,
        max_lon,
        max_lat,
    }
}

/// The band SQLite computes for `lat`, through the expression the index is on.
fn band_in_sqlite(db: &rusqlite::Connection, lat: f64) -> i64 {
    db.query_row(
        &format!("SELECT {SQL} FROM (SELECT ?1 AS latitud)"),
        [lat],
        |row| row.get(0),
    )
    .unwrap()
}

#[test]
fn the_expression_is_the_one_the_migration_indexes_with_this_many_bands_per_degree() {
    assert_eq!(
        SQL,
        format!("CAST((latitud + 90.0) * {PER_DEGREE:?} AS INTEGER)")
    );
    let db = database();
    let indexed: Vec<String> = db
        .prepare("SELECT sql FROM sqlite_master WHERE name LIKE 'segmentos%by_band'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(indexed.len(), 2);
    for sql in indexed {
        assert!(
            sql.contains(&format!("segmentos ({SQL}, longitud")),
            "{sql}"
        );
    }
}

#[test]
fn the_poles_and_the_equator_have_their_own_bands() {
    assert_eq!(of(-90.0), 0);
    assert_eq!(of(0.0), 9_000);
    assert_eq!(of(90.0), 18_000);
    assert_eq!(of(-31.4201), 5_857);
}

#[test]
fn a_box_across_the_antimeridian_is_covered_on_both_sides() {
    let cover = Cover::of(&bbox(179.0, -20.0, -179.0, -10.0));

    assert_eq!(cover.sides, [(179.0, 180.0), (-180.0, -179.0)]);
    assert_eq!(cover.bands, Some((7_000, 8_000)));
}

#[test]
fn a_box_south_of_its_north_covers_no_band() {
    let cover = Cover::of(&bbox(0.0, 10.0, 1.0, 5.0));

    assert_eq!(cover.bands, None);
    assert_eq!(cover.bands_sql(), "FALSE");
}

/// The latitudes of `lats` that `condition` (on `latitud`) keeps, in SQLite.
fn kept(condition: &str, lats: &[f64]) -> Vec<f64> {
    let db = rusqlite::Connection::open_in_memory().unwrap();
    lats.iter()
        .copied()
        .filter(|lat| {
            db.query_row(
                &format!("SELECT {condition} FROM (SELECT ?1 AS latitud)"),
                [lat],
                |row| row.get::<_, bool>(0),
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn a_short_box_lists_its_bands_and_a_tall_one_counts_them_out_alike() {
    let short = Cover::of(&bbox(-64.3, -31.52, -64.1, -31.32));
    let tall = Cover::of(&bbox(-64.3, -60.0, -64.1, 60.0));
    assert!(short.bands_sql().contains("5848, 5849"));
    assert!(tall.bands_sql().contains("WITH RECURSIVE"));

    let lats = [
        -60.01, -60.0, -31.53, -31.52, -31.4, -31.32, -31.315, -31.3, 59.999, 60.0, 60.01,
    ];
    assert_eq!(
        kept(&short.bands_sql(), &lats),
        [-31.52, -31.4, -31.32, -31.315]
    );
    assert_eq!(kept(&tall.bands_sql(), &lats), &lats[1..10]);
}

proptest! {
    #![proptest_config(crate::testing::arbitrary::config(512))]

    /// The index and the covers must agree on every latitude, or a box would miss the
    /// points on its bands' edges.
    #[test]
    fn rust_and_sqlite_put_every_latitude_in_the_same_band(
        lat in prop_oneof![-90.0..=90.0, (-9_000i64..=9_000).prop_map(|n| n as f64 / 100.0)]
    ) {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        prop_assert_eq!(of(lat), band_in_sqlite(&db, lat));
    }

    #[test]
    fn a_cover_holds_every_point_of_its_box(
        lat in -90.0..=90.0f64, lon in -180.0..=180.0f64,
        below in 0.0..5.0f64, above in 0.0..5.0f64, west in 0.0..5.0f64, east in 0.0..5.0f64,
    ) {
        let wrap = |lon: f64| if lon < -180.0 { lon + 360.0 } else if lon > 180.0 { lon - 360.0 } else { lon };
        let bbox = bbox(
            wrap(lon - west), (lat - below).max(-90.0), wrap(lon + east), (lat + above).min(90.0),
        );
        let cover = Cover::of(&bbox);
        let (south, north) = cover.bands.unwrap();

        prop_assert!((south..=north).contains(&of(lat)));
        prop_assert!(cover.sides.iter().any(|(w, e)| (*w..=*e).contains(&lon)), "{cover:?}");
    }
}
