//! D1 access. Every SQL statement of the API lives under this module, and every value
//! reaches SQLite through a `?N` placeholder, never through the SQL text. This is also the
//! one place that reads D1's error messages.

pub mod bookmark;
pub mod report;
pub mod usage;

use std::cell::RefCell;
use std::time::Duration;

use serde::de::DeserializeOwned;
use worker::js_sys::{self, Array};
use worker::wasm_bindgen::{self, prelude::wasm_bindgen, JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{D1Database, D1DatabaseSession, D1PreparedStatement, D1SessionConstraint, Delay, Env};

use crate::error::{platform_message, ApiError};
use crate::validation::{ErrorKind, FieldError};
use bookmark::Bookmark;
use usage::{BatchCost, Usage};

#[wasm_bindgen(module = "/src/db/d1.js")]
extern "C" {
    /// One batch of a database or a session: what it cost (five values), then each
    /// result's rows (JSON array texts).
    #[wasm_bindgen(js_name = batchAsJson)]
    fn batch_as_json_texts(target: &JsValue, statements: Array) -> js_sys::Promise;
}

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

/// One row whatever the data, and "no such table" if any table the API uses is missing.
const SCHEMA_PROBE: &str = "SELECT (SELECT 1 FROM segmentos LIMIT 1) AS segmentos, \
    (SELECT 1 FROM idempotency_keys LIMIT 1) AS idempotency_keys, \
    (SELECT 1 FROM idempotency_response_parts LIMIT 1) AS idempotency_response_parts, \
    (SELECT 1 FROM api_keys LIMIT 1) AS api_keys, \
    (SELECT 1 FROM segment_count LIMIT 1) AS segment_count";

/// A trivial read of every table: proves the binding, the connection and the schema, and
/// says what it cost. Failures are a `503` with a short reason for monitors.
pub async fn ping(env: &Env) -> Result<BatchCost, ApiError> {
    let db = binding(env).map_err(|cause| ApiError::DatabaseUnhealthy {
        reason: "database binding not configured",
        cause,
    })?;
    let probe = vec![db.prepare(SCHEMA_PROBE)];
    batch_as_json(db.as_ref(), probe)
        .await
        .map(|(cost, _)| cost)
        .map_err(|cause| ApiError::DatabaseUnhealthy {
            reason: unhealthy_reason(&cause),
            cause,
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

/// Where a request's queries may be served (D1 read replication, Sessions API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// Reads: any replica, or (given the client's bookmark from an earlier response) one
    /// at least as new as that bookmark, so that a client reads its own writes.
    Read,
    /// Writes: the primary, which is always the newest.
    Write,
}

/// Whether a failed statement may be run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads, and writes an idempotency key fences off: a transient failure is retried.
    Transient,
    /// Other writes: a failure may have happened after the commit, so it is final.
    Never,
}

/// Attempts of a retried statement, the first included.
const MAX_ATTEMPTS: u32 = 3;

/// One request's D1 session: every query of the request runs in it, in order.
pub struct Database {
    session: D1DatabaseSession,
    /// The client's bookmark, echoed when no query ran.
    requested: Option<Bookmark>,
    /// Every round trip to D1 and what it cost (`Server-Timing`, the log, metrics).
    usage: RefCell<Usage>,
}

impl Database {
    /// Opens the session; a missing binding is a deployment fault, hence a 500.
    pub fn open(
        env: &Env,
        consistency: Consistency,
        bookmark: Option<Bookmark>,
    ) -> Result<Self, ApiError> {
        let db = binding(env).map_err(ApiError::Internal)?;
        let session = match (consistency, &bookmark) {
            (Consistency::Write, _) => {
                db.with_session_constraint(D1SessionConstraint::FirstPrimary)
            }
            (Consistency::Read, None) => {
                db.with_session_constraint(D1SessionConstraint::FirstUnconstrained)
            }
            (Consistency::Read, Some(bookmark)) => db.with_session(Some(bookmark.as_str())),
        };
        Ok(Self {
            session: session.map_err(failed)?,
            requested: bookmark,
            usage: RefCell::default(),
        })
    }

    /// Every D1 round trip so far, and what they cost; the session keeps none of it.
    pub fn take_usage(&self) -> Usage {
        self.usage.take()
    }

    /// The latest bookmark of the session, or the client's own when no query ran.
    pub fn bookmark(&self) -> Option<String> {
        let latest = self.session.get_bookmark().ok().flatten();
        latest.or_else(|| self.requested.as_ref().map(|b| b.as_str().to_owned()))
    }

    /// Runs statements as one D1 batch: one implicit transaction, all or nothing. Returns
    /// the rows of each statement as a JSON array (see [`rows_of`]).
    pub async fn batch(
        &self,
        statements: &[Statement<'_>],
        retry: Retry,
    ) -> Result<Vec<String>, ApiError> {
        let mut attempt = 0;
        loop {
            let prepared = statements
                .iter()
                .map(|statement| {
                    let values: Vec<JsValue> = statement.params.iter().map(JsValue::from).collect();
                    self.session.prepare(&statement.text).bind(&values)
                })
                .collect::<worker::Result<Vec<_>>>()
                .map_err(failed)?;
            let started_ms = worker::Date::now().as_millis();
            let outcome = batch_as_json(self.session.as_ref(), prepared).await;
            let elapsed_ms = worker::Date::now().as_millis().saturating_sub(started_ms);
            let (cost, outcome) = match outcome {
                Ok((cost, results)) => (cost, Ok(results)),
                Err(message) => (BatchCost::default(), Err(message)),
            };
            self.usage.borrow_mut().record(elapsed_ms as f64, cost);
            match outcome {
                Ok(results) if results.len() == statements.len() => return Ok(results),
                Ok(results) => {
                    return Err(ApiError::Internal(format!(
                        "batch of {} statements returned {} results",
                        statements.len(),
                        results.len()
                    )))
                }
                Err(message) => {
                    attempt += 1;
                    if retry == Retry::Never || attempt >= MAX_ATTEMPTS || !is_transient(&message) {
                        return Err(classify_failure(&message));
                    }
                    Delay::from(backoff(attempt, random_unit())).await;
                }
            }
        }
    }

    /// The rows of one statement.
    pub async fn rows<T: DeserializeOwned>(
        &self,
        statement: &Statement<'_>,
        retry: Retry,
    ) -> Result<Vec<T>, ApiError> {
        let results = self.batch(std::slice::from_ref(statement), retry).await?;
        rows_of(&results[0])
    }

    /// The first row of one statement, if any.
    pub async fn first<T: DeserializeOwned>(
        &self,
        statement: &Statement<'_>,
        retry: Retry,
    ) -> Result<Option<T>, ApiError> {
        Ok(self.rows(statement, retry).await?.into_iter().next())
    }
}

/// Runs a batch of `target` (a database or a session) and returns what it cost and each
/// statement's rows as JSON text, or D1's error message.
///
/// Not `D1DatabaseSession::batch` and `D1Result::results()`: those convert every field of
/// every row across the JavaScript boundary one by one (serde_wasm_bindgen), which the
/// profile of a 100-row list showed as its largest share of our own CPU time. `d1.js`
/// runs the batch and writes each result as JSON natively in V8, and serde_json reads it
/// in one pass; D1's `meta` comes back summed, as plain values.
async fn batch_as_json(
    target: &JsValue,
    statements: Vec<D1PreparedStatement>,
) -> Result<(BatchCost, Vec<String>), String> {
    let statements: Array = statements
        .iter()
        .map(|statement| JsValue::from(statement.inner()))
        .collect();
    let values = JsFuture::from(batch_as_json_texts(target, statements))
        .await
        .map_err(js_message)?;
    let values = Array::from(&values);
    let number = |index| values.get(index).as_f64().unwrap_or_default();
    let cost = BatchCost {
        rows_read: number(0) as u64,
        rows_written: number(1) as u64,
        sql_ms: number(2),
        served_by_primary: values.get(3).as_bool(),
        served_by_region: values.get(4).as_string(),
    };
    let rows = values
        .iter()
        .skip(5)
        .map(|text| text.as_string().unwrap_or_default())
        .collect();
    Ok((cost, rows))
}

/// The message of a JavaScript exception, as D1 reports its failures.
fn js_message(error: JsValue) -> String {
    match error.dyn_into::<js_sys::Error>() {
        Ok(error) => String::from(error.message()),
        Err(other) => format!("{other:?}"),
    }
}

/// The rows of one result of a batch.
pub fn rows_of<T: DeserializeOwned>(rows: &str) -> Result<Vec<T>, ApiError> {
    serde_json::from_str(rows)
        .map_err(|error| ApiError::Internal(format!("unexpected rows from D1: {error}")))
}

/// SQL text and the values of its `?N` placeholders.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Statement<'a> {
    pub text: String,
    pub params: Vec<Param<'a>>,
}

impl<'a> Statement<'a> {
    pub fn new(text: impl Into<String>, params: Vec<Param<'a>>) -> Self {
        Self {
            text: text.into(),
            params,
        }
    }

    /// Adds a value and returns its placeholder.
    pub fn bind(&mut self, param: Param<'a>) -> String {
        self.params.push(param);
        format!("?{}", self.params.len())
    }
}

/// A value bound to a `?N` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'a> {
    Text(Option<&'a str>),
    OwnedText(String),
    Real(f64),
    Integer(i64),
}

impl From<&Param<'_>> for JsValue {
    fn from(param: &Param<'_>) -> Self {
        match param {
            Param::Text(Some(text)) => JsValue::from_str(text),
            Param::Text(None) => JsValue::NULL,
            Param::OwnedText(text) => JsValue::from_str(text),
            Param::Real(number) => JsValue::from_f64(*number),
            // Exact: domain types keep integers within JavaScript's safe range.
            Param::Integer(number) => JsValue::from_f64(*number as f64),
        }
    }
}

/// Messages of D1 failures that D1's documentation says to retry ("Retry the
/// operation"): the database restarted or moved, or the network dropped the query.
const TRANSIENT_FAILURES: [&str; 5] = [
    "Network connection lost",
    "storage caused object to be reset",
    "reset because its code was updated",
    "Cannot resolve D1 DB due to transient issue on remote node",
    "Can't read from request stream because client disconnected",
];

/// Whether a failure is one a retry may cure. An overloaded database is not: retrying
/// adds to its queue; the client is told to come back later instead.
fn is_transient(message: &str) -> bool {
    TRANSIENT_FAILURES
        .iter()
        .any(|transient| message.contains(transient))
}

/// How long to wait before retry `attempt` (1-based): "full jitter" exponential backoff,
/// a uniform draw below 25 ms, 50 ms, 100 ms, ... capped at 500 ms, so that retries of
/// many clients spread out instead of arriving together.
fn backoff(attempt: u32, unit: f64) -> Duration {
    const BASE_MS: f64 = 25.0;
    const CAP_MS: f64 = 500.0;
    let ceiling = (BASE_MS * 2f64.powi(attempt.saturating_sub(1) as i32)).min(CAP_MS);
    Duration::from_micros((ceiling * unit.clamp(0.0, 1.0) * 1000.0) as u64)
}

/// A uniform draw from [0, 1) from the platform's CSPRNG.
fn random_unit() -> f64 {
    let mut bytes = [0u8; 4];
    // Should the CSPRNG ever fail, waiting the longest backoff is still correct.
    if getrandom::fill(&mut bytes).is_err() {
        return 1.0;
    }
    f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

fn failed(error: worker::Error) -> ApiError {
    classify_failure(&platform_message(&error))
}

/// What a `422` says of a value the schema refused.
const NOT_ALLOWED: &str = "the value is not allowed";

/// A failed statement: a SQLite constraint failure is the client's input breaking a rule
/// of the schema (its CHECKs back up validation), hence a 422; an overloaded database is
/// a 503 the client may retry later; anything else is ours.
fn classify_failure(message: &str) -> ApiError {
    if message.contains("D1 DB is overloaded") {
        return ApiError::DatabaseBusy(message.to_owned());
    }
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
mod tests;
