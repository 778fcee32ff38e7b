//! The SQL of the segment list, built from a [`ListQuery`]. Column names come only from
//! fixed lists; user values travel as `?N` parameters (numbers derived from them, such as
//! a box's bands, are written into the text).
//!
//! The page, and the count when it is asked for, select from the rows the filters keep:
//!
//! ```sql
//! SELECT COUNT(*) AS total FROM (<matches>) [WHERE <within radius>]
//! SELECT * FROM (<matches>) [WHERE <within radius> AND <after cursor>]
//!   ORDER BY <sort> LIMIT ? OFFSET ?
//! ```
//!
//! where `<matches>` selects the columns (and `distance_m` for `near`) of the rows the
//! filters keep. SQLite flattens the subquery, so the filters and the order reach the
//! table's indexes. A box or a circle is read through the band index or in the list's
//! order, as its sample decides, and nearest first through growing circles (`spatial`).
//! A count reads every match (D1 bills each), so a filtered list counts only when asked
//! to; an unfiltered one reads the kept count (`segments::count`).

use super::item::ListItem;
use super::params::{Filter, ListQuery};
use super::sort::{SortField, SortKey};
use crate::db::{rows_of, Database, Param, Retry, Statement};
use crate::error::ApiError;
use crate::segments::count;
use crate::segments::fields::COLUMNS;
use crate::segments::geo::band::Cover;
use crate::segments::geo::GeoBox;
use crate::segments::model::Segment;
use keyset::{after_cursor, order_by};
use search::Search;

/// One page of a list.
#[derive(Debug)]
pub struct ListPage {
    /// How many segments match the filters, over all pages, when it was counted.
    pub total: Option<u64>,
    pub rows: Vec<ListItem>,
    /// Whether rows follow this page.
    pub more: bool,
}

/// Reads one page of the matches and, when it is cheap or asked for, counts them: in one
/// batch (one snapshot).
pub async fn list(db: &Database, query: &ListQuery) -> Result<ListPage, ApiError> {
    let mut statements = vec![page_statement(query)];
    statements.extend(total_statement(query));
    let results = db.batch(&statements, Retry::Transient).await?;
    #[derive(serde::Deserialize)]
    struct Total {
        total: u64,
    }
    let total = match results.get(1) {
        Some(counted) => Some(rows_of::<Total>(counted)?.first().map_or(0, |c| c.total)),
        None => None,
    };
    let mut rows: Vec<ListItem> = rows_of::<SegmentRow>(&results[0])?
        .into_iter()
        .map(ListItem::from)
        .collect();
    // The page statement reads one row more than asked: its presence means a next page.
    let limit = usize::try_from(query.page.limit()).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    Ok(ListPage { total, rows, more })
}

/// A segment's columns as a read of several returns them, and what some reads add: the
/// distance in a `near` list, the place in the changes feed (`changes::feed`). Read flat
/// rather than as `ListItem`, whose `Segment` is flattened: serde reads a flattened struct
/// through a buffered copy of every field, and that was 2% of a 100-row list's CPU time
/// (`npm run bench`). One row type for every such read: one deserializer in the module.
#[derive(serde::Deserialize)]
pub struct SegmentRow {
    id_segmento: i64,
    nombre: String,
    descripcion: Option<String>,
    longitud: f64,
    latitud: f64,
    ubicacion: Option<String>,
    created_at: String,
    updated_at: String,
    version: i64,
    #[serde(default)]
    distance_m: Option<f64>,
    #[serde(default)]
    pub seq: Option<i64>,
}

impl From<SegmentRow> for ListItem {
    fn from(row: SegmentRow) -> Self {
        let distance_m = row.distance_m;
        Self {
            segment: Segment::from(row),
            distance_m,
        }
    }
}

impl From<SegmentRow> for Segment {
    fn from(row: SegmentRow) -> Self {
        Segment {
            id_segmento: row.id_segmento,
            nombre: row.nombre,
            descripcion: row.descripcion,
            longitud: row.longitud,
            latitud: row.latitud,
            ubicacion: row.ubicacion,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

/// `WHERE a AND b ...`, or nothing for no conditions.
fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

/// How the total is read: from the kept count for the whole table, by counting the
/// matches when the query asks for it, or not at all.
fn total_statement(query: &ListQuery) -> Option<Statement<'_>> {
    if query.filter == Filter::default() {
        Some(Statement::new(count::TOTAL, Vec::new()))
    } else if query.count_matches {
        Some(count_statement(&query.filter))
    } else {
        None
    }
}

/// Counts every match: a box's through the band index, which reads each once.
fn count_statement(filter: &Filter) -> Statement<'_> {
    let mut statement = Statement::default();
    let Matches {
        columns,
        conditions,
        region,
        by_text,
    } = matches(&mut statement, filter);
    let rows = match (by_text, region) {
        (Some(sources), _) => sources.join(" UNION ALL "),
        (None, Some(region)) => {
            spatial::through_bands(&columns, &conditions, &(&Cover::of(&region)).into())
        }
        (None, None) => in_table(&columns, &conditions),
    };
    let outer: Vec<String> = spatial::radius_condition(&mut statement, filter)
        .into_iter()
        .collect();
    statement.text = format!(
        "SELECT COUNT(*) AS total FROM ({rows}){}",
        where_clause(&outer)
    );
    statement
}

/// What the page and the count read, bound: the columns, the conditions on a row, the box
/// every match is in, and, for a search alone, its two sources (`search`).
struct Matches {
    columns: String,
    conditions: Vec<String>,
    region: Option<GeoBox>,
    by_text: Option<[String; 2]>,
}

fn matches<'a>(statement: &mut Statement<'a>, filter: &'a Filter) -> Matches {
    let columns = columns(statement, filter);
    let mut conditions = conditions(statement, filter);
    let search = filter
        .search
        .as_deref()
        .map(|text| Search::bind(statement, text));
    let region = spatial::region(filter);
    // Alone, a search reads the text index; with a place, it is one more condition.
    let by_text = match (&search, region) {
        (Some(search), None) => search.sources(&conditions),
        _ => None,
    };
    if by_text.is_none() {
        conditions.extend(search.map(|search| search.condition()));
    }
    Matches {
        columns,
        conditions,
        region,
        by_text,
    }
}

