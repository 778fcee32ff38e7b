//! The cron job's part for the feed: tombstones past their retention are deleted, and the
//! feed's horizon moves past the highest of them in the same batch, so that a token that
//! could have missed one gets `410` rather than a silent gap.

use worker::{console_log, Date, Env};

use crate::config;
use crate::db::{rows_of, Consistency, Database, Param, Retry, Statement};
use crate::error::ApiError;
use crate::observability::health_report::rfc3339;
use crate::observability::log::JobLog;
use crate::segments::{count, text};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// Raises the horizon to the highest tombstone the purge deletes (never lowers it).
const RAISE_HORIZON: &str = "UPDATE change_feed SET horizon = max(horizon, coalesce(\
    (SELECT max(seq) FROM segment_tombstones WHERE deleted_at < ?1), 0))";

const PURGE: &str = "DELETE FROM segment_tombstones WHERE deleted_at < ?1 RETURNING seq";

/// Purges the tombstones older than `CHANGES_RETENTION_DAYS`, and logs what it did.
pub async fn run(env: &Env, cron: &str) {
    let started_ms = Date::now().as_millis();
    let outcome = match (
        config::changes_retention_days(env),
        Database::open(env, Consistency::Write, None),
    ) {
        (Ok(days), Ok(db)) => purge(&db, &cutoff(started_ms, days)).await,
        (Err(problem), _) => Err(ApiError::Internal(problem)),
        (_, Err(error)) => Err(error),
    };
    let duration_ms = Date::now().as_millis().saturating_sub(started_ms);
    let entry = JobLog::of("purge_tombstones", cron, &outcome, duration_ms);
    console_log!("{}", entry.to_line());
}

/// Tombstones deleted before this instant are past a retention of `days`.
pub fn cutoff(now_ms: u64, days: u32) -> String {
    rfc3339(now_ms.saturating_sub(u64::from(days) * DAY_MS))
}

/// The statements of one purge, in the order of its batch. The segment count and the
/// text index read tombstones they have not folded in yet (`segments::count`,
/// `segments::text`): they fold them first.
pub fn statements(cutoff: &str) -> Vec<Statement<'_>> {
    let mut statements = vec![count::fold()];
    statements.extend(text::fold());
    statements.extend([
        Statement::new(RAISE_HORIZON, vec![Param::Text(Some(cutoff))]),
        Statement::new(PURGE, vec![Param::Text(Some(cutoff))]),
    ]);
    statements
}

async fn purge(db: &Database, cutoff: &str) -> Result<usize, ApiError> {
    // Safe to repeat: a second run finds nothing older and leaves the horizon as it is.
    let results = db.batch(&statements(cutoff), Retry::Transient).await?;
    let purged = results
        .last()
        .ok_or_else(|| ApiError::Internal("no purge result".into()))?;
    Ok(rows_of::<serde::de::IgnoredAny>(purged)?.len())
}

#[cfg(test)]
mod tests;
