//! The request as the API reads it: its method, URL, query and headers, and its id.

use worker::js_sys::{Array, Reflect, Uint8Array};
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::web_sys;
use worker::{ByteStream, Method};

use super::platform;

/// The caller's `X-Request-ID` when it is safe to echo and log, else a fresh one.
pub fn request_id(from_caller: Option<&str>) -> String {
    match from_caller {
        Some(id) if is_acceptable_request_id(id) => id.to_owned(),
        _ => random_uuid(),
    }
}

/// 1 to 128 characters of `[A-Za-z0-9._-]`: nothing that could forge a log line or header.
fn is_acceptable_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
}

/// A random UUID (version 4) from the platform's CSPRNG.
pub fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    // crypto.getRandomValues does not fail for 16 bytes; should it ever, an all-zero
    // id still makes a valid (if unhelpful) correlation id rather than a failed request.
    let _ = getrandom::fill(&mut bytes);
    format_uuid_v4(bytes)
}

fn format_uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let hex: String = bytes
        .iter()
        .flat_map(|byte| {
            [
                DIGITS[usize::from(byte >> 4)],
                DIGITS[usize::from(byte & 0x0f)],
            ]
        })
        .map(char::from)
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The request as the API reads it: the runtime's own request, with its method and URL
/// read once.
///
/// Not `worker::Request`: building one reads `request.cf`, which the runtime parses from
/// JSON on first access, about 45 µs of CPU time per request (bench/profile-worker.mjs)
/// for a field only the analytics data point uses ([`Incoming::colo`]). And its URL stays
/// text, not a `worker::Url`: parsing it again with the `url` crate cost CPU on every
/// request and brought that crate's IDNA and Unicode tables into the module.
pub struct Incoming {
    raw: web_sys::Request,
    method: String,
    url: String,
    /// The value of each of [`READ_HEADERS`], in its order.
    headers: Vec<Option<String>>,
}

/// The request headers the API reads, fetched once per request in one call
/// (`http::platform`); `request_bounds` checks each against its bound.
pub const READ_HEADERS: [&str; 11] = [
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "if-match",
    "if-none-match",
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
    "x-d1-bookmark",
    "x-request-id",
];

thread_local! {
    /// [`READ_HEADERS`] as a JavaScript array, made once per isolate.
    static READ_HEADER_NAMES: Array = READ_HEADERS.iter().map(|name| JsValue::from_str(name)).collect();
}

impl Incoming {
    pub fn new(raw: web_sys::Request) -> Self {
        let method = raw.method();
        let url = raw.url();
        let headers =
            READ_HEADER_NAMES.with(|names| platform::header_values(&raw.headers(), names));
        Self {
            raw,
            method,
            url,
            headers,
        }
    }

    /// Each of [`READ_HEADERS`] with its value, blank or not.
    pub fn read_headers(&self) -> impl Iterator<Item = (&'static str, Option<&str>)> {
        READ_HEADERS
            .into_iter()
            .zip(self.headers.iter().map(Option::as_deref))
    }

    /// The method exactly as sent.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL as the runtime serialized it (WHATWG: absolute, normalized).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL's path, percent-encoding kept.
    pub fn path(&self) -> &str {
        path_of(&self.url)
    }

    /// A header as sent, blank or not (see [`header`] for the API's reading): one of
    /// [`READ_HEADERS`] as read when the request came in, any other from the request.
    pub fn raw_header(&self, name: &str) -> worker::Result<Option<String>> {
        match READ_HEADERS.iter().position(|read| *read == name) {
            Some(index) => Ok(self.headers.get(index).cloned().flatten()),
            None => Ok(self.raw.headers().get(name)?),
        }
    }

    /// The Cloudflare data centre that received the request (`request.cf.colo`).
    pub fn colo(&self) -> Option<String> {
        let cf = Reflect::get(&self.raw, &"cf".into()).ok()?;
        Reflect::get(&cf, &"colo".into()).ok()?.as_string()
    }

    pub fn body(&self) -> Option<ByteStream> {
        self.raw.body().map(ByteStream::from)
    }

    /// The whole body, read by the runtime in one call.
    pub async fn whole_body(&self) -> worker::Result<Vec<u8>> {
        let buffer = JsFuture::from(self.raw.array_buffer()?).await?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
}

/// The path of an absolute URL: from the end of the authority to the query or fragment.
fn path_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[after_scheme..];
    match rest.find(['/', '?', '#']) {
        Some(start) if rest[start..].starts_with('/') => {
            rest[start..].split(['?', '#']).next().unwrap_or("/")
        }
        _ => "/",
    }
}

/// The request's method if it is one the API serves. workers-rs reads any method it does
/// not know as `GET` (and ignores case), which would serve `PROPFIND` or `get` as a read;
/// here they are no method at all, hence a 405.
pub fn method(req: &Incoming) -> Option<Method> {
    parse_method(req.method())
}

/// The `name=value` pairs of a URL's query string, decoded as HTML forms encode them
/// (`+` is a space), as the `url` crate's `query_pairs()` does.
pub fn query_pairs(url: &str) -> form_urlencoded::Parse<'_> {
    let query = url
        .split_once('?')
        .map_or("", |(_, query)| query.split('#').next().unwrap_or_default());
    form_urlencoded::parse(query.as_bytes())
}

/// `url` with its query string replaced by `pairs`.
pub fn with_query<'a>(url: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let base = url.split(['?', '#']).next().unwrap_or_default();
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{query}")
    }
}

/// `url` without the query parameters named in `dropped`, and with `name=value` last: the
/// URL of a next page, whose position replaces this one's.
pub fn with_position(url: &str, dropped: &[&str], name: &str, value: &str) -> String {
    let kept: Vec<_> = query_pairs(url)
        .filter(|(key, _)| !dropped.contains(&key.as_ref()))
        .collect();
    with_query(
        url,
        kept.iter()
            .map(|(key, value)| (key.as_ref(), value.as_ref()))
            .chain([(name, value)]),
    )
}

/// A request header the API reads; an empty (or blank) value is no value, as clients
/// that send `If-Match:` with nothing after it mean.
pub fn header(req: &Incoming, name: &str) -> worker::Result<Option<String>> {
    Ok(req
        .raw_header(name)?
        .filter(|value| !value.trim_matches([' ', '\t']).is_empty()))
}

/// The methods the API serves, by their exact names: methods are case-sensitive.
const METHODS: [(&str, Method); 7] = [
    ("GET", Method::Get),
    ("HEAD", Method::Head),
    ("POST", Method::Post),
    ("PUT", Method::Put),
    ("PATCH", Method::Patch),
    ("DELETE", Method::Delete),
    ("OPTIONS", Method::Options),
];

fn served_method(raw: &str) -> Option<&'static (&'static str, Method)> {
    METHODS.iter().find(|(name, _)| *name == raw)
}

fn parse_method(raw: &str) -> Option<Method> {
    served_method(raw).map(|(_, method)| method.clone())
}

/// A method as a metrics label: one of a fixed set, whatever the client sent.
pub fn method_label(raw: &str) -> &'static str {
    served_method(raw).map_or("OTHER", |(name, _)| name)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
