//! The SQL of the segment list, built from a [`ListQuery`]. Column names come only from
//! fixed lists; every value travels as a `?N` parameter.
//!
//! Both statements select from the same filtered set:
//!
//! ```sql
//! SELECT COUNT(*) AS total FROM (<matches>) [WHERE <within radius>]
//! SELECT * FROM (<matches>) [WHERE <within radius> AND <after cursor>]
//!   ORDER BY <sort> LIMIT ? OFFSET ?
//! ```
//!
//! where `<matches>` selects the columns (and `distance_m` for `near`) of the rows the
//! filters keep. SQLite flattens the subquery, so the filters and the order reach the
//! table's indexes.

use std::fmt::Write;

use serde_json::Value;

use super::{rows_of, Database, Param, Retry, Statement};
use crate::domain::geo::{GeoBox, Near, EARTH_RADIUS_M};
use crate::domain::listing::{Cursor, Filter, Sort};
use crate::domain::{ListQuery, Listed, Segmento};
use crate::error::ApiError;

/// One page of a list.
#[derive(Debug)]
pub struct ListPage {
    /// How many segments match the filters, over all pages.
    pub total: u64,
    pub rows: Vec<Listed>,
    /// Whether rows follow this page.
    pub more: bool,
}

/// Counts the matches and reads one page of them, in one batch (one snapshot).
pub async fn list(db: &Database, query: &ListQuery) -> Result<ListPage, ApiError> {
    let statements = [count_statement(&query.filter), page_statement(query)];
    let results = db.batch(&statements, Retry::Transient).await?;
    #[derive(serde::Deserialize)]
    struct Total {
        total: u64,
    }
    let total = rows_of::<Total>(&results[0])?
        .first()
        .map_or(0, |count| count.total);
    let mut rows: Vec<Listed> = rows_of::<PageRow>(&results[1])?
        .into_iter()
        .map(Listed::from)
        .collect();
    // The page statement reads one row more than asked: its presence means a next page.
    let limit = usize::try_from(query.page.limit()).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    Ok(ListPage { total, rows, more })
}

/// A row of the page statement: a segment's columns and, in a `near` list, its distance.
/// Read flat rather than as `Listed`, whose `Segmento` is flattened: serde reads a
/// flattened struct through a buffered copy of every field, and that was 2% of a 100-row
/// list's CPU time (`npm run bench`).
#[derive(serde::Deserialize)]
struct PageRow {
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
}

