use rusqlite::params_from_iter;
use rusqlite::types::Value as Sql;
use serde_json::{json, Map, Value};

use super::*;
use crate::segments::model::{ColumnValue, NewSegment, Segment, SegmentPayload};
use crate::testing::sqlite::database;
use crate::validation::input::parse_json;

/// A value every rule of `field` accepts.
fn valid(field: &FieldRule) -> Value {
    match field.kind {
        Kind::Text { .. } => json!("Ruta 9"),
        Kind::Number { min, max } => json!((min + max) / 2.0),
        Kind::Integer | Kind::Instant => unreachable!("{} is the server's", field.name),
    }
}

/// Values at the edges of `field`'s rules, each with the code of the `422` problem it
/// must be refused with, or `None` when it must be accepted.
fn edges(field: &FieldRule) -> Vec<(Value, Option<&'static str>)> {
    let mut edges = match field.kind {
        Kind::Text {
            max_chars,
            not_blank,
        } => {
            let longest = usize::try_from(max_chars).unwrap();
            vec![
                // Characters, not bytes: the longest text in two-byte characters.
                (json!("é".repeat(longest)), None),
                (json!("a".repeat(longest + 1)), Some("string_too_long")),
                (json!(" "), not_blank.then_some("string_blank")),
            ]
        }
        Kind::Number { min, max } => vec![
            (json!(min), None),
            (json!(max), None),
            (json!(min.next_down()), Some("greater_than_equal")),
            (json!(max.next_up()), Some("less_than_equal")),
        ],
        Kind::Integer | Kind::Instant => unreachable!("{} is the server's", field.name),
    };
    let null = match (field.presence, field.kind) {
        (Presence::Optional, _) => None,
        (_, Kind::Number { .. }) => Some("float_type"),
        _ => Some("string_type"),
    };
    edges.push((Value::Null, null));
    edges
}

/// A create's body: every client field valid, but `field` set to `value`.
fn body_with(field: &FieldRule, value: &Value) -> Map<String, Value> {
    let mut body: Map<String, Value> = client_fields()
        .map(|other| (other.name.to_owned(), valid(other)))
        .collect();
    body.insert(field.name.to_owned(), value.clone());
    body
}

fn created(body: &Map<String, Value>) -> Result<NewSegment, Vec<&'static str>> {
    let text = Value::Object(body.clone()).to_string();
    parse_json::<SegmentPayload>(text.as_bytes())
        .unwrap()
        .into_new()
        .map_err(|errors| errors.iter().map(|error| error.kind().code()).collect())
}

/// Whether the migrated schema stores a row with these client values.
fn stored(db: &rusqlite::Connection, body: &Map<String, Value>) -> bool {
    let placeholders: Vec<String> = (1..=body.len()).map(|n| format!("?{n}")).collect();
    let sql = format!(
        "INSERT INTO segmentos ({}) VALUES ({})",
        *CLIENT_COLUMNS,
        placeholders.join(", ")
    );
    let values = client_fields().map(|field| match &body[field.name] {
        Value::Null => Sql::Null,
        Value::String(text) => Sql::Text(text.clone()),
        Value::Number(number) => Sql::Real(number.as_f64().unwrap()),
        other => panic!("no column takes {other}"),
    });
    db.execute(&sql, params_from_iter(values)).is_ok()
}

#[test]
fn the_migrations_check_every_bound_of_the_table_at_its_edges() {
    let db = database();
    for field in client_fields() {
        for (value, refused) in edges(field) {
            let accepted = stored(&db, &body_with(field, &value));

            assert_eq!(accepted, refused.is_none(), "{} = {value}", field.name);
        }
    }
}

#[test]
fn validation_enforces_every_bound_of_the_table_at_its_edges() {
    for field in client_fields() {
        for (value, refused) in edges(field) {
            let outcome = created(&body_with(field, &value));

            match refused {
                None => assert!(outcome.is_ok(), "{} = {value}: {outcome:?}", field.name),
                Some(code) => {
                    assert_eq!(outcome.err(), Some(vec![code]), "{} = {value}", field.name)
                }
            }
        }
    }
}

#[test]
fn a_create_without_a_field_is_refused_exactly_when_the_table_requires_it() {
    for field in client_fields() {
        let mut body = body_with(field, &Value::Null);
        body.remove(field.name);

        let outcome = created(&body);

        match field.presence {
            Presence::Required => assert_eq!(outcome.err(), Some(vec!["missing"])),
            _ => assert!(outcome.is_ok(), "{}", field.name),
        }
    }
}

#[test]
fn server_fields_in_a_body_are_ignored_and_anything_else_unknown_is_refused() {
    let mut body = body_with(&NOMBRE, &json!("Ruta 9"));
    for field in server_fields() {
        body.insert(field.name.to_owned(), json!("any value"));
    }
    assert!(created(&body).is_ok());

    body.insert("nombe".into(), json!("typo"));
    assert_eq!(created(&body).err(), Some(vec!["extra_forbidden"]));
}

#[test]
fn a_new_segment_binds_one_value_per_client_column_in_table_order() {
    let body: Map<String, Value> = client_fields()
        .map(|field| (field.name.to_owned(), valid(field)))
        .collect();
    let segment = created(&body).unwrap();

    let bound: Vec<Value> = segment
        .values()
        .into_iter()
        .map(|value| match value {
            ColumnValue::Text(text) => json!(text),
            ColumnValue::Number(number) => json!(number),
        })
        .collect();
    let sent: Vec<Value> = client_fields()
        .map(|field| body[field.name].clone())
        .collect();
    assert_eq!(bound, sent);
    let named: Vec<&str> = CLIENT_COLUMNS.split(", ").collect();
    assert_eq!(
        named,
        client_fields().map(|field| field.name).collect::<Vec<_>>()
    );
}

#[test]
fn the_table_lists_every_field_of_a_stored_segment_and_of_the_schema() {
    let sent = serde_json::to_value(Segment::sample(1)).unwrap();
    let mut names: Vec<&str> = FIELDS.iter().map(|field| field.name).collect();
    let mut members: Vec<&str> = sent
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    members.sort_unstable();
    assert_eq!(names, members);

    let db = database();
    let mut columns = db
        .prepare("SELECT name FROM pragma_table_info('segmentos')")
        .unwrap();
    let columns: Vec<String> = columns
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Less `seq`, the segment's place in the changes feed: storage, not a field. A column
    // a later migration adds comes after it, as the table's last field.
    let fields: Vec<&str> = columns
        .iter()
        .map(String::as_str)
        .filter(|column| *column != "seq")
        .collect();
    assert_eq!(fields.join(", "), *COLUMNS);
}

#[test]
fn coordinates_are_the_only_fields_outside_a_features_properties() {
    let placed: Vec<(&str, Place)> = client_fields()
        .filter(|field| field.place != Place::Property)
        .map(|field| (field.name, field.place))
        .collect();

    assert_eq!(
        placed,
        [
            ("longitud", Place::Coordinate(0)),
            ("latitud", Place::Coordinate(1))
        ]
    );
}
