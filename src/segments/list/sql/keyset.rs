//! Keyset paging: the order a list is read in and the rows after a cursor in it.

use serde_json::Value;
use std::fmt::Write;

use crate::db::{Param, Statement};
use crate::segments::list::cursor::Cursor;
use crate::segments::list::sort::Sort;

pub(super) fn order_by(sort: &Sort) -> String {
    let mut text = String::new();
    for (index, key) in sort.keys().iter().enumerate() {
        let separator = if index == 0 { "" } else { ", " };
        let direction = if key.descending { "DESC" } else { "ASC" };
        let _ = write!(text, "{separator}{} {direction}", key.field.name());
    }
    text
}

/// Rows strictly after the cursor in `sort` order (keyset paging):
/// `k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...)`, with `<` for descending
/// keys. The leading bound alone is a range an index on `k1` can seek to.
pub(super) fn after_cursor<'a>(
    statement: &mut Statement<'a>,
    sort: &Sort,
    cursor: &'a Cursor,
) -> String {
    let keys: Vec<(&str, &str, String)> = sort
        .keys()
        .iter()
        .zip(cursor.values())
        .map(|(key, value)| {
            let operator = if key.descending { "<" } else { ">" };
            (key.field.name(), operator, statement.bind(param_of(value)))
        })
        .collect();
    let mut alternatives = Vec::with_capacity(keys.len());
    for (index, (column, operator, value)) in keys.iter().enumerate() {
        let mut terms: Vec<String> = keys[..index]
            .iter()
            .map(|(column, _, value)| format!("{column} = {value}"))
            .collect();
        terms.push(format!("{column} {operator} {value}"));
        alternatives.push(terms.join(" AND "));
    }
    let (first_column, first_operator, first_value) = &keys[0];
    format!(
        "{first_column} {first_operator}= {first_value} AND (({}))",
        alternatives.join(") OR (")
    )
}

/// A cursor value, already checked against its key's type by [`Cursor`].
fn param_of(value: &Value) -> Param<'_> {
    match value {
        Value::String(text) => Param::Text(Some(text)),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => Param::Integer(integer),
            None => Param::Real(number.as_f64().unwrap_or_default()),
        },
        _ => Param::Text(None),
    }
}
