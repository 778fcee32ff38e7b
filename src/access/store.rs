//! SQL for API keys (`migrations/0005_api_keys.sql`). Keys are minted and revoked by
//! `npm run keys` (scripts/keys.mjs); the worker only looks them up.

use serde::Deserialize;

use crate::access::keys::ApiKey;
use crate::db::{Database, Param, Retry, Statement};
use crate::error::ApiError;

/// An unrevoked key by its hash. The hash of an attacker's guess is unpredictable, so the
/// time an indexed lookup takes reveals nothing about stored keys.
const FIND_ACTIVE: &str =
    "SELECT id, scopes FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL";

#[derive(Deserialize)]
struct KeyRow {
    id: i64,
    scopes: String,
}

/// The unrevoked key with this hash, if there is one.
pub async fn find_active(db: &Database, key_hash: &str) -> Result<Option<ApiKey>, ApiError> {
    let statement = Statement::new(FIND_ACTIVE, vec![Param::Text(Some(key_hash))]);
    let row: Option<KeyRow> = db.first(&statement, Retry::Transient).await?;
    Ok(row.map(|row| ApiKey::from_row(row.id, &row.scopes)))
}

#[cfg(test)]
mod tests;
