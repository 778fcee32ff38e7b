//! The SQL of the segment list, built from a [`ListQuery`]. Column names come only from
//! fixed lists; every value travels as a `?N` parameter.
//!
//! Both statements select from the same filtered set:
//!
//! ```sql
//! SELECT COUNT(*) AS total FROM (<matches>) [WHERE <within radius>]
//! WITH page AS MATERIALIZED (
//!   SELECT * FROM (<matches>) [WHERE <within radius> AND <after cursor>]
//!   ORDER BY <sort> LIMIT ? OFFSET ?)
//! SELECT <the page's JSON, in chunks> ...
//! ```
//!
//! where `<matches>` selects the columns (and `distance_m` for `near`) of the rows the
//! filters keep. SQLite flattens that subquery, so the filters and the order reach the
//! table's indexes; the page itself is materialized, so that each row's distance is
//! computed once, however many times its JSON text names it.

use std::fmt::Write;

use serde_json::Value;
use worker::js_sys::JsString;

use super::cursor::Cursor;
use super::params::{Filter, ListQuery};
use super::sort::Sort;
use crate::db::{Database, Param, Retry, Statement};
use crate::error::ApiError;
use crate::http::negotiation::Format;
use crate::segments::fields::COLUMNS;
use crate::segments::geo::{GeoBox, Near, EARTH_RADIUS_M};
use crate::segments::json_sql::{self, restore_numbers, SCALE};

/// Items per row of the page statement. D1 refuses a string over 2,000,000 bytes; a
/// hundred of the longest items SQLite can build stay under it (`tests.rs`), and the
/// largest page, 1,000, is ten rows.
pub const ITEMS_PER_CHUNK: i64 = 100;

/// One page of a list, as SQLite wrote it.
#[derive(Debug)]
pub struct ListPage {
    /// How many segments match the filters, over all pages.
    pub total: u64,
    /// The items' JSON text (GeoJSON Features in a GeoJSON list), in order, in chunks of
    /// items joined by commas. Numbers may be marked (see [`json_sql`]).
    pub chunks: Vec<JsString>,
    /// How many items the chunks hold.
    pub returned: u64,
    /// `id.version` of each item, in order: what the page's entity tag is made from.
    pub versions: String,
    /// The cursor to the next page, when more rows follow.
    pub next: Option<String>,
}

/// Counts the matches and reads one page of them, in one batch (one snapshot).
pub async fn list(db: &Database, query: &ListQuery, format: Format) -> Result<ListPage, ApiError> {
    let statements = [
        count_statement(&query.filter),
        page_statement(query, format),
    ];
    let results = db.batch_rows(&statements, Retry::Transient).await?;
    let total = results[0]
        .first()
        .and_then(|row| row.number("total"))
        .unwrap_or_default() as u64;
    let mut page = ListPage {
        total,
        chunks: Vec::new(),
        returned: 0,
        versions: String::new(),
        next: None,
    };
    // The page statement reads one row more than asked: its presence means a next page.
    let mut fetched = 0;
    for row in &results[1] {
        fetched += row.number("fetched").unwrap_or_default() as u64;
        page.chunks.extend(row.text("items"));
        if let Some(versions) = row.text("versions") {
            if !page.versions.is_empty() {
                page.versions.push(',');
            }
            page.versions.push_str(&String::from(versions));
        }
        if let Some(keys) = row.text("last_keys") {
            page.next = Some(cursor_after(&String::from(keys), &query.sort)?);
        }
    }
    let limit = u64::try_from(query.page.limit()).unwrap_or_default();
    page.returned = fetched.min(limit);
    if fetched <= limit {
        page.next = None;
    }
    Ok(page)
}

/// The cursor after a row whose sort keys SQLite wrote as `keys`, a JSON array.
fn cursor_after(keys: &str, sort: &Sort) -> Result<String, ApiError> {
    let unreadable = |why: String| ApiError::Internal(format!("unreadable cursor keys: {why}"));
    let keys = restore_numbers(keys).map_err(|marked| unreadable(marked.0))?;
    let keys: Vec<Value> =
        serde_json::from_str(&keys).map_err(|error| unreadable(error.to_string()))?;
    Ok(Cursor::after_keys(keys, sort))
}

/// `WHERE a AND b ...`, or nothing for no conditions.
fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

fn count_statement(filter: &Filter) -> Statement<'_> {
    let mut statement = Statement::default();
    let matches = matches(&mut statement, filter);
    let outer = radius_condition(&mut statement, filter)
        .into_iter()
        .collect::<Vec<_>>();
    statement.text = format!(
        "SELECT COUNT(*) AS total FROM ({matches}){}",
        where_clause(&outer)
    );
    statement
}

/// The page's rows in order, and one more if it exists: every column, and the distance
/// in a `near` list.
fn rows_statement(query: &ListQuery) -> Statement<'_> {
    let mut statement = Statement::default();
    let matches = matches(&mut statement, &query.filter);
    let mut outer: Vec<String> = radius_condition(&mut statement, &query.filter)
        .into_iter()
        .collect();
    if let Some(cursor) = &query.cursor {
        outer.push(after_cursor(&mut statement, &query.sort, cursor));
    }
    // One row more than the page, to learn whether another page follows.
    let limit = statement.bind(Param::Integer(query.page.limit() + 1));
    let offset = statement.bind(Param::Integer(query.page.skip()));
    statement.text = format!(
        "SELECT * FROM ({matches}){} ORDER BY {} LIMIT {limit} OFFSET {offset}",
        where_clause(&outer),
        order_by(&query.sort)
    );
    statement
}

