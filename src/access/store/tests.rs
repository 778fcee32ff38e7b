use super::*;
use crate::access::keys::{key_hash, Scope};
use crate::testing::sqlite;

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
    let ids: Vec<i64> = sqlite::column(conn, &statement, "id");
    let scopes: Vec<String> = sqlite::column(conn, &statement, "scopes");
    ids.first().map(|&id| ApiKey::from_row(id, &scopes[0]))
}

#[test]
fn an_active_key_is_found_by_its_hash_with_its_scopes() {
    let conn = sqlite::database();
    insert(&conn, KEY, r#"["read","write"]"#, false);

    let key = lookup(&conn, KEY).unwrap();

    assert!(key.grants(Scope::Write) && !key.grants(Scope::Admin));
}

#[test]
fn a_revoked_or_unknown_key_is_not_found() {
    let conn = sqlite::database();
    insert(&conn, KEY, r#"["admin"]"#, true);

    assert_eq!(lookup(&conn, KEY), None);
    assert_eq!(lookup(&conn, &KEY.replace('A', "B")), None);
}

#[test]
fn the_schema_refuses_a_plain_text_key_or_unknown_shapes() {
    let conn = sqlite::database();
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