impl From<PageRow> for Listed {
    fn from(row: PageRow) -> Self {
        Self {
            segmento: Segmento {
                id_segmento: row.id_segmento,
                nombre: row.nombre,
                descripcion: row.descripcion,
                longitud: row.longitud,
                latitud: row.latitud,
                ubicacion: row.ubicacion,
                created_at: row.created_at,
                updated_at: row.updated_at,
                version: row.version,
            },
            distance_m: row.distance_m,
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

fn page_statement(query: &ListQuery) -> Statement<'_> {
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
        columns!(),
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
/// [`crate::domain::geo::Point::distance_m`], in SQL.
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
mod tests {
    use std::borrow::Cow;

    use rusqlite::{params_from_iter, Connection};

    use super::*;
    use crate::db::test_db::{database, values};
    use crate::domain::geo::Point;
    use crate::domain::ListParams;

    fn insert(db: &Connection, nombre: &str, lon: f64, lat: f64, created_at: &str) {
        db.execute(
            "INSERT INTO segmentos (nombre, longitud, latitud, ubicacion, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 'Córdoba', ?4, ?4)",
            (nombre, lon, lat, created_at),
        )
        .unwrap();
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

    /// `(id, distance_m)` of each row of the page.
    fn page(db: &Connection, query: &ListQuery) -> Vec<(i64, Option<f64>)> {
        let statement = page_statement(query);
        let mut prepared = db.prepare(&statement.text).unwrap();
        let has_distance = prepared.column_names().contains(&"distance_m");
        prepared
            .query_map(params_from_iter(values(&statement.params)), |row| {
                let distance = if has_distance {
                    row.get("distance_m")?
                } else {
                    None
                };
                Ok((row.get("id_segmento")?, distance))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn ids(db: &Connection, pairs: &[(&str, &str)]) -> Vec<i64> {
        page(db, &query(pairs))
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    fn count(db: &Connection, pairs: &[(&str, &str)]) -> i64 {
        let query = query(pairs);
        let statement = count_statement(&query.filter);
        db.query_row(
            &statement.text,
            params_from_iter(values(&statement.params)),
            |row| row.get(0),
        )
        .unwrap()
    }

    /// The details of `EXPLAIN QUERY PLAN` for the page statement.
    fn plan(db: &Connection, pairs: &[(&str, &str)]) -> Vec<String> {
        plan_of(db, &page_statement(&query(pairs)))
    }

    /// Four segments: three in Córdoba (ids 1-3), one in Madrid (id 4).
    fn cordoba_and_madrid() -> Connection {
        let db = database();
        insert(
            &db,
            "Av. Colón",
            -64.1888,
            -31.4135,
            "2026-01-01T00:00:00.000Z",
        );
        insert(
            &db,
            "Bv. San Juan",
            -64.1850,
            -31.4220,
            "2026-02-01T00:00:00.000Z",
        );
        insert(
            &db,
            "Ruta 20",
            -64.2300,
            -31.4300,
            "2026-03-01T00:00:00.000Z",
        );
        insert(
            &db,
            "Gran Vía",
            -3.7038,
            40.4168,
            "2026-04-01T00:00:00.000Z",
        );
        db
    }

    #[test]
    fn the_default_order_is_newest_first() {
        let db = cordoba_and_madrid();

        assert_eq!(ids(&db, &[]), [4, 3, 2, 1]);
        assert_eq!(count(&db, &[]), 4);
    }

    #[test]
    fn the_page_reads_one_row_more_than_its_limit() {
        let db = cordoba_and_madrid();

        assert_eq!(ids(&db, &[("limit", "2")]), [4, 3, 2]);
        assert_eq!(ids(&db, &[("limit", "2"), ("skip", "2")]), [2, 1]);
    }

    #[test]
    fn q_matches_a_substring_in_any_case_and_treats_wildcards_literally() {
        let db = cordoba_and_madrid();
        insert(
            &db,
            "100% asfalto_nuevo",
            0.0,
            0.0,
            "2026-05-01T00:00:00.000Z",
        );

        assert_eq!(ids(&db, &[("q", "SAN j")]), [2]);
        assert_eq!(ids(&db, &[("q", "córdoba")]), [5, 4, 3, 2, 1]);
        assert_eq!(ids(&db, &[("q", "0%")]), [5]);
        assert_eq!(ids(&db, &[("q", "o_n")]), [5]);
        assert_eq!(count(&db, &[("q", "%")]), 1);
    }

    #[test]
    fn time_bounds_are_exclusive() {
        let db = cordoba_and_madrid();

        let ids = ids(
            &db,
            &[
                ("created_after", "2026-01-01T00:00:00Z"),
                ("created_before", "2026-04-01T00:00:00Z"),
            ],
        );

        assert_eq!(ids, [3, 2]);
    }

    #[test]
    fn bounds_beyond_the_years_stored_text_holds_compare_in_time_order() {
        let db = cordoba_and_madrid();
        // Year 10000 and year -1 in UTC, though each is written with a four-digit year.
        let late = "9999-12-31T23:59:59-01:00";
        let early = "0000-01-01T00:30:00+01:00";

        assert_eq!(count(&db, &[("created_before", late)]), 4);
        assert_eq!(count(&db, &[("updated_after", late)]), 0);
        assert_eq!(count(&db, &[("created_after", early)]), 4);
        assert_eq!(count(&db, &[("updated_before", early)]), 0);
    }

    #[test]
    fn a_bbox_keeps_what_is_inside_and_a_crossing_one_wraps_around() {
        let db = cordoba_and_madrid();
        insert(&db, "Fiji east", 179.5, -17.0, "2026-05-01T00:00:00.000Z");
        insert(&db, "Fiji west", -179.5, -17.0, "2026-05-02T00:00:00.000Z");

        assert_eq!(ids(&db, &[("bbox", "-64.2,-31.45,-64.1,-31.4")]), [2, 1]);
        assert_eq!(ids(&db, &[("bbox", "179,-20,-179,-10")]), [6, 5]);
        assert_eq!(count(&db, &[("bbox", "-180,-90,180,90")]), 6);
    }

    #[test]
    fn near_keeps_the_circle_nearest_first_with_haversine_distances() {
        let db = cordoba_and_madrid();
        let center = Point {
            lon: -64.1888,
            lat: -31.4135,
        };

        let rows = page(
            &db,
            &query(&[("near", "-64.1888,-31.4135"), ("radius_m", "5000")]),
        );

        assert_eq!(rows.iter().map(|row| row.0).collect::<Vec<_>>(), [1, 2, 3]);
        let expected = center.distance_m(Point {
            lon: -64.2300,
            lat: -31.4300,
        });
        let measured = rows[2].1.unwrap();
        assert!(
            (measured - expected).abs() < 1e-6,
            "{measured} vs {expected}"
        );
        assert_eq!(rows[0].1, Some(0.0));
        // Bv. San Juan is 1.01 km from Av. Colón.
        assert_eq!(
            count(&db, &[("near", "-64.1888,-31.4135"), ("radius_m", "1000")]),
            1
        );
        assert_eq!(
            count(&db, &[("near", "-64.1888,-31.4135"), ("radius_m", "1100")]),
            2
        );
    }

    #[test]
    fn near_finds_points_across_the_antimeridian() {
        let db = database();
        insert(&db, "east", 179.9, 0.0, "2026-01-01T00:00:00.000Z");
        insert(&db, "west", -179.9, 0.0, "2026-01-02T00:00:00.000Z");

        assert_eq!(
            ids(&db, &[("near", "179.95,0"), ("radius_m", "20000")]),
            [1, 2]
        );
    }

    #[test]
    fn cursors_walk_every_order_without_repeats_or_gaps() {
        let db = database();
        // Equal names and instants force the id tie-break to do its work.
        for (index, nombre) in ["b", "a", "b", "c", "a", "b", "c"].iter().enumerate() {
            let created = format!("2026-01-0{}T00:00:00.000Z", 1 + index % 3);
            insert(&db, nombre, 0.001 * index as f64, 0.0, &created);
        }
        let orders = [
            "-id_segmento",
            "nombre",
            "-nombre",
            "created_at,-nombre",
            "-updated_at",
        ];
        for sort in orders {
            let everything = ids(&db, &[("sort", sort)]);
            let mut walked = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut pairs = vec![("sort", sort), ("limit", "2")];
                if let Some(cursor) = &cursor {
                    pairs.push(("cursor", cursor));
                }
                let query = query(&pairs);
                let statement = page_statement(&query);
                let mut prepared = db.prepare(&statement.text).unwrap();
                let rows: Vec<Listed> = prepared
                    .query_map(params_from_iter(values(&statement.params)), |row| {
                        Ok(listed_row(row))
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let more = rows.len() > 2;
                let shown = &rows[..rows.len().min(2)];
                walked.extend(shown.iter().map(|row| row.segmento.id_segmento));
                if !more {
                    break;
                }
                cursor = Some(Cursor::after(shown.last().unwrap(), &query.sort));
            }
            assert_eq!(walked, everything, "{sort}");
            assert_eq!(walked.len(), 7, "{sort}");
        }
    }

    #[test]
    fn a_distance_cursor_continues_after_the_exact_distance() {
        let db = cordoba_and_madrid();
        let near = [("near", "-64.1888,-31.4135"), ("radius_m", "5000")];
        let first = page(&db, &query(&[near[0], near[1], ("limit", "1")]));
        let row = Listed {
            distance_m: first[0].1,
            ..listed_by_id(&db, first[0].0)
        };
        let token = Cursor::after(&row, &query(&near).sort);

        let rest = ids(&db, &[near[0], near[1], ("cursor", &token)]);

        assert_eq!(rest, [2, 3]);
    }

    fn listed_row(row: &rusqlite::Row<'_>) -> Listed {
        Listed {
            segmento: crate::domain::Segmento {
                id_segmento: row.get("id_segmento").unwrap(),
                nombre: row.get("nombre").unwrap(),
                descripcion: row.get("descripcion").unwrap(),
                longitud: row.get("longitud").unwrap(),
                latitud: row.get("latitud").unwrap(),
                ubicacion: row.get("ubicacion").unwrap(),
                created_at: row.get("created_at").unwrap(),
                updated_at: row.get("updated_at").unwrap(),
                version: row.get("version").unwrap(),
            },
            distance_m: None,
        }
    }

    fn listed_by_id(db: &Connection, id: i64) -> Listed {
        db.query_row(
            "SELECT * FROM segmentos WHERE id_segmento = ?1",
            [id],
            |row| Ok(listed_row(row)),
        )
        .unwrap()
    }

    /// `EXPLAIN QUERY PLAN` details of a statement.
    fn plan_of(db: &Connection, statement: &Statement<'_>) -> Vec<String> {
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

    /// Whether the rows are sought through an index (`SEARCH ... USING ... INDEX`).
    fn searches_an_index(plan: &[String]) -> bool {
        plan.iter()
            .any(|step| step.starts_with("SEARCH segmentos USING") && step.contains("INDEX"))
    }

    /// Whether every row is read and sorted before the first is returned: a scan feeding
    /// a temporary sort. An ordered scan without one stops when the page is full.
    fn reads_everything_to_sort(plan: &[String]) -> bool {
        plan.iter().any(|step| step.starts_with("SCAN segmentos"))
            && plan.iter().any(|step| step.contains("TEMP B-TREE"))
    }

    /// Every field in both directions. (A sort on two fields is served by the first one's
    /// index only where SQLite's planner judges it cheaper than sorting.)
    const ORDERS: [&str; 8] = [
        "-id_segmento",
        "id_segmento",
        "nombre",
        "-nombre",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
    ];

    const INDEXED_FILTERS: [(&str, &str); 9] = [
        ("ubicacion", "Córdoba"),
        ("created_after", "2026-01-01T00:00:00Z"),
        ("created_before", "2026-01-01T00:00:00Z"),
        ("updated_after", "2026-01-01T00:00:00Z"),
        ("updated_before", "2026-01-01T00:00:00Z"),
        ("bbox", "-64.3,-31.5,-64.1,-31.3"),
        ("bbox", "179,-20,-179,-10"),
        ("near", "-64.18,-31.41"),
        ("q", "ruta"),
    ];

    /// The pairs of one filter (`near` comes with its radius).
    fn filter_pairs(filter: (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
        let mut pairs = vec![filter];
        if filter.0 == "near" {
            pairs.push(("radius_m", "5000"));
        }
        pairs
    }

    #[test]
    fn no_order_or_filter_reads_the_whole_table_to_sort_it() {
        let db = cordoba_and_madrid();
        let cursor = Cursor::after(&listed_by_id(&db, 1), &query(&[("sort", "nombre")]).sort);
        for sort in ORDERS {
            for filter in INDEXED_FILTERS.iter().map(|f| Some(*f)).chain([None]) {
                let mut pairs = vec![("sort", sort)];
                pairs.extend(filter.map(filter_pairs).unwrap_or_default());
                let plan = plan(&db, &pairs);
                println!("{pairs:?}\n  {}", plan.join("\n  "));
                assert!(!reads_everything_to_sort(&plan), "{pairs:?}: {plan:?}");
            }
        }
        let paged = plan(&db, &[("sort", "nombre"), ("cursor", &cursor)]);
        assert!(searches_an_index(&paged), "{paged:?}");
    }

    #[test]
    fn every_filter_but_q_is_counted_through_an_index() {
        let db = cordoba_and_madrid();
        for filter in INDEXED_FILTERS.into_iter().filter(|(name, _)| *name != "q") {
            let query = query(&filter_pairs(filter));

            let plan = plan_of(&db, &count_statement(&query.filter));

            println!("count {filter:?}\n  {}", plan.join("\n  "));
            assert!(searches_an_index(&plan), "{filter:?}: {plan:?}");
        }
    }

    #[test]
    fn a_search_alone_is_counted_by_reading_every_row_as_documented() {
        let db = cordoba_and_madrid();
        let query = query(&[("q", "ruta")]);

        assert!(!searches_an_index(&plan_of(
            &db,
            &count_statement(&query.filter)
        )));
    }
}