/// The page as JSON text, one row per [`ITEMS_PER_CHUNK`] items, each with:
///
/// - `items`: their JSON objects, or GeoJSON Features, joined by commas;
/// - `versions`: their `id.version`, joined by commas;
/// - `fetched`: how many rows it read, the row after the page included;
/// - `last_keys`: on the page's last item, its sort keys as a JSON array, for a cursor.
///
/// `row_number()` over the sort, not the page's own order, numbers the items: the order
/// inside each `group_concat` is then what SQL guarantees, not what a plan happens to do.
fn page_statement(query: &ListQuery, format: Format) -> Statement<'_> {
    let mut statement = rows_statement(query);
    let scale = statement.bind(Param::Real(SCALE));
    let limit = statement.bind(Param::Integer(query.page.limit()));
    let near = query.filter.near.is_some();
    let item = match format {
        Format::Json => json_sql::item(near, &scale),
        Format::GeoJson => json_sql::feature(near, &scale),
    };
    let keys: Vec<String> = query
        .sort
        .keys()
        .iter()
        .map(|key| key.field.json_sql(&scale))
        .collect();
    statement.text = format!(
        "WITH page AS MATERIALIZED ({rows}), \
         numbered AS (SELECT *, row_number() OVER (ORDER BY {order}) AS n FROM page) \
         SELECT group_concat(CASE WHEN n <= {limit} THEN {item} END, ',' ORDER BY n) AS items, \
         group_concat(CASE WHEN n <= {limit} THEN id_segmento || '.' || version END, ',' \
         ORDER BY n) AS versions, \
         count(*) AS fetched, \
         max(CASE WHEN n = {limit} THEN '[' || {keys} || ']' END) AS last_keys \
         FROM numbered GROUP BY (n - 1) / {ITEMS_PER_CHUNK} ORDER BY min(n)",
        rows = statement.text,
        order = order_by(&query.sort),
        keys = keys.join(" || ',' || "),
    );
    statement
}

/// The rows the filters keep, with `distance_m` when the list is `near` a point.
fn matches<'a>(statement: &mut Statement<'a>, filter: &'a Filter) -> String {
    let mut conditions = Vec::new();
    if let Some(text) = &filter.search {
        // instr, not LIKE: no wildcards to escape, and no limit on the pattern's length.
        let text = statement.bind(Param::Text(Some(text)));
        conditions.push(format!(
            "(instr(lower(nombre), {text}) > 0 OR instr(lower(descripcion), {text}) > 0 \
             OR instr(lower(ubicacion), {text}) > 0)"
        ));
    }
    if let Some(ubicacion) = &filter.ubicacion {
        let value = statement.bind(Param::Text(Some(ubicacion)));
        conditions.push(format!("ubicacion = {value}"));
    }
    let instants = [
        ("created_at", ">", &filter.created_after),
        ("created_at", "<", &filter.created_before),
        ("updated_at", ">", &filter.updated_after),
        ("updated_at", "<", &filter.updated_before),
    ];
    for (column, operator, instant) in instants {
        if let Some(instant) = instant {
            let value = statement.bind(Param::Text(Some(instant)));
            conditions.push(format!("{column} {operator} {value}"));
        }
    }
    if let Some(bbox) = &filter.bbox {
        conditions.extend(inside(statement, bbox));
    }
    let distance = filter.near.map(|near| {
        // Only rows inside the circle's bounding box are measured (an index range).
        conditions.extend(inside(statement, &near.bounding_box()));
        format!(", {} AS distance_m", distance_from(statement, &near))
    });
    format!(
        "SELECT {}{} FROM segmentos{}",
        *COLUMNS,
        distance.unwrap_or_default(),
        where_clause(&conditions)
    )
}

/// Conditions for a position inside `bbox`; a crossing box takes both sides of the
/// antimeridian, a box spanning every longitude needs no longitude condition.
fn inside(statement: &mut Statement<'_>, bbox: &GeoBox) -> Vec<String> {
    let south = statement.bind(Param::Real(bbox.min_lat));
    let north = statement.bind(Param::Real(bbox.max_lat));
    let mut conditions = vec![format!("latitud BETWEEN {south} AND {north}")];
    if bbox.min_lon > -180.0 || bbox.max_lon < 180.0 {
        let west = statement.bind(Param::Real(bbox.min_lon));
        let east = statement.bind(Param::Real(bbox.max_lon));
        conditions.push(if bbox.crosses_antimeridian() {
            format!("(longitud >= {west} OR longitud <= {east})")
        } else {
            format!("longitud BETWEEN {west} AND {east}")
        });
    }
    conditions
}

/// The haversine distance in metres from `near`'s centre: the formula of
/// [`crate::segments::geo::Point::distance_m`], in SQL.
fn distance_from(statement: &mut Statement<'_>, near: &Near) -> String {
    let center = near.center();
    let radius = statement.bind(Param::Real(EARTH_RADIUS_M));
    let lat = statement.bind(Param::Real(center.lat));
    let lon = statement.bind(Param::Real(center.lon));
    format!(
        "2 * {radius} * asin(min(1, sqrt(\
         pow(sin(radians(latitud - {lat}) / 2), 2) \
         + cos(radians({lat})) * cos(radians(latitud)) \
         * pow(sin(radians(longitud - {lon}) / 2), 2))))"
    )
}

fn radius_condition(statement: &mut Statement<'_>, filter: &Filter) -> Option<String> {
    let near = filter.near?;
    let radius = statement.bind(Param::Real(near.radius_m()));
    Some(format!("distance_m <= {radius}"))
}

fn order_by(sort: &Sort) -> String {
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
fn after_cursor<'a>(statement: &mut Statement<'a>, sort: &Sort, cursor: &'a Cursor) -> String {
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

#[cfg(test)]
mod tests;
