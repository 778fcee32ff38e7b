//! Keyset cursors: the opaque position a `rel="next"` link carries.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::item::ListItem;
use super::sort::Sort;
use crate::validation::field_error::ErrorKind;

/// The `cursor` parameter, as both OpenAPI documents describe it.
#[cfg(test)]
pub const DESCRIPTION: &str =
    "Opaque position from the `next` link of a previous page of the same order.";

/// The sort-key values of the last row of a page: the next page starts after them.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor(Vec<Value>);

impl Cursor {
    /// The cursor pointing just after `row` in `sort` order.
    pub fn after(row: &ListItem, sort: &Sort) -> String {
        let key: Vec<Value> = sort
            .keys()
            .iter()
            .map(|key| key.field.value_of(row))
            .collect();
        let token = json!({ "s": sort.canonical(), "k": key });
        URL_SAFE_NO_PAD.encode(token.to_string())
    }

    pub fn decode(raw: &str, sort: &Sort) -> Result<Self, ErrorKind> {
        #[derive(Deserialize)]
        struct Token {
            s: String,
            k: Vec<Value>,
        }
        let token: Token = URL_SAFE_NO_PAD
            .decode(raw.trim())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| invalid_cursor("it is not one this API made"))?;
        if token.s != sort.canonical() {
            return Err(invalid_cursor("it belongs to a different sort"));
        }
        let fits = token.k.len() == sort.keys().len()
            && sort
                .keys()
                .iter()
                .zip(&token.k)
                .all(|(key, value)| key.field.accepts(value));
        if !fits {
            return Err(invalid_cursor("it is not one this API made"));
        }
        Ok(Self(token.k))
    }

    /// One value per key of the sort the cursor was checked against.
    pub fn values(&self) -> &[Value] {
        &self.0
    }
}

fn invalid_cursor(why: &str) -> ErrorKind {
    ErrorKind::value_error(format!(
        "invalid cursor ({why}); use the rel=\"next\" link of the previous page"
    ))
}
