//! What the native tests share: generators for the property tests and real SQLite with
//! the migrations applied.

pub mod arbitrary;
pub mod sqlite;

use crate::segments::model::{NewSegment, SegmentPayload};
use crate::validation::input::parse_json;

/// A valid new segment named `nombre`, in Córdoba, read as a create's body is.
pub fn new_segment(nombre: &str) -> NewSegment {
    let body = format!(r#"{{"nombre": "{nombre}", "longitud": -64.18, "latitud": -31.41}}"#);
    parse_json::<SegmentPayload>(body.as_bytes())
        .unwrap()
        .into_new()
        .unwrap()
}

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
