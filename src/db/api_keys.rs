//! SQL for API keys (`migrations/0005_api_keys.sql`). Keys are minted and revoked by
//! `npm run keys` (scripts/keys.mjs); the worker only looks them up.

use serde::Deserialize;

use super::{Database, Param, Retry, Statement};
use crate::domain::access::ApiKey;
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
mod tests {
    use super::*;
    use crate::db::test_db;
    use crate::domain::access::{key_hash, Scope};

    const KEY: &str = "rwk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn insert(conn: &rusqlite::Connection, key: &str, scopes: &str, revoked: bool) {
        conn.execute(
            "INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at, revoked_at) \
             VALUES ('test', ?1, ?2, ?3, '2026-01-01T00:00:00Z', ?4)",
            rusqlite::params![
                &key[..12],
                key_hash(key),
                scopes,
                revoked.then_some("2026-01-02T00:00:00Z")
            ],
        )
        .unwrap();
    }

    fn lookup(conn: &rusqlite::Connection, key: &str) -> Option<ApiKey> {
        let statement = Statement::new(FIND_ACTIVE, vec![Param::OwnedText(key_hash(key))]);
        let ids: Vec<i64> = test_db::column(conn, &statement, "id");
        let scopes: Vec<String> = test_db::column(conn, &statement, "scopes");
        ids.first().map(|&id| ApiKey::from_row(id, &scopes[0]))
    }

    #[test]
    fn an_active_key_is_found_by_its_hash_with_its_scopes() {
        let conn = test_db::database();
        insert(&conn, KEY, r#"["read","write"]"#, false);

        let key = lookup(&conn, KEY).unwrap();

        assert!(key.grants(Scope::Write) && !key.grants(Scope::Admin));
    }

    #[test]
    fn a_revoked_or_unknown_key_is_not_found() {
        let conn = test_db::database();
        insert(&conn, KEY, r#"["admin"]"#, true);

        assert_eq!(lookup(&conn, KEY), None);
        assert_eq!(lookup(&conn, &KEY.replace('A', "B")), None);
    }

    #[test]
    fn the_schema_refuses_a_plain_text_key_or_unknown_shapes() {
        let conn = test_db::database();
        let insert = |hash: &str, scopes: &str| {
            conn.execute(
                "INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at) \
                 VALUES ('x', 'rwk_AAAAAAAA', ?1, ?2, '2026-01-01T00:00:00Z')",
                rusqlite::params![hash, scopes],
            )
        };

        assert!(insert(KEY, r#"["read"]"#).is_err());
        assert!(insert(&"G".repeat(64), r#"["read"]"#).is_err());
        assert!(insert(&key_hash(KEY), "[]").is_err());
        assert!(insert(&key_hash(KEY), "read").is_err());
        assert!(insert(&key_hash(KEY), r#"["read"]"#).is_ok());
    }
}
