//! SQL for the `segmentos` table.
//!
//! Every conditional write checks the client's `If-Match` / `If-None-Match` in the same
//! statement that writes, and bumps `version` there too: there is no read-then-write race.
//! Every write also numbers what it wrote in the change sequence ([`NEXT_SEQ`]), in the
//! same statement, and a delete leaves a tombstone in the same batch: the changes feed
//! (`changes/`) cannot miss a write, whichever route made it. Inserts and deletes fold
//! themselves into the segment count ([`count`]) in their batch, too, and every write
//! into the text index ([`text`]).

use std::fmt::Write;
use std::sync::LazyLock;

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::fields::{client_fields, CLIENT_COLUMNS, COLUMNS};
use super::model::{ColumnValue, NewSegment, Segment, SegmentId, SegmentPatch};
use super::{count, text};
use crate::db::{rows_of, Database, Param, Retry, Statement};
use crate::error::ApiError;
use crate::http::conditional::{Versions, WriteConditions};
use crate::idempotency::store::Fence;

/// The current instant as RFC 3339 UTC with milliseconds; the same expression as the
/// table's column defaults.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// The next number of the change sequence (migration 0006): one more than any a segment
/// or a tombstone holds, or the feed ever purged. D1 runs one write at a time, so the
/// numbers follow the commit order. Two index lookups and the feed's one row.
pub const NEXT_SEQ: &str = "(SELECT max(horizon, \
    coalesce((SELECT max(seq) FROM segmentos), 0), \
    coalesce((SELECT max(seq) FROM segment_tombstones), 0)) + 1 FROM change_feed)";

/// Rows per insert statement: D1 binds at most 100 parameters per statement, and a
/// fence takes two of them.
static ROWS_PER_INSERT: LazyLock<usize> =
    LazyLock::new(|| (100 - Fence::PARAMS) / client_fields().count());

static SELECT_ONE: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {} FROM segmentos WHERE id_segmento = ?1", *COLUMNS));
static SELECT_MANY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM segmentos WHERE id_segmento IN (SELECT value FROM json_each(?1)) \
         ORDER BY id_segmento",
        *COLUMNS
    )
});
const SELECT_VERSION: &str = "SELECT version FROM segmentos WHERE id_segmento = ?1";

/// The outcome of a conditional write.
#[derive(Debug, PartialEq)]
pub enum ConditionalWrite<T> {
    Done(T),
    /// The segment exists, at `version`, and the conditions do not hold for it.
    Refused {
        version: i64,
    },
    Missing,
}

impl<T> ConditionalWrite<T> {
    /// The written value, or the error a refused or missing segment is: a refusal names
    /// the current version by its `etag` in the representation written; `missing` is the
    /// answer when there was no segment (a `404`, or a `412` where `If-Match` asked for one).
    pub fn settled(self, missing: ApiError, etag: impl Fn(i64) -> String) -> Result<T, ApiError> {
        match self {
            ConditionalWrite::Done(value) => Ok(value),
            ConditionalWrite::Refused { version } => Err(ApiError::PreconditionFailed {
                etag: Some(etag(version)),
            }),
            ConditionalWrite::Missing => Err(missing),
        }
    }
}

/// Inserts segments, all or none, in one batch; they come back in input order. With a
/// fence, the rows are written only while the request still holds its idempotency key,
/// and the key records their ids in the same batch.
pub async fn insert(
    db: &Database,
    segments: &[NewSegment],
    fence: Option<&Fence<'_>>,
) -> Result<Vec<Segment>, ApiError> {
    let mut statements: Vec<Statement> = segments
        .chunks(*ROWS_PER_INSERT)
        .map(|chunk| insert_statement(chunk, fence))
        .collect();
    let inserts = statements.len();
    statements.push(count::fold());
    statements.extend(text::fold());
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
        rows.extend(rows_of::<Segment>(result)?);
    }
    // RETURNING gives no order; ids grow with insertion order, which is the input's.
    rows.sort_by_key(|row| row.id_segmento);
    Ok(rows)
}