/// The limit and offset of a page, bound, and how many rows it must find: those it
/// skips, those it returns, and one more to learn whether another page follows.
pub(super) struct Window {
    limit: String,
    offset: String,
    pub need: i64,
}

impl Window {
    /// The first `need` rows.
    fn first(need: i64) -> Self {
        Self {
            limit: need.to_string(),
            offset: "0".to_owned(),
            need,
        }
    }
}

fn page_statement(query: &ListQuery) -> Statement<'_> {
    let mut statement = Statement::default();
    let filter = &query.filter;
    let Matches {
        columns,
        conditions,
        region,
        by_text,
    } = matches(&mut statement, filter);
    let cursor = query
        .cursor
        .as_ref()
        .map(|cursor| after_cursor(&mut statement, &query.sort, cursor));
    let window = Window {
        limit: statement.bind(Param::Integer(query.page.limit() + 1)),
        offset: statement.bind(Param::Integer(query.page.skip())),
        need: query.page.skip() + query.page.limit() + 1,
    };
    let order = order_by(&query.sort);
    let nearest_first = query.sort.keys()[0]
        == SortKey {
            field: SortField::DistanceM,
            descending: false,
        };
    let text = match (region, filter.near) {
        (Some(_), Some(near)) if nearest_first => spatial::page_nearest_first(
            &near,
            |lookup| spatial::through_bands(&columns, &conditions, lookup),
            cursor.as_ref(),
            &order,
            &window,
        ),
        (region, _) => {
            let mut outer: Vec<String> = spatial::radius_condition(&mut statement, filter)
                .into_iter()
                .collect();
            outer.extend(cursor);
            let in_order = in_table(&columns, &conditions);
            match (region.map(|region| Cover::of(&region)), by_text) {
                (None, Some(sources)) => search::page_of_both(&sources, &outer, &order, &window),
                (None, None) => page_of(&in_order, &outer, &order, &window, None),
                (Some(cover), _) => {
                    let through_index =
                        spatial::through_bands(&columns, &conditions, &(&cover).into());
                    if query.sort.keys()[0].field == SortField::DistanceM {
                        // Farthest first: no order to read in, every match is read.
                        page_of(&through_index, &outer, &order, &window, None)
                    } else {
                        spatial::page_by_sample(
                            &cover,
                            &through_index,
                            &in_order,
                            &outer,
                            &order,
                            &window,
                        )
                    }
                }
            }
        }
    };
    statement.text = text;
    statement
}

/// One page of `rows` that pass `outer`, in `order`; with a guard, only when it holds
/// (`LIMIT 0` otherwise, which SQLite stops at before reading a row, where a false
/// subquery in the WHERE would still step through every row).
pub(super) fn page_of(
    rows: &str,
    outer: &[String],
    order: &str,
    window: &Window,
    guard: Option<&str>,
) -> String {
    let limit = match guard {
        Some(guard) => format!("CASE WHEN {guard} THEN {} ELSE 0 END", window.limit),
        None => window.limit.clone(),
    };
    format!(
        "SELECT * FROM ({rows}){} ORDER BY {order} LIMIT {limit} OFFSET {}",
        where_clause(outer),
        window.offset
    )
}

/// The columns a list selects: a segment's, and `distance_m` for `near`.
fn columns(statement: &mut Statement<'_>, filter: &Filter) -> String {
    match filter.near {
        Some(near) => format!(
            "{}, {} AS distance_m",
            *COLUMNS,
            spatial::distance_from(statement, &near)
        ),
        None => COLUMNS.clone(),
    }
}

/// The rows of the table that meet `conditions`, read as the planner sees fit.
fn in_table(columns: &str, conditions: &[String]) -> String {
    format!(
        "SELECT {columns} FROM segmentos{}",
        where_clause(conditions)
    )
}

/// What a row must meet, but for `q` (`search`) and the radius of `near` (a condition on
/// `distance_m`).
fn conditions<'a>(statement: &mut Statement<'a>, filter: &'a Filter) -> Vec<String> {
    let mut conditions = Vec::new();
    let equal = [("nombre", &filter.nombre), ("ubicacion", &filter.ubicacion)];
    for (column, wanted) in equal {
        if let Some(wanted) = wanted {
            let value = statement.bind(Param::Text(Some(wanted)));
            conditions.push(format!("{column} = {value}"));
        }
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
        conditions.extend(spatial::inside(statement, bbox));
    }
    if let Some(near) = &filter.near {
        // Only rows inside the circle's bounding box are measured.
        conditions.extend(spatial::inside(statement, &near.bounding_box()));
    }
    conditions
}

mod keyset;
mod search;
mod spatial;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod plans;
