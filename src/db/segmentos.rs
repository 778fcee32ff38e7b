//! SQL for the `segmentos` table.
//!
//! Every conditional write checks the client's `If-Match` / `If-None-Match` in the same
//! statement that writes, and bumps `version` there too: there is no read-then-write race.

use std::fmt::Write;

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::idempotency::Fence;
use super::{rows_of, Database, Param, Retry, Statement};
use crate::domain::precondition::{Versions, WriteConditions};
use crate::domain::segmento::PatchValue;
use crate::domain::{NewSegmento, Segmento, SegmentoId, SegmentoPatch};
use crate::error::ApiError;

/// The current instant as RFC 3339 UTC with milliseconds; the same expression as the
/// table's column defaults.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// The user columns of an insert, in the order each row binds them.
const INSERT_COLUMNS: &str = "nombre, descripcion, longitud, latitud, ubicacion";
const VALUES_PER_ROW: usize = 5;

/// D1 binds at most 100 parameters per statement; a fence takes two of them.
const ROWS_PER_INSERT: usize = (100 - Fence::PARAMS) / VALUES_PER_ROW;

const SELECT_ONE: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM segmentos WHERE id_segmento = ?1"
);
const SELECT_MANY: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM segmentos WHERE id_segmento IN (SELECT value FROM json_each(?1)) ",
    "ORDER BY id_segmento"
);
const SELECT_VERSION: &str = "SELECT version FROM segmentos WHERE id_segmento = ?1";

/// The outcome of a conditional write.
#[derive(Debug, PartialEq)]
pub enum Written<T> {
    Done(T),
    /// The segment exists, at `version`, and the conditions do not hold for it.
    Refused {
        version: i64,
    },
    Missing,
}

/// Inserts segments, all or none, in one batch; they come back in input order. With a
/// fence, the rows are written only while the request still holds its idempotency key,
/// and the key records their ids in the same batch.
pub async fn insert(
    db: &Database,
    segments: &[NewSegmento],
    fence: Option<&Fence<'_>>,
) -> Result<Vec<Segmento>, ApiError> {
    let mut statements: Vec<Statement> = segments
        .chunks(ROWS_PER_INSERT)
        .map(|chunk| insert_statement(chunk, fence))
        .collect();
    let inserts = statements.len();
    statements.extend(fence.map(|fence| fence.record_created(segments.len())));
    // A fenced write is safe to repeat: once it has committed, the fence stops a repeat.
    let retry = if fence.is_some() {
        Retry::Transient
    } else {
        Retry::Never
    };
    let results = db.batch(&statements, retry).await?;
    let mut rows = Vec::with_capacity(segments.len());
    for result in &results[..inserts] {
        rows.extend(rows_of::<Segmento>(result)?);
    }
    // RETURNING gives no order; ids grow with insertion order, which is the input's.
    rows.sort_by_key(|row| row.id_segmento);
    Ok(rows)
}

/// `INSERT ... SELECT ... FROM (VALUES ...)`, optionally guarded by a fence.
fn insert_statement<'a>(chunk: &'a [NewSegmento], fence: Option<&Fence<'a>>) -> Statement<'a> {
    let mut statement = Statement::default();
    let mut rows = Vec::with_capacity(chunk.len());
    for segment in chunk {
        let values = [
            Param::Text(Some(segment.nombre())),
            Param::Text(segment.descripcion()),
            Param::Real(segment.longitud()),
            Param::Real(segment.latitud()),
            Param::Text(segment.ubicacion()),
        ]
        .map(|value| statement.bind(value));
        rows.push(format!("({})", values.join(", ")));
    }
    let guard = fence
        .map(|fence| format!(" WHERE {}", fence.holds(&mut statement)))
        .unwrap_or_default();
    statement.text = format!(
        "INSERT INTO segmentos ({INSERT_COLUMNS}) SELECT * FROM (VALUES {}){guard} RETURNING {}",
        rows.join(", "),
        columns!()
    );
    statement
}

