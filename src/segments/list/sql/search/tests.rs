use std::borrow::Cow;

use proptest::prelude::*;
use rusqlite::Connection;

use super::super::*;
use crate::http::conditional::WriteConditions;
use crate::segments::list::params::ListParams;
use crate::segments::model::{SegmentId, SegmentPayload};
use crate::segments::store::{delete_statements, insert_statement, update_statement};
use crate::segments::text;
use crate::testing::arbitrary::config;
use crate::testing::sqlite::{
    column, database, database_before, execute, migrate_from, plan_tree, values,
};
use crate::validation::input::parse_json;

/// How a write reaches the table: through this version (which folds it into the text
/// index) or the previous one (which does not know the index), as during a gradual deploy.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Version {
    Current,
    Previous,
}

fn fold(db: &Connection, version: Version) {
    if version == Version::Current {
        for statement in text::fold() {
            execute(db, &statement);
        }
    }
}

fn body(nombre: &str, descripcion: &str) -> SegmentPayload {
    let body = serde_json::json!({
        "nombre": nombre, "descripcion": descripcion, "longitud": -64.18, "latitud": -31.41,
    });
    parse_json::<SegmentPayload>(body.to_string().as_bytes()).unwrap()
}

fn insert(db: &Connection, texts: &[(String, String)], version: Version) {
    let segments: Vec<_> = texts
        .iter()
        .map(|(nombre, descripcion)| body(nombre, descripcion).into_new().unwrap())
        .collect();
    execute(db, &insert_statement(&segments, None));
    fold(db, version);
}

fn update(db: &Connection, id: i64, descripcion: &str, version: Version) {
    let patch = body("x", descripcion).into_patch().unwrap();
    let id = SegmentId::parse(&id.to_string()).unwrap();
    if let Some(statement) = update_statement(id, &patch, &WriteConditions::default()) {
        execute(db, &statement);
    }
    fold(db, version);
}

fn delete(db: &Connection, id: i64, version: Version) {
    let id = SegmentId::parse(&id.to_string()).unwrap();
    for statement in delete_statements(id, &WriteConditions::default()) {
        execute(db, &statement);
    }
    fold(db, version);
}

const BACKFILL: &str = include_str!("../../../../../scripts/backfill/0009_text_search.sql");

