use proptest::prelude::*;
use rusqlite::Connection;

use super::*;
use crate::changes::purge;
use crate::http::conditional::WriteConditions;
use crate::segments::model::SegmentId;
use crate::segments::store::{delete_statements, insert_statement};
use crate::testing::arbitrary::config;
use crate::testing::new_segment;
use crate::testing::sqlite::{database, database_before, execute, migrate_from, plan};

/// How a write reaches the table: through this version (which folds) or the previous
/// one (which does not know the count), as during a gradual deploy.
#[derive(Debug, Clone, Copy)]
enum Version {
    Current,
    Previous,
}

fn insert(db: &Connection, count: usize, version: Version) {
    let segments: Vec<_> = (0..count)
        .map(|i| new_segment(&format!("Ruta {i}")))
        .collect();
    execute(db, &insert_statement(&segments, None));
    if let Version::Current = version {
        execute(db, &fold());
    }
}

fn delete(db: &Connection, id: i64, version: Version) {
    let id = SegmentId::parse(&id.to_string()).unwrap();
    let [tombstone, delete, fold] = delete_statements(id, &WriteConditions::default());
    execute(db, &tombstone);
    execute(db, &delete);
    if let Version::Current = version {
        execute(db, &fold);
    }
}

fn total(db: &Connection) -> i64 {
    db.query_row(TOTAL, [], |row| row.get(0)).unwrap()
}

fn counted(db: &Connection) -> i64 {
    db.query_row("SELECT count(*) FROM segmentos", [], |row| row.get(0))
        .unwrap()
}

/// What the row holds, without what is pending.
fn folded(db: &Connection) -> i64 {
    db.query_row("SELECT counted FROM segment_count", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn an_empty_table_counts_zero() {
    assert_eq!(total(&database()), 0);
}

#[test]
fn inserts_and_deletes_of_this_version_keep_the_row_itself_exact() {
    let db = database();
    insert(&db, 5, Version::Current);
    delete(&db, 2, Version::Current);
    insert(&db, 3, Version::Current);
    delete(&db, 8, Version::Current);

    assert_eq!((total(&db), folded(&db), counted(&db)), (6, 6, 6));
}

#[test]
fn writes_of_the_previous_version_are_counted_until_the_next_fold_takes_them_in() {
    let db = database();
    insert(&db, 4, Version::Current);
    insert(&db, 3, Version::Previous);
    delete(&db, 1, Version::Previous);
    delete(&db, 6, Version::Previous);

    assert_eq!((total(&db), folded(&db)), (5, 4));

    insert(&db, 1, Version::Current);
    assert_eq!((total(&db), folded(&db), counted(&db)), (6, 6, 6));
}

#[test]
fn a_segment_inserted_and_deleted_since_the_last_fold_is_not_subtracted_twice() {
    let db = database();
    insert(&db, 2, Version::Current);
    insert(&db, 1, Version::Previous);
    delete(&db, 3, Version::Previous);

    assert_eq!(total(&db), 2);
    delete(&db, 1, Version::Current);
    assert_eq!((total(&db), folded(&db)), (1, 1));
}

#[test]
fn the_migration_counts_a_table_that_already_holds_segments_and_tombstones() {
    let db = database_before("0007");
    // The version before 0007 writes as the previous one does: it has no count to fold into.
    insert(&db, 6, Version::Previous);
    delete(&db, 2, Version::Previous);
    delete(&db, 6, Version::Previous);

    migrate_from(&db, "0007");

    assert_eq!((total(&db), folded(&db), counted(&db)), (4, 4, 4));
    insert(&db, 1, Version::Current);
    delete(&db, 3, Version::Current);
    assert_eq!((total(&db), counted(&db)), (4, 4));
}

#[test]
fn the_purge_folds_the_tombstones_it_is_about_to_remove() {
    let db = database();
    insert(&db, 3, Version::Current);
    delete(&db, 2, Version::Previous);
    db.execute_batch("UPDATE segment_tombstones SET deleted_at = '2026-01-01T00:00:00.000Z'")
        .unwrap();

    for statement in purge::statements("2026-06-01T00:00:00.000Z") {
        execute(&db, &statement);
    }

    let tombstones: i64 = db
        .query_row("SELECT count(*) FROM segment_tombstones", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!((tombstones, total(&db), counted(&db)), (0, 2, 2));
}

#[test]
fn the_total_and_the_fold_read_primary_key_ranges_and_scan_only_the_one_row() {
    let db = database();
    for statement in [Statement::new(TOTAL, Vec::new()), fold()] {
        let steps = plan(&db, &statement);
        let has = |wanted: &str| steps.iter().any(|step| step == wanted);

        assert!(
            has("SEARCH segmentos USING INTEGER PRIMARY KEY (rowid>?)"),
            "{steps:?}"
        );
        assert!(
            has("SEARCH segment_tombstones USING INTEGER PRIMARY KEY (rowid>?)"),
            "{steps:?}"
        );
        let scans: Vec<_> = steps
            .iter()
            .filter(|step| step.starts_with("SCAN"))
            .collect();
        assert!(
            scans.iter().all(|step| *step == "SCAN segment_count"),
            "{steps:?}"
        );
    }
}

#[derive(Debug, Clone)]
enum Write {
    Insert(usize, Version),
    /// The segment at this position among those that exist, if any.
    Delete(usize, Version),
    Purge,
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![Just(Version::Current), Just(Version::Previous)]
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        4 => (1..4usize, version()).prop_map(|(n, v)| Write::Insert(n, v)),
        4 => (0..16usize, version()).prop_map(|(at, v)| Write::Delete(at, v)),
        1 => Just(Write::Purge),
    ]
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn the_total_equals_a_count_of_the_table_whichever_version_wrote(
        writes in proptest::collection::vec(write(), 1..24)
    ) {
        let db = database();
        for write in writes {
            match write {
                Write::Insert(count, version) => insert(&db, count, version),
                Write::Delete(at, version) => {
                    let id = db.query_row(
                        "SELECT id_segmento FROM segmentos ORDER BY id_segmento LIMIT 1 OFFSET ?1",
                        [at as i64],
                        |row| row.get(0),
                    );
                    if let Ok(id) = id {
                        delete(&db, id, version);
                    }
                }
                Write::Purge => {
                    // Every tombstone is past the retention: the purge takes them all.
                    for statement in purge::statements("9999-01-01T00:00:00.000Z") {
                        execute(&db, &statement);
                    }
                }
            }
            prop_assert_eq!(total(&db), counted(&db));
        }
    }
}