pub async fn find(db: &Database, id: SegmentoId) -> Result<Option<Segmento>, ApiError> {
    let statement = Statement::new(SELECT_ONE, vec![Param::Integer(id.get())]);
    db.first(&statement, Retry::Transient).await
}

/// The segments with these ids that still exist, by id.
pub async fn find_many(db: &Database, ids: &[i64]) -> Result<Vec<Segmento>, ApiError> {
    let ids = serde_json::to_string(ids).map_err(|error| ApiError::Internal(error.to_string()))?;
    let statement = Statement::new(SELECT_MANY, vec![Param::OwnedText(ids)]);
    db.rows(&statement, Retry::Transient).await
}

/// Applies a partial update if `conditions` hold. An empty patch changes nothing,
/// `updated_at` and `version` included.
pub async fn update(
    db: &Database,
    id: SegmentoId,
    patch: &SegmentoPatch,
    conditions: &WriteConditions,
) -> Result<Written<Segmento>, ApiError> {
    match update_statement(id, patch, conditions) {
        Some(statement) => {
            let (row, version) = write_then_version(db, statement, id).await?;
            Ok(written(row, version))
        }
        None => Ok(match find(db, id).await? {
            None => Written::Missing,
            Some(row) if conditions.hold_for(row.version) => Written::Done(row),
            Some(row) => Written::Refused {
                version: row.version,
            },
        }),
    }
}

/// Deletes a segment if `conditions` hold.
pub async fn delete(
    db: &Database,
    id: SegmentoId,
    conditions: &WriteConditions,
) -> Result<Written<()>, ApiError> {
    let mut statement = Statement::default();
    let id_param = statement.bind(Param::Integer(id.get()));
    let condition = conditions_sql(&mut statement, conditions);
    statement.text = format!(
        "DELETE FROM segmentos WHERE id_segmento = {id_param}{condition} RETURNING id_segmento"
    );
    let (row, version) = write_then_version::<IgnoredAny>(db, statement, id).await?;
    Ok(written(row.map(drop), version))
}

/// Runs a conditional write and, in the same batch, reads the version the segment has
/// afterwards: no row written and a version means the conditions refused the write.
async fn write_then_version<T: serde::de::DeserializeOwned>(
    db: &Database,
    write: Statement<'_>,
    id: SegmentoId,
) -> Result<(Option<T>, Option<i64>), ApiError> {
    #[derive(Deserialize)]
    struct Current {
        version: i64,
    }
    let read = Statement::new(SELECT_VERSION, vec![Param::Integer(id.get())]);
    let results = db.batch(&[write, read], Retry::Never).await?;
    let row = rows_of::<T>(&results[0])?.into_iter().next();
    let current = rows_of::<Current>(&results[1])?.into_iter().next();
    Ok((row, current.map(|current| current.version)))
}

fn written<T>(row: Option<T>, version: Option<i64>) -> Written<T> {
    match (row, version) {
        (Some(row), _) => Written::Done(row),
        (None, Some(version)) => Written::Refused { version },
        (None, None) => Written::Missing,
    }
}

/// `UPDATE ... SET` for exactly the columns a patch changes, plus `updated_at` and
/// `version`. Column names come from the domain's fixed list, values only from
/// placeholders.
fn update_statement<'a>(
    id: SegmentoId,
    patch: &'a SegmentoPatch,
    conditions: &WriteConditions,
) -> Option<Statement<'a>> {
    let changes = patch.changes();
    if changes.is_empty() {
        return None;
    }
    let mut statement = Statement::default();
    let mut sql = String::from("UPDATE segmentos SET ");
    for (column, value) in changes {
        let placeholder = statement.bind(match value {
            PatchValue::Text(text) => Param::Text(text),
            PatchValue::Number(number) => Param::Real(number),
        });
        let _ = write!(sql, "{column} = {placeholder}, ");
    }
    let id_param = statement.bind(Param::Integer(id.get()));
    let condition = conditions_sql(&mut statement, conditions);
    let _ = write!(
        sql,
        "updated_at = {NOW}, version = version + 1 WHERE id_segmento = {id_param}{condition} \
         RETURNING {}",
        columns!()
    );
    statement.text = sql;
    Some(statement)
}