/// `INSERT ... SELECT ... FROM (VALUES ...)`, optionally guarded by a fence; each row
/// takes the next number of the change sequence.
pub(crate) fn insert_statement<'a>(
    chunk: &'a [NewSegment],
    fence: Option<&Fence<'a>>,
) -> Statement<'a> {
    let mut statement = Statement::default();
    let mut rows = Vec::with_capacity(chunk.len());
    for segment in chunk {
        let values: Vec<String> = segment
            .values()
            .into_iter()
            .map(|value| statement.bind(Param::from(value)))
            .collect();
        rows.push(format!("({})", values.join(", ")));
    }
    let guard = fence
        .map(|fence| format!(" WHERE {}", fence.holds(&mut statement)))
        .unwrap_or_default();
    // NEXT_SEQ is one subquery: it is read once, before the statement inserts anything.
    statement.text = format!(
        "INSERT INTO segmentos ({}, seq) SELECT *, {NEXT_SEQ} - 1 + row_number() OVER () \
         FROM (VALUES {}){guard} RETURNING {}",
        *CLIENT_COLUMNS,
        rows.join(", "),
        *COLUMNS
    );
    statement
}

/// The segment with this id, or the `404` of one that does not exist.
pub async fn get(db: &Database, id: SegmentId) -> Result<Segment, ApiError> {
    find(db, id)
        .await?
        .ok_or(ApiError::SegmentNotFound(id.get()))
}

async fn find(db: &Database, id: SegmentId) -> Result<Option<Segment>, ApiError> {
    let statement = Statement::new(SELECT_ONE.as_str(), vec![Param::Integer(id.get())]);
    db.first(&statement, Retry::Transient).await
}

/// The segments with these ids that still exist, by id.
pub async fn find_many(db: &Database, ids: &[i64]) -> Result<Vec<Segment>, ApiError> {
    let ids = serde_json::to_string(ids).map_err(|error| ApiError::Internal(error.to_string()))?;
    let statement = Statement::new(SELECT_MANY.as_str(), vec![Param::OwnedText(ids)]);
    db.rows(&statement, Retry::Transient).await
}

/// Applies a partial update if `conditions` hold. An empty patch changes nothing,
/// `updated_at` and `version` included.
pub async fn update(
    db: &Database,
    id: SegmentId,
    patch: &SegmentPatch,
    conditions: &WriteConditions,
) -> Result<ConditionalWrite<Segment>, ApiError> {
    match update_statement(id, patch, conditions) {
        Some(statement) => {
            let mut writes = vec![statement];
            writes.extend(text::fold());
            let (row, version) = write_then_version(db, writes, 0, id).await?;
            Ok(written(row, version))
        }
        None => Ok(match find(db, id).await? {
            None => ConditionalWrite::Missing,
            Some(row) if conditions.hold_for(row.version) => ConditionalWrite::Done(row),
            Some(row) => ConditionalWrite::Refused {
                version: row.version,
            },
        }),
    }
}

/// Deletes a segment if `conditions` hold, leaving its tombstone in the same batch.
pub async fn delete(
    db: &Database,
    id: SegmentId,
    conditions: &WriteConditions,
) -> Result<ConditionalWrite<()>, ApiError> {
    let mut writes = Vec::from(delete_statements(id, conditions));
    writes.extend(text::fold());
    let (row, version) = write_then_version::<IgnoredAny>(db, writes, DELETED, id).await?;
    Ok(written(row.map(drop), version))
}

/// Which of [`delete_statements`] returns the deleted row.
const DELETED: usize = 1;

/// A delete: the segment's tombstone, written first and on the same conditions as the
/// delete that follows it, so that there is one exactly when the segment goes; then the
/// count's fold, which finds the tombstone.
pub(crate) fn delete_statements<'a>(
    id: SegmentId,
    conditions: &WriteConditions,
) -> [Statement<'a>; 3] {
    [
        tombstone_statement(id, conditions),
        delete_statement(id, conditions),
        count::fold(),
    ]
}

