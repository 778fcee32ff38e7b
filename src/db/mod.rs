//! D1 access. Every SQL statement of the API lives under this module, and every value
//! reaches SQLite through a `?N` placeholder, never through the SQL text.

pub mod segmentos;

use serde::de::DeserializeOwned;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

use crate::error::{platform_message, ApiError};

/// The `wrangler.toml` binding name of the database.
const BINDING: &str = "DB";

/// The database bound as `DB`; a missing binding is a deployment fault, hence a 500.
pub fn connect(env: &Env) -> Result<D1Database, ApiError> {
    env.d1(BINDING).map_err(|error| {
        ApiError::Internal(format!(
            "D1 binding `{BINDING}` unavailable: {}",
            platform_message(&error)
        ))
    })
}

/// A value bound to a `?N` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'a> {
    Text(Option<&'a str>),
    Real(f64),
    Integer(i64),
}

impl From<&Param<'_>> for JsValue {
    fn from(param: &Param<'_>) -> Self {
        match param {
            Param::Text(Some(text)) => JsValue::from_str(text),
            Param::Text(None) => JsValue::NULL,
            Param::Real(number) => JsValue::from_f64(*number),
            // Exact: domain types keep integers within JavaScript's safe range.
            Param::Integer(number) => JsValue::from_f64(*number as f64),
        }
    }
}

fn prepare(
    db: &D1Database,
    sql: &str,
    params: &[Param<'_>],
) -> Result<D1PreparedStatement, ApiError> {
    let values: Vec<JsValue> = params.iter().map(JsValue::from).collect();
    db.prepare(sql).bind(&values).map_err(failed)
}

/// The first row of a statement, if any.
async fn first<T: DeserializeOwned>(
    db: &D1Database,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Option<T>, ApiError> {
    prepare(db, sql, params)?.first(None).await.map_err(failed)
}

/// Maps a failed D1 call: constraint failures to 409/422, the rest to 500.
fn failed(error: worker::Error) -> ApiError {
    ApiError::from_database(&platform_message(&error))
}

/// A trivial read of the segment table: proves the binding, the connection and the schema.
pub async fn ping(db: &D1Database) -> Result<(), String> {
    db.prepare("SELECT 1 FROM segmentos LIMIT 1")
        .first::<serde_json::Value>(None)
        .await
        .map(drop)
        .map_err(|error| platform_message(&error))
}
