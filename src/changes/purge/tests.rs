use rusqlite::Connection;

use super::*;
use crate::testing::sqlite::{database, execute};

fn tombstones(db: &Connection, rows: &[(i64, &str)]) {
    for (seq, deleted_at) in rows {
        db.execute(
            "INSERT INTO segment_tombstones (seq, id_segmento, version, deleted_at) VALUES (?1, ?1, 1, ?2)",
            (seq, deleted_at),
        )
        .unwrap();
    }
}

fn state(db: &Connection) -> (i64, Vec<i64>) {
    let horizon = db
        .query_row("SELECT horizon FROM change_feed", [], |row| row.get(0))
        .unwrap();
    let mut prepared = db
        .prepare("SELECT seq FROM segment_tombstones ORDER BY seq")
        .unwrap();
    let left = prepared
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (horizon, left)
}

fn purge_now(db: &Connection, cutoff: &str) -> usize {
    let statements = statements(cutoff);
    let (purge, before) = statements.split_last().unwrap();
    for statement in before {
        execute(db, statement);
    }
    execute(db, purge)
}

#[test]
fn the_cutoff_is_the_retention_before_now() {
    // 2026-12-03T00:00:00.000Z
    let now = 1_796_256_000_000;

    assert_eq!(cutoff(now, 90), "2026-09-04T00:00:00.000Z");
    assert_eq!(cutoff(now, 1), "2026-12-02T00:00:00.000Z");
}

#[test]
fn tombstones_past_the_cutoff_go_and_the_horizon_moves_past_the_highest() {
    let db = database();
    tombstones(
        &db,
        &[
            (3, "2026-08-01T00:00:00.000Z"),
            (5, "2026-09-01T00:00:00.000Z"),
            (9, "2026-11-30T00:00:00.000Z"),
        ],
    );

    assert_eq!(purge_now(&db, "2026-09-04T00:00:00.000Z"), 2);

    assert_eq!(state(&db), (5, vec![9]));
}

#[test]
fn a_purge_with_nothing_to_purge_never_lowers_the_horizon() {
    let db = database();
    db.execute_batch("UPDATE change_feed SET horizon = 12")
        .unwrap();
    tombstones(&db, &[(20, "2026-11-30T00:00:00.000Z")]);

    assert_eq!(purge_now(&db, "2026-09-04T00:00:00.000Z"), 0);

    assert_eq!(state(&db), (12, vec![20]));
}