fn tombstone_statement<'a>(id: SegmentId, conditions: &WriteConditions) -> Statement<'a> {
    let mut statement = Statement::default();
    let id_param = statement.bind(Param::Integer(id.get()));
    let condition = conditions_sql(&mut statement, conditions);
    statement.text = format!(
        "INSERT INTO segment_tombstones (seq, id_segmento, version, deleted_at) \
         SELECT {NEXT_SEQ}, id_segmento, version, {NOW} FROM segmentos \
         WHERE id_segmento = {id_param}{condition}"
    );
    statement
}

fn delete_statement<'a>(id: SegmentId, conditions: &WriteConditions) -> Statement<'a> {
    let mut statement = Statement::default();
    let id_param = statement.bind(Param::Integer(id.get()));
    let condition = conditions_sql(&mut statement, conditions);
    statement.text = format!(
        "DELETE FROM segmentos WHERE id_segmento = {id_param}{condition} RETURNING id_segmento"
    );
    statement
}

/// Runs a conditional write (its statements, of which the one at `returning` returns
/// what it wrote) and, in the same batch, reads the version the segment has afterwards:
/// no row written and a version means the conditions refused the write.
async fn write_then_version<T: serde::de::DeserializeOwned>(
    db: &Database,
    writes: Vec<Statement<'_>>,
    returning: usize,
    id: SegmentId,
) -> Result<(Option<T>, Option<i64>), ApiError> {
    #[derive(Deserialize)]
    struct Current {
        version: i64,
    }
    let version_at = writes.len();
    let mut statements = writes;
    statements.push(Statement::new(
        SELECT_VERSION,
        vec![Param::Integer(id.get())],
    ));
    let results = db.batch(&statements, Retry::Never).await?;
    let row = rows_of::<T>(&results[returning])?.into_iter().next();
    let current = rows_of::<Current>(&results[version_at])?.into_iter().next();
    Ok((row, current.map(|current| current.version)))
}

fn written<T>(row: Option<T>, version: Option<i64>) -> ConditionalWrite<T> {
    match (row, version) {
        (Some(row), _) => ConditionalWrite::Done(row),
        (None, Some(version)) => ConditionalWrite::Refused { version },
        (None, None) => ConditionalWrite::Missing,
    }
}

/// `UPDATE ... SET` for exactly the columns a patch changes, plus `updated_at`, `version`
/// and `seq`. Column names come from the domain's fixed list, values only from
/// placeholders.
pub(crate) fn update_statement<'a>(
    id: SegmentId,
    patch: &'a SegmentPatch,
    conditions: &WriteConditions,
) -> Option<Statement<'a>> {
    let changes = patch.changes();
    if changes.is_empty() {
        return None;
    }
    let mut statement = Statement::default();
    let mut sql = String::from("UPDATE segmentos SET ");
    for (column, value) in changes {
        let placeholder = statement.bind(Param::from(value));
        let _ = write!(sql, "{column} = {placeholder}, ");
    }
    let id_param = statement.bind(Param::Integer(id.get()));
    let condition = conditions_sql(&mut statement, conditions);
    let _ = write!(
        sql,
        "updated_at = {NOW}, version = version + 1, seq = {NEXT_SEQ} \
         WHERE id_segmento = {id_param}{condition} RETURNING {}",
        *COLUMNS
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
        Some(Versions::Named(versions)) => {
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
        Some(Versions::Named(versions)) => {
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

impl<'a> From<ColumnValue<'a>> for Param<'a> {
    fn from(value: ColumnValue<'a>) -> Self {
        match value {
            ColumnValue::Text(text) => Param::Text(text),
            ColumnValue::Number(number) => Param::Real(number),
        }
    }
}

#[cfg(test)]
mod tests;
