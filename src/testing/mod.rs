//! What the native tests share: generators for the property tests and real SQLite with
//! the migrations applied.

pub mod arbitrary;
pub mod sqlite;

/// Asserts that the file at `path` holds `generated`, after writing it there when
/// `RECWAY_WRITE_OPENAPI` is set (`npm run openapi`): the check of every document the
/// code generates and the repository publishes.
pub fn assert_published(path: &str, generated: &str) {
    if std::env::var_os("RECWAY_WRITE_OPENAPI").is_some() {
        std::fs::write(path, generated).unwrap_or_else(|error| panic!("{path}: {error}"));
    }

    let published = std::fs::read_to_string(path).unwrap_or_default();

    assert!(
        published == generated,
        "{path} is stale: run `npm run openapi` and commit the result"
    );
}
