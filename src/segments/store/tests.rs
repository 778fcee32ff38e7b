use rusqlite::Connection;

use super::*;
use crate::http::conditional::WriteConditions;
use crate::idempotency::key::IdempotencyKey;
use crate::segments::model::SegmentPayload;
use crate::testing::new_segment;
use crate::testing::sqlite::{column, database, execute};
use crate::validation::input::parse_json;

fn patch(body: &str) -> SegmentPatch {
    parse_json::<SegmentPayload>(body.as_bytes())
        .unwrap()
        .into_patch()
        .unwrap()
}

fn id(raw: &str) -> SegmentId {
    SegmentId::parse(raw).unwrap()
}

fn if_match(raw: &str) -> WriteConditions {
    WriteConditions::parse(1, Some(raw), None).unwrap()
}

/// A database holding segment 1, at version 1.
fn one_segment() -> Connection {
    let db = database();
    execute(&db, &insert_statement(&[new_segment("Av. Colón")], None));
    db
}

fn version_of(db: &Connection) -> Vec<i64> {
    column(
        db,
        &Statement::new(SELECT_VERSION, vec![Param::Integer(1)]),
        "version",
    )
}

#[test]
fn an_update_sets_only_the_sent_columns_updated_at_the_version_and_the_sequence() {
    let patch = patch(r#"{"latitud": 5, "descripcion": null}"#);

    let statement = update_statement(id("7"), &patch, &WriteConditions::default()).unwrap();

    assert_eq!(
        statement.text,
        format!(
            "UPDATE segmentos SET descripcion = ?1, latitud = ?2, \
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), version = version + 1, \
             seq = (SELECT max(horizon, coalesce((SELECT max(seq) FROM segmentos), 0), \
             coalesce((SELECT max(seq) FROM segment_tombstones), 0)) + 1 FROM change_feed) \
             WHERE id_segmento = ?3 RETURNING {}",
            *COLUMNS
        )
    );
    assert_eq!(
        statement.params,
        [Param::Text(None), Param::Real(5.0), Param::Integer(7)]
    );
}

#[test]
fn an_update_checks_if_match_in_its_own_where_clause() {
    let patch = patch(r#"{"nombre": "b"}"#);

    let statement = update_statement(id("1"), &patch, &if_match(r#""1.2", "1.3""#)).unwrap();

    assert!(statement
        .text
        .contains("WHERE id_segmento = ?2 AND version IN (SELECT value FROM json_each(?3))"));
    assert_eq!(statement.params[2], Param::OwnedText("[2,3]".into()));
}

#[test]
fn an_update_with_the_current_version_writes_and_bumps_it() {
    let db = one_segment();
    let patch = patch(r#"{"nombre": "b"}"#);

    let written = execute(
        &db,
        &update_statement(id("1"), &patch, &if_match("\"1.1\"")).unwrap(),
    );

    assert_eq!(written, 1);
    assert_eq!(version_of(&db), [2]);
}

#[test]
fn an_update_with_a_stale_version_writes_nothing() {
    let db = one_segment();
    let patch = patch(r#"{"nombre": "b"}"#);
    execute(
        &db,
        &update_statement(id("1"), &patch, &if_match("\"1.1\"")).unwrap(),
    );

    let stale = update_statement(id("1"), &patch, &if_match("\"1.1\"")).unwrap();

    assert_eq!(execute(&db, &stale), 0);
    assert_eq!(version_of(&db), [2]);
}

#[test]
fn if_none_match_star_refuses_every_write_to_an_existing_segment() {
    let db = one_segment();
    let conditions = WriteConditions::parse(1, None, Some("*")).unwrap();
    let mut delete = Statement::default();
    let id_param = delete.bind(Param::Integer(1));
    let condition = conditions_sql(&mut delete, &conditions);
    delete.text = format!("DELETE FROM segmentos WHERE id_segmento = {id_param}{condition}");

    assert_eq!(execute(&db, &delete), 0);
    assert_eq!(version_of(&db), [1]);
}

#[test]
fn hostile_text_only_ever_travels_as_a_parameter() {
    let patch = patch(r#"{"nombre": "x'; DROP TABLE segmentos; --"}"#);

    let statement = update_statement(id("1"), &patch, &WriteConditions::default()).unwrap();

    assert!(!statement.text.contains("DROP"));
    assert_eq!(
        statement.params[0],
        Param::Text(Some("x'; DROP TABLE segmentos; --"))
    );
}

#[test]
fn an_empty_patch_builds_no_update() {
    assert!(update_statement(id("1"), &patch("{}"), &WriteConditions::default()).is_none());
}

#[test]
fn inserts_stay_within_d1s_100_parameters_and_keep_the_input_order() {
    let db = database();
    let segments: Vec<NewSegment> = (0..45).map(|n| new_segment(&format!("s{n}"))).collect();
    let statements: Vec<Statement> = segments
        .chunks(*ROWS_PER_INSERT)
        .map(|chunk| insert_statement(chunk, None))
        .collect();

    let names: Vec<String> = statements
        .iter()
        .flat_map(|statement| column::<String>(&db, statement, "nombre"))
        .collect();

    assert_eq!(statements.len(), 3);
    assert!(statements
        .iter()
        .all(|s| s.params.len() <= 100 - Fence::PARAMS));
    assert_eq!(names, (0..45).map(|n| format!("s{n}")).collect::<Vec<_>>());
}

#[test]
fn a_fenced_insert_writes_only_while_the_key_is_held_and_records_its_ids() {
    let db = one_segment();
    let key = IdempotencyKey::parse("k").unwrap();
    db.execute(
        "INSERT INTO idempotency_keys (idempotency_key, fingerprint, token, claimed_at, \
         expires_at) VALUES ('k', ?1, 'mine', 1, 2)",
        ["f".repeat(64)],
    )
    .unwrap();
    let segments = [new_segment("a"), new_segment("b")];
    let mine = Fence::new(&key, "mine");
    let theirs = Fence::new(&key, "theirs");

    let fenced_off = execute(&db, &insert_statement(&segments, Some(&theirs)));
    let written = execute(&db, &insert_statement(&segments, Some(&mine)));
    execute(&db, &mine.record_created(segments.len()));
    let repeated = execute(&db, &insert_statement(&segments, Some(&mine)));

    assert_eq!((fenced_off, written, repeated), (0, 2, 0));
    let recorded: Vec<String> = column(
        &db,
        &Statement::new("SELECT created_ids FROM idempotency_keys", vec![]),
        "created_ids",
    );
    let mut ids: Vec<i64> = serde_json::from_str(&recorded[0]).unwrap();
    ids.sort_unstable();
    assert_eq!(ids, [2, 3]);
}

#[test]
fn every_statement_uses_numbered_placeholders_only() {
    let patch = patch(r#"{"nombre": "b"}"#);
    let key = IdempotencyKey::parse("k").unwrap();
    let fence = Fence::new(&key, "t");
    let segments = [new_segment("a")];
    let built = [
        insert_statement(&segments, Some(&fence)).text,
        update_statement(id("1"), &patch, &if_match("\"1.1\""))
            .unwrap()
            .text,
        fence.record_created(1).text,
    ];
    for sql in [SELECT_ONE.as_str(), SELECT_MANY.as_str(), SELECT_VERSION]
        .into_iter()
        .chain(built.iter().map(String::as_str))
    {
        let bare = sql
            .match_indices('?')
            .any(|(at, _)| !sql[at + 1..].starts_with(|c: char| c.is_ascii_digit()));
        assert!(!bare, "{sql}");
    }
}

/// `(id_segmento, seq)` of every segment.
type Numbered = Vec<(i64, i64)>;
/// `(seq, id_segmento, version)` of every tombstone.
type Tombstones = Vec<(i64, i64, i64)>;

fn sequence(db: &Connection) -> (Numbered, Tombstones) {
    let read = |sql: &str| {
        let mut prepared = db.prepare(sql).unwrap();
        let rows: Vec<Vec<i64>> = prepared
            .query_map([], |row| {
                (0..row.as_ref().column_count())
                    .map(|i| row.get(i))
                    .collect()
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows
    };
    let segments = read("SELECT id_segmento, seq FROM segmentos ORDER BY id_segmento");
    let tombstones = read("SELECT seq, id_segmento, version FROM segment_tombstones ORDER BY seq");
    (
        segments.iter().map(|row| (row[0], row[1])).collect(),
        tombstones
            .iter()
            .map(|row| (row[0], row[1], row[2]))
            .collect(),
    )
}

fn delete_now(db: &Connection, id: SegmentId, conditions: &WriteConditions) -> usize {
    let [tombstone, delete, fold] = delete_statements(id, conditions);
    execute(db, &tombstone);
    let deleted = execute(db, &delete);
    execute(db, &fold);
    deleted
}

#[test]
fn each_inserted_row_takes_the_next_number_of_the_sequence() {
    let db = database();

    execute(
        &db,
        &insert_statement(
            &[new_segment("a"), new_segment("b"), new_segment("c")],
            None,
        ),
    );
    execute(&db, &insert_statement(&[new_segment("d")], None));

    let (segments, _) = sequence(&db);
    let mut numbers: Vec<i64> = segments[..3].iter().map(|(_, seq)| *seq).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(segments[3], (4, 4));
}

#[test]
fn an_update_moves_the_segment_to_the_next_number_and_a_refused_one_does_not() {
    let db = database();
    execute(
        &db,
        &insert_statement(&[new_segment("a"), new_segment("b")], None),
    );

    execute(
        &db,
        &update_statement(id("1"), &patch(r#"{"nombre": "x"}"#), &if_match("\"1.1\"")).unwrap(),
    );
    execute(
        &db,
        &update_statement(id("1"), &patch(r#"{"nombre": "y"}"#), &if_match("\"1.1\"")).unwrap(),
    );

    assert_eq!(sequence(&db).0, [(1, 3), (2, 2)]);
}

#[test]
fn a_delete_leaves_a_tombstone_at_the_next_number_only_when_it_deletes() {
    let db = database();
    execute(
        &db,
        &insert_statement(&[new_segment("a"), new_segment("b")], None),
    );

    assert_eq!(delete_now(&db, id("1"), &if_match("\"1.7\"")), 0);
    assert_eq!(sequence(&db).1, []);
    assert_eq!(delete_now(&db, id("1"), &if_match("\"1.1\"")), 1);
    assert_eq!(delete_now(&db, id("1"), &WriteConditions::default()), 0);

    assert_eq!(sequence(&db), (vec![(2, 2)], vec![(3, 1, 1)]));
}

#[test]
fn no_number_is_given_twice_even_once_the_highest_ones_are_gone() {
    let db = database();
    execute(&db, &insert_statement(&[new_segment("a")], None));
    delete_now(&db, id("1"), &WriteConditions::default());
    // The purge removed the tombstone (seq 2) and raised the horizon past it.
    db.execute_batch("DELETE FROM segment_tombstones; UPDATE change_feed SET horizon = 2")
        .unwrap();

    execute(&db, &insert_statement(&[new_segment("b")], None));

    assert_eq!(sequence(&db).0, [(2, 3)]);
}

#[test]
fn a_settled_write_gives_its_value_names_a_refusal_s_version_and_answers_a_missing_segment_as_told()
{
    let etag = |version: i64| format!("\"v{version}\"");
    let gone = || ApiError::SegmentNotFound(7);
    assert_eq!(
        ConditionalWrite::Done(3).settled(gone(), etag).ok(),
        Some(3)
    );
    let refused = ConditionalWrite::<()>::Refused { version: 4 };
    match refused.settled(gone(), etag) {
        Err(ApiError::PreconditionFailed { etag }) => assert_eq!(etag.as_deref(), Some("\"v4\"")),
        other => panic!("a refusal is a 412 naming the current version: {other:?}"),
    }
    let missing = ApiError::PreconditionFailed { etag: None };
    match ConditionalWrite::<()>::Missing.settled(missing, etag) {
        Err(ApiError::PreconditionFailed { etag: None }) => {}
        other => panic!("a missing segment answers what the caller said: {other:?}"),
    }
}
