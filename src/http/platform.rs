//! Header reads and writes in one call across the wasm boundary (`platform.js` says why).

use worker::js_sys::{Array, JsString};
use worker::wasm_bindgen::{self, prelude::wasm_bindgen};
use worker::web_sys::Headers;

#[wasm_bindgen(module = "/src/http/platform.js")]
extern "C" {
    #[wasm_bindgen(js_name = headerValues)]
    fn header_values_text(headers: &Headers, names: &Array) -> String;

    /// Sets every `name\0value` pair of `pairs`.
    #[wasm_bindgen(js_name = setHeaders)]
    pub fn set_headers(headers: &Headers, pairs: &str);

    /// Sets every `name\0value` pair of `pairs` whose name `headers` does not have.
    #[wasm_bindgen(js_name = setMissingHeaders)]
    pub fn set_missing_headers(headers: &Headers, pairs: &JsString);

    /// Hands src/worker.js the answer for requests a panic cuts short.
    #[wasm_bindgen(js_name = keepPanicAnswer)]
    pub fn keep_panic_answer(status: u16, body: &str, headers: &Headers);
}

/// The values of `names` in `headers`, in order.
pub fn header_values(headers: &Headers, names: &Array) -> Vec<Option<String>> {
    parse_header_values(&header_values_text(headers, names))
}

/// Reads `headerValues`' text: `=value` for a present header, nothing for an absent one,
/// each ended by NUL.
pub fn parse_header_values(text: &str) -> Vec<Option<String>> {
    let mut entries: Vec<&str> = text.split('\0').collect();
    // The text ends with NUL: the last piece is empty and no entry.
    entries.pop();
    entries
        .into_iter()
        .map(|entry| entry.strip_prefix('=').map(str::to_owned))
        .collect()
}

/// `name\0value\0...` for pairs, as [`set_headers`] takes them.
pub fn header_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut text = String::new();
    for (name, value) in pairs {
        text.push_str(name);
        text.push('\0');
        text.push_str(value);
        text.push('\0');
    }
    text
}

#[cfg(test)]
mod tests;