/// ` AND ...` for each condition a write carries (nothing for none).
fn conditions_sql(statement: &mut Statement<'_>, conditions: &WriteConditions) -> String {
    let mut sql = String::new();
    match &conditions.if_match {
        // `*`: any current version; that the row exists is the WHERE's own condition.
        None | Some(Versions::Any) => {}
        Some(Versions::Listed(versions)) => {
            let listed = statement.bind(Param::OwnedText(json_list(versions)));
            let _ = write!(
                sql,
                " AND version IN (SELECT value FROM json_each({listed}))"
            );
        }
    }
    match &conditions.if_none_match {
        None => {}
        Some(Versions::Any) => sql.push_str(" AND FALSE"),
        Some(Versions::Listed(versions)) => {
            let listed = statement.bind(Param::OwnedText(json_list(versions)));
            let _ = write!(
                sql,
                " AND version NOT IN (SELECT value FROM json_each({listed}))"
            );
        }
    }
    sql
}

fn json_list(versions: &[i64]) -> String {
    let items: Vec<String> = versions.iter().map(i64::to_string).collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::db::test_db::{column, database, execute};
    use crate::domain::idempotency::IdempotencyKey;
    use crate::domain::input::parse_json;
    use crate::domain::precondition::WriteConditions;
    use crate::domain::SegmentoPayload;

    fn patch(body: &str) -> SegmentoPatch {
        parse_json::<SegmentoPayload>(body.as_bytes())
            .unwrap()
            .into_patch()
            .unwrap()
    }

    fn new(nombre: &str) -> NewSegmento {
        let body = format!(r#"{{"nombre": "{nombre}", "longitud": -64.18, "latitud": -31.41}}"#);
        parse_json::<SegmentoPayload>(body.as_bytes())
            .unwrap()
            .into_new()
            .unwrap()
    }

    fn id(raw: &str) -> SegmentoId {
        SegmentoId::parse(raw).unwrap()
    }

    fn if_match(raw: &str) -> WriteConditions {
        WriteConditions::parse(1, Some(raw), None).unwrap()
    }

    /// A database holding segment 1, at version 1.
    fn one_segment() -> Connection {
        let db = database();
        execute(&db, &insert_statement(&[new("Av. Colón")], None));
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
    fn an_update_sets_only_the_sent_columns_updated_at_and_the_version() {
        let patch = patch(r#"{"latitud": 5, "descripcion": null}"#);

        let statement = update_statement(id("7"), &patch, &WriteConditions::default()).unwrap();

        assert_eq!(
            statement.text,
            "UPDATE segmentos SET descripcion = ?1, latitud = ?2, \
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), version = version + 1 \
             WHERE id_segmento = ?3 RETURNING id_segmento, nombre, descripcion, longitud, \
             latitud, ubicacion, created_at, updated_at, version"
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
        let segments: Vec<NewSegmento> = (0..45).map(|n| new(&format!("s{n}"))).collect();
        let statements: Vec<Statement> = segments
            .chunks(ROWS_PER_INSERT)
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
        let segments = [new("a"), new("b")];
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
        let segments = [new("a")];
        let built = [
            insert_statement(&segments, Some(&fence)).text,
            update_statement(id("1"), &patch, &if_match("\"1.1\""))
                .unwrap()
                .text,
            fence.record_created(1).text,
        ];
        for sql in [SELECT_ONE, SELECT_MANY, SELECT_VERSION]
            .into_iter()
            .chain(built.iter().map(String::as_str))
        {
            let bare = sql
                .match_indices('?')
                .any(|(at, _)| !sql[at + 1..].starts_with(|c: char| c.is_ascii_digit()));
            assert!(!bare, "{sql}");
        }
    }
}
