//! Who may do what: API keys (`keys`, pure rules), their table (`store`), and the two
//! checks of the pipeline, `authenticate` and `authorize`.

pub mod keys;
pub mod store;

use keys::{bearer_key, key_hash, ApiKey, Denial, Scope};

use crate::db::Database;
use crate::error::ApiError;

/// The key an `Authorization` header presents, if it is a valid, unrevoked one.
pub async fn authenticate(header: &str, db: &Database) -> Result<Option<ApiKey>, ApiError> {
    let key = bearer_key(header).map_err(ApiError::from)?;
    match store::find_active(db, &key_hash(key)).await? {
        Some(key) => Ok(Some(key)),
        None => Err(Denial::InvalidKey.into()),
    }
}

/// `401` without a key where one is needed, `403` when the key lacks the scope.
pub fn authorize(needed: Option<Scope>, key: Option<&ApiKey>) -> Result<(), ApiError> {
    match (needed, key) {
        (None, _) => Ok(()),
        (Some(_), None) => Err(Denial::MissingKey.into()),
        (Some(scope), Some(key)) if key.grants(scope) => Ok(()),
        (Some(scope), Some(_)) => Err(Denial::InsufficientScope(scope).into()),
    }
}

#[cfg(test)]
mod tests;
