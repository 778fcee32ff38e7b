//! D1 access. Every SQL statement of the API lives under this module, and every value
//! reaches SQLite through a `?N` placeholder, never through the SQL text. This is also the
//! one place that reads D1's error messages.

/// The columns of a segment, in the order of the table.
macro_rules! columns {
    () => {
        "id_segmento, nombre, descripcion, longitud, latitud, ubicacion, created_at, updated_at"
    };
}

pub mod listing;
pub mod segmentos;

use serde::de::DeserializeOwned;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

use crate::domain::{ErrorKind, FieldError};
use crate::error::{platform_message, ApiError};

/// The `wrangler.toml` binding name of the database.
const BINDING: &str = "DB";

fn binding(env: &Env) -> Result<D1Database, String> {
    env.d1(BINDING).map_err(|error| {
        format!(
            "D1 binding `{BINDING}` unavailable: {}",
            platform_message(&error)
        )
    })
}

/// The database bound as `DB`; a missing binding is a deployment fault, hence a 500.
pub fn connect(env: &Env) -> Result<D1Database, ApiError> {
    binding(env).map_err(ApiError::Internal)
}

/// A trivial read of the segment table: proves the binding, the connection and the
/// schema. Failures are a `503` with a short reason for monitors.
pub async fn ping(env: &Env) -> Result<(), ApiError> {
    let db = binding(env).map_err(|cause| ApiError::DatabaseUnhealthy {
        reason: "database binding not configured",
        cause,
    })?;
    db.prepare("SELECT 1 FROM segmentos LIMIT 1")
        .first::<serde::de::IgnoredAny>(None)
        .await
        .map(drop)
        .map_err(|error| {
            let cause = platform_message(&error);
            ApiError::DatabaseUnhealthy {
                reason: unhealthy_reason(&cause),
                cause,
            }
        })
}

/// A short, safe summary of a failed health query; the log has the rest.
fn unhealthy_reason(cause: &str) -> &'static str {
    if cause.contains("no such table") {
        "schema missing: migrations not applied"
    } else {
        "query failed"
    }
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

fn failed(error: worker::Error) -> ApiError {
    classify_failure(&platform_message(&error))
}

/// What a `422` says of a value the schema refused.
const NOT_ALLOWED: &str = "the value is not allowed";

/// A failed statement: a SQLite constraint failure is the client's input breaking a rule
/// of the schema (its CHECKs back up validation), hence a 422; anything else is ours.
fn classify_failure(message: &str) -> ApiError {
    if !message.contains("constraint failed") {
        return ApiError::Internal(message.to_owned());
    }
    let kind = ErrorKind::value_error(NOT_ALLOWED);
    let error = match not_null_column(message) {
        Some(column) => FieldError::body_field(column, kind),
        None => FieldError::body(kind),
    };
    ApiError::Validation(vec![error])
}

/// The column named by a `NOT NULL constraint failed: segmentos.nombre` message.
fn not_null_column(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("NOT NULL constraint failed: ")?;
    let qualified = rest.split(|c: char| c.is_whitespace() || c == ':').next()?;
    let column = qualified.rsplit('.').next()?;
    (!column.is_empty()).then_some(column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_violation_is_a_422_on_the_body() {
        let error = classify_failure(
            "D1_ERROR: CHECK constraint failed: latitud BETWEEN -90 AND 90: SQLITE_CONSTRAINT",
        );

        assert_eq!(
            error,
            ApiError::Validation(vec![FieldError::body(ErrorKind::value_error(NOT_ALLOWED))])
        );
    }

    #[test]
    fn a_not_null_violation_names_the_column() {
        let error = classify_failure(
            "D1_ERROR: NOT NULL constraint failed: segmentos.nombre: SQLITE_CONSTRAINT",
        );

        assert_eq!(
            error,
            ApiError::Validation(vec![FieldError::body_field(
                "nombre",
                ErrorKind::value_error(NOT_ALLOWED)
            )])
        );
    }

    #[test]
    fn any_other_database_failure_is_internal() {
        let error = classify_failure("D1_ERROR: no such table: segmentos: SQLITE_ERROR");

        assert_eq!(
            error,
            ApiError::Internal("D1_ERROR: no such table: segmentos: SQLITE_ERROR".into())
        );
    }

    #[test]
    fn a_missing_table_is_reported_as_unmigrated() {
        assert_eq!(
            unhealthy_reason("D1_ERROR: no such table: segmentos: SQLITE_ERROR"),
            "schema missing: migrations not applied"
        );
    }

    #[test]
    fn other_health_failures_are_a_failed_query() {
        assert_eq!(
            unhealthy_reason("D1_ERROR: Network connection lost."),
            "query failed"
        );
    }
}