/// One step of the backfill, of `rows` segments: whether it is done.
fn backfill_step(db: &Connection, rows: usize) -> bool {
    let step = BACKFILL.replace("LIMIT 20000", &format!("LIMIT {rows}"));
    db.execute_batch(&step).unwrap();
    let (done, started): (i64, i64) = db
        .query_row(
            "SELECT backfilled_seq, started_seq FROM segment_text_state",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    done == started
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

fn ids(db: &Connection, statement: &Statement<'_>) -> Vec<i64> {
    column(db, statement, "id_segmento")
}

fn counted(db: &Connection, statement: &Statement<'_>) -> i64 {
    db.query_row(
        &statement.text,
        rusqlite::params_from_iter(values(&statement.params)),
        |row| row.get(0),
    )
    .unwrap()
}

/// The page as `q` read it before the index: `instr` on every row of the table.
fn read_whole_table(query: &ListQuery) -> Statement<'_> {
    let mut statement = Statement::default();
    let mut conditions = conditions(&mut statement, &query.filter);
    if let Some(text) = &query.filter.search {
        conditions.push(Search::bind(&mut statement, text).in_table());
    }
    let window = Window {
        limit: statement.bind(Param::Integer(query.page.limit() + 1)),
        offset: statement.bind(Param::Integer(query.page.skip())),
        need: 0,
    };
    let rows =
        in_table(&COLUMNS, &conditions).replace("FROM segmentos", "FROM segmentos NOT INDEXED");
    statement.text = page_of(&rows, &[], &order_by(&query.sort), &window, None);
    statement
}

fn searched(db: &Connection, text: &str) -> Vec<i64> {
    let query = query(&[("q", text), ("sort", "id_segmento")]);
    ids(db, &page_statement(&query))
}

fn texts(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn case_and_diacritics_fold_in_the_index_both_ways() {
    let db = database();
    insert(
        &db,
        &texts(&[
            ("Señalización", "Ruta 9"),
            ("CÓRDOBA", "bache"),
            ("Calle 9", "Socavón"),
        ]),
        Version::Current,
    );

    assert_eq!(searched(&db, "senalizacion"), [1]);
    assert_eq!(searched(&db, "SEÑAL"), [1]);
    assert_eq!(searched(&db, "córdoba"), [2]);
    assert_eq!(searched(&db, "cordob"), [2]);
    assert_eq!(searched(&db, "SOCAVON"), [3]);
}

#[test]
fn quotes_and_wildcards_are_searched_as_written() {
    let db = database();
    insert(
        &db,
        &texts(&[
            ("Calle \"La 20\"", "100% bache"),
            ("Calle La 20", "1000 baches"),
        ]),
        Version::Current,
    );

    assert_eq!(searched(&db, "\"la 20\""), [1]);
    assert_eq!(searched(&db, "0% b"), [1]);
    assert_eq!(searched(&db, "la 2"), [1, 2]);
}

#[test]
fn a_text_of_one_or_two_characters_is_searched_in_the_table_with_ascii_case_folded() {
    let db = database();
    let names = [("Ñandú", "x"), ("ñandu", "y"), ("NANDU", "z")];
    insert(&db, &texts(&names), Version::Current);

    assert_eq!(searched(&db, "n"), [1, 2, 3]);
    // The index would fold Ñ to n; the table folds ASCII only.
    assert_eq!(searched(&db, "ñ"), [2]);
    assert_eq!(searched(&db, "Ña"), [1]);
}

#[test]
fn alone_a_search_newest_first_reads_the_index_in_its_rowid_order() {
    let db = database();
    let query = query(&[("q", "bache")]);
    let tree = plan_tree(&db, &page_statement(&query));

    let index = tree
        .iter()
        .find(|(_, _, step)| step.starts_with("SCAN segment_text VIRTUAL TABLE"))
        .unwrap();
    let sorted_with_it = tree.iter().any(|(_, parent, step)| {
        *parent == index.1 && step.starts_with("USE TEMP B-TREE FOR ORDER BY")
    });
    assert!(!sorted_with_it, "{tree:?}");
    // The segments not indexed yet: two ranges of the sequence's index, never the table.
    let seq_ranges = tree.iter().filter(|(_, _, step)| {
        step.starts_with("SEARCH segmentos USING COVERING INDEX segmentos_by_seq (seq>? AND seq<?)")
            || step.starts_with("SEARCH segmentos USING COVERING INDEX segmentos_by_seq (seq>?)")
    });
    assert_eq!(seq_ranges.count(), 2, "{tree:?}");
    assert!(
        tree.iter()
            .any(|(_, _, step)| step.contains("segmentos_by_seq (seq=?)")),
        "{tree:?}"
    );
    assert!(
        !tree
            .iter()
            .any(|(_, _, step)| step.starts_with("SCAN segmentos")),
        "{tree:?}"
    );
}

#[test]
fn the_segments_there_before_the_migration_are_found_before_and_after_the_backfill() {
    let db = database_before("0009");
    insert(
        &db,
        &texts(&[("Av. Colón", "bache"), ("Bv. Illia", "fisura")]),
        Version::Previous,
    );
    migrate_from(&db, "0009");
    insert(&db, &texts(&[("Av. Colón 2", "bache")]), Version::Current);

    assert_eq!(searched(&db, "colón"), [1, 3]);
    assert!(!backfill_step(&db, 1));
    assert_eq!(searched(&db, "colón"), [1, 3]);
    assert!(backfill_step(&db, 1));
    assert!(backfill_step(&db, 1));
    assert_eq!(searched(&db, "colón"), [1, 3]);
    let pending = Statement::new(
        format!("SELECT id_segmento FROM segmentos WHERE {}", text::PENDING),
        Vec::new(),
    );
    assert!(ids(&db, &pending).is_empty());
}

/// A write of a random sequence, with ASCII texts (where `instr` and the index agree).
#[derive(Debug, Clone)]
enum Write {
    Insert(Vec<(String, String)>, Version),
    Update(i64, String, Version),
    Delete(i64, Version),
    Backfill(usize),
}

fn word() -> impl Strategy<Value = String> {
    "[abc ]{0,6}"
}

fn name() -> impl Strategy<Value = String> {
    "[abc][abc ]{0,5}"
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![3 => Just(Version::Current), 1 => Just(Version::Previous)]
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        3 => (prop::collection::vec((name(), word()), 1..4), version()).prop_map(|(t, v)| Write::Insert(t, v)),
        2 => (1..20i64, word(), version()).prop_map(|(id, t, v)| Write::Update(id, t, v)),
        1 => (1..20i64, version()).prop_map(|(id, v)| Write::Delete(id, v)),
        1 => (1..4usize).prop_map(Write::Backfill),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// Whoever wrote what, and however far the backfill got, a search finds what `instr`
    /// finds in the whole table: the page, the next one, and the count.
    #[test]
    fn a_search_finds_what_a_read_of_the_whole_table_finds(
        before in prop::collection::vec((name(), word()), 0..8),
        writes in prop::collection::vec(write(), 0..14),
        needle in "[abc ]{1,4}",
        sort in prop::sample::select(vec!["-id_segmento", "id_segmento", "nombre", "-updated_at"]),
        limit in 1..6i64,
        skip in 0..3i64,
    ) {
        let db = database_before("0009");
        if !before.is_empty() {
            insert(&db, &before, Version::Previous);
        }
        migrate_from(&db, "0009");
        for write in writes {
            match write {
                Write::Insert(texts, version) => insert(&db, &texts, version),
                Write::Update(id, text, version) => update(&db, id, &text, version),
                Write::Delete(id, version) => delete(&db, id, version),
                Write::Backfill(rows) => {
                    backfill_step(&db, rows);
                }
            }
        }
        let limit = limit.to_string();
        let skip = skip.to_string();
        let query = query(&[("q", &needle), ("sort", sort), ("limit", &limit), ("skip", &skip)]);

        prop_assert_eq!(ids(&db, &page_statement(&query)), ids(&db, &read_whole_table(&query)));
        let mut all = query.clone();
        all.page = crate::segments::list::page::Page::first(10_000);
        prop_assert_eq!(
            counted(&db, &count_statement(&query.filter)) as usize,
            ids(&db, &read_whole_table(&all)).len()
        );
    }
}
