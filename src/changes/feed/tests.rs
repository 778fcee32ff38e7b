use rusqlite::Connection;
use serde_json::json;

use super::*;
use crate::db::rows_of;
use crate::http::conditional::WriteConditions;
use crate::segments::model::{SegmentId, SegmentPayload};
use crate::segments::store::{delete_statements, insert_statement, update_statement};
use crate::testing::sqlite::{database, execute, plan, rows_json};
use crate::validation::input::parse_json;

fn pairs<'a>(
    query: &'a [(&'a str, &'a str)],
) -> impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)> {
    query
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), Cow::Borrowed(*value)))
}

fn create(db: &Connection, names: &[&str]) {
    let segments: Vec<_> = names
        .iter()
        .map(|nombre| {
            let body = format!(r#"{{"nombre": "{nombre}", "longitud": 1, "latitud": 2}}"#);
            parse_json::<SegmentPayload>(body.as_bytes())
                .unwrap()
                .into_new()
                .unwrap()
        })
        .collect();
    execute(db, &insert_statement(&segments, None));
}

fn rename(db: &Connection, id: i64, nombre: &str) {
    let body = format!(r#"{{"nombre": "{nombre}"}}"#);
    let patch = parse_json::<SegmentPayload>(body.as_bytes())
        .unwrap()
        .into_patch()
        .unwrap();
    let id = SegmentId::parse(&id.to_string()).unwrap();
    execute(
        db,
        &update_statement(id, &patch, &WriteConditions::default()).unwrap(),
    );
}

fn delete(db: &Connection, id: i64) {
    let id = SegmentId::parse(&id.to_string()).unwrap();
    for statement in delete_statements(id, &WriteConditions::default()) {
        execute(db, &statement);
    }
}

/// The page after `since` (a token, or none), as the handler builds it.
fn page(db: &Connection, since: Option<&str>, limit: i64) -> FeedPage {
    let limit = limit.to_string();
    let mut query = vec![("limit", limit.as_str())];
    query.extend(since.map(|token| ("since", token)));
    let query = FeedQuery::parse(pairs(&query)).unwrap();
    let [state, live, tombstones] = query.statements();
    let state: FeedState = rows_of::<FeedState>(&rows_json(db, &state))
        .unwrap()
        .remove(0);
    let after = match &query.since {
        Some(token) => token.verify(&state.token_key).unwrap(),
        None => 0,
    };
    FeedPage::merge(
        rows_of(&rows_json(db, &live)).unwrap(),
        rows_of(&rows_json(db, &tombstones)).unwrap(),
        query.limit,
        after,
        &state.token_key,
    )
}

/// `(op, seq, id)` of each change.
fn summary(page: &FeedPage) -> Vec<(&'static str, i64, i64)> {
    page.changes
        .iter()
        .map(|change| match change {
            Change::Upsert { seq, segmento } => ("upsert", *seq, segmento.id_segmento),
            Change::Delete {
                seq, id_segmento, ..
            } => ("delete", *seq, *id_segmento),
        })
        .collect()
}

#[test]
fn an_empty_feed_has_no_changes_and_a_token_at_its_start() {
    let db = database();

    let first = page(&db, None, 10);
    let again = page(&db, Some(&first.next), 10);

    assert_eq!((first.changes.len(), first.more), (0, false));
    assert_eq!(again.next, first.next);
}

#[test]
fn creates_updates_and_deletes_come_in_commit_order_each_segment_once_at_its_latest() {
    let db = database();
    create(&db, &["a", "b", "c"]);
    rename(&db, 1, "a2");
    delete(&db, 2);

    let page = page(&db, None, 10);

    assert_eq!(
        summary(&page),
        [("upsert", 3, 3), ("upsert", 4, 1), ("delete", 5, 2)]
    );
    let Change::Upsert { segmento, .. } = &page.changes[1] else {
        panic!()
    };
    assert_eq!((segmento.nombre.as_str(), segmento.version), ("a2", 2));
    assert_eq!(
        serde_json::to_value(&page.changes[2]).unwrap(),
        json!({"op": "delete", "seq": 5, "id_segmento": 2, "version": 1})
    );
}

#[test]
fn pages_of_a_small_limit_walk_the_whole_feed_and_say_when_more_follow() {
    let db = database();
    create(&db, &["a", "b", "c", "d"]);
    delete(&db, 1);
    delete(&db, 3);

    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = page(&db, token.as_deref(), 2);
        seen.extend(summary(&page));
        token = Some(page.next);
        if !page.more {
            break;
        }
    }

    assert_eq!(
        seen,
        [
            ("upsert", 2, 2),
            ("upsert", 4, 4),
            ("delete", 5, 1),
            ("delete", 6, 3)
        ]
    );
}

#[test]
fn a_write_after_a_page_comes_after_its_token() {
    let db = database();
    create(&db, &["a", "b"]);
    let first = page(&db, None, 10);

    rename(&db, 1, "a2");
    create(&db, &["c"]);

    assert_eq!(
        summary(&page(&db, Some(&first.next), 10)),
        [("upsert", 3, 1), ("upsert", 4, 3)]
    );
}

#[test]
fn each_read_of_a_page_goes_through_its_index() {
    let db = database();
    let query = FeedQuery::parse(pairs(&[])).unwrap();
    let [_, live, tombstones] = query.statements();

    for (statement, index) in [
        (live, "segmentos_by_seq"),
        (tombstones, "INTEGER PRIMARY KEY"),
    ] {
        let plan = plan(&db, &statement).join("; ");
        assert!(plan.contains(index), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
}

#[test]
fn the_query_takes_a_limit_of_1_to_1000_and_reports_a_bad_token_with_it() {
    assert_eq!(FeedQuery::parse(pairs(&[])).unwrap().limit, DEFAULT_LIMIT);
    assert_eq!(
        FeedQuery::parse(pairs(&[("limit", "1000"), ("other", "x")]))
            .unwrap()
            .limit,
        1000
    );

    let problems = FeedQuery::parse(pairs(&[("since", "junk!"), ("limit", "0")])).unwrap_err();

    let locs: Vec<_> = problems
        .iter()
        .map(|problem| serde_json::to_value(problem).unwrap()["loc"].clone())
        .collect();
    assert_eq!(locs, [json!(["query", "since"]), json!(["query", "limit"])]);
    assert!(FeedQuery::parse(pairs(&[("limit", "1001")])).is_err());
}

#[test]
fn a_position_below_the_horizon_may_have_missed_a_delete() {
    let state = FeedState {
        horizon: 7,
        token_key: String::new(),
    };

    assert!(state.has_forgotten(6));
    assert!(!state.has_forgotten(7));
}
