//! Real SQLite for native tests of the SQL built in `db/`: an in-memory database with
//! every migration applied, and statements run with their parameters bound.

use rusqlite::limits::Limit;
use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, Connection};

use crate::db::{Param, Statement};

/// An in-memory SQLite database with every migration of `migrations/` applied: the same
/// schema and indexes D1 gets.
pub fn database() -> Connection {
    database_before("9999")
}

/// An in-memory SQLite database with the migrations numbered below `number` ("0007")
/// applied: a database as a deployed version left it. A later migration that only adds
/// columns is applied too: it commutes with the others, and the code under test names
/// every column of the table.
pub fn database_before(number: &str) -> Connection {
    let connection = Connection::open_in_memory().unwrap();
    // The limits workerd sets on every D1 database (src/workerd/util/sqlite.c++): a
    // statement SQLite runs here but D1 refuses is a 500 in production.
    for (limit, value) in [
        (Limit::SQLITE_LIMIT_SQL_LENGTH, 100_000),
        (Limit::SQLITE_LIMIT_COLUMN, 100),
        (Limit::SQLITE_LIMIT_EXPR_DEPTH, 100),
        (Limit::SQLITE_LIMIT_COMPOUND_SELECT, 5),
        (Limit::SQLITE_LIMIT_VDBE_OP, 25_000),
        (Limit::SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 50),
        (Limit::SQLITE_LIMIT_VARIABLE_NUMBER, 100),
    ] {
        connection.set_limit(limit, value).unwrap();
    }
    migrate(&connection, |id, sql| {
        id < number || (id > number && adds_columns_only(sql))
    });
    connection
}

/// Applies the migrations numbered `number` and above that [`database_before`] left out,
/// as the next deploy would.
pub fn migrate_from(connection: &Connection, number: &str) {
    migrate(connection, |id, sql| {
        id == number || (id > number && !adds_columns_only(sql))
    });
}

/// Applies, in order, the migrations `wanted` takes by number ("0007") and SQL.
fn migrate(connection: &Connection, wanted: impl Fn(&str, &str) -> bool) {
    let mut files: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let sql = std::fs::read_to_string(&file).unwrap();
        if wanted(&name[..4], &sql) {
            connection.execute_batch(&sql).unwrap();
        }
    }
}

/// Whether every statement of a migration is an `ALTER TABLE ... ADD COLUMN`.
fn adds_columns_only(sql: &str) -> bool {
    let code: String = sql
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    code.split(';')
        .map(str::trim)
        .filter(|statement| !statement.is_empty())
        .all(|statement| {
            let words: Vec<String> = statement
                .split_whitespace()
                .take(5)
                .map(str::to_ascii_uppercase)
                .collect();
            words.len() == 5 && words[..2] == ["ALTER", "TABLE"] && words[3..] == ["ADD", "COLUMN"]
        })
}

/// The details of `EXPLAIN QUERY PLAN` for a statement, one per step.
pub fn plan(db: &Connection, statement: &Statement<'_>) -> Vec<String> {
    let mut prepared = db
        .prepare(&format!("EXPLAIN QUERY PLAN {}", statement.text))
        .unwrap();
    prepared
        .query_map(params_from_iter(values(&statement.params)), |row| {
            row.get(3)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The steps of `EXPLAIN QUERY PLAN` as `(id, parent, detail)`: the tree, for a statement
/// of several selects.
pub fn plan_tree(db: &Connection, statement: &Statement<'_>) -> Vec<(i64, i64, String)> {
    let mut prepared = db
        .prepare(&format!("EXPLAIN QUERY PLAN {}", statement.text))
        .unwrap();
    prepared
        .query_map(params_from_iter(values(&statement.params)), |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The values of `params`, as rusqlite binds them.
pub fn values(params: &[Param<'_>]) -> Vec<Sql> {
    params
        .iter()
        .map(|param| match param {
            Param::Text(Some(text)) => Sql::Text(text.to_string()),
            Param::Text(None) => Sql::Null,
            Param::OwnedText(text) => Sql::Text(text.clone()),
            Param::Real(number) => Sql::Real(*number),
            Param::Integer(number) => Sql::Integer(*number),
        })
        .collect()
}

/// Runs a statement and returns one column of each row it gives.
pub fn column<T: rusqlite::types::FromSql>(
    db: &Connection,
    statement: &Statement<'_>,
    name: &str,
) -> Vec<T> {
    let mut prepared = db.prepare(&statement.text).unwrap();
    prepared
        .query_map(params_from_iter(values(&statement.params)), |row| {
            row.get(name)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Runs a statement for its effect; returns how many rows it changed.
pub fn execute(db: &Connection, statement: &Statement<'_>) -> usize {
    let mut prepared = db.prepare(&statement.text).unwrap();
    let mut rows = prepared
        .query(params_from_iter(values(&statement.params)))
        .unwrap();
    while rows.next().unwrap().is_some() {}
    drop(rows);
    usize::try_from(db.changes()).unwrap()
}

/// Runs a query and returns its rows as D1 gives them to the worker: a JSON array of
/// objects, one member per column.
pub fn rows_json(db: &Connection, statement: &Statement<'_>) -> String {
    use rusqlite::types::ValueRef;
    use serde_json::{Map, Value};

    let mut prepared = db.prepare(&statement.text).unwrap();
    let names: Vec<String> = prepared
        .column_names()
        .iter()
        .map(|name| name.to_string())
        .collect();
    let rows: Vec<Value> = prepared
        .query_map(params_from_iter(values(&statement.params)), |row| {
            let mut object = Map::new();
            for (index, name) in names.iter().enumerate() {
                let value = match row.get_ref(index)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(number) => Value::from(number),
                    ValueRef::Real(number) => Value::from(number),
                    ValueRef::Text(text) => Value::from(String::from_utf8_lossy(text)),
                    ValueRef::Blob(_) => unimplemented!("no column holds a blob"),
                };
                object.insert(name.clone(), value);
            }
            Ok(Value::Object(object))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    Value::Array(rows).to_string()
}
