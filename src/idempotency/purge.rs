//! Work done on the cron trigger (`[triggers] crons` in `wrangler.toml`).

use worker::{console_log, Date, Env};

use crate::db::{Consistency, Database};
use crate::observability::log::JobLog;

/// Deletes idempotency keys past their 24 hours, with their stored responses. (A retry
/// never sees an expired key anyway: claiming one takes it afresh; this keeps the table
/// small.)
pub async fn run(env: &Env, cron: &str) {
    let started_ms = Date::now().as_millis();
    let outcome = match Database::open(env, Consistency::Write, None) {
        Ok(db) => super::store::purge_expired(&db, started_ms).await,
        Err(error) => Err(error),
    };
    let duration_ms = Date::now().as_millis().saturating_sub(started_ms);
    let entry = JobLog::of("purge_idempotency_keys", cron, &outcome, duration_ms);
    console_log!("{}", entry.to_line());
}
