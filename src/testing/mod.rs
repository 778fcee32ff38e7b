//! What the native tests share: generators for the property tests and real SQLite with
//! the migrations applied.

pub mod arbitrary;
pub mod sqlite;
