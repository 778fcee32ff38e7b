//! HTTP plumbing every route shares: request ids, JSON bodies in and out, common headers.

use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::js_sys::{Reflect, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::web_sys;
use worker::{ByteStream, Headers, Method, Response, ResponseBuilder};

use crate::domain::consistency::BOOKMARK_HEADER;
use crate::domain::idempotency::{StoredResponse, REPLAYED_HEADER};
use crate::domain::input::parse_json;
use crate::domain::precondition::TagList;
use crate::error::ApiError;

/// Largest body a single-segment write may carry.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Largest body of a bulk import: room for 1000 segments with every text field at its
/// longest in multi-byte UTF-8 (about 9.8 KB each as JSON).
pub const MAX_BULK_BODY_BYTES: usize = 10 * 1024 * 1024;

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
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A JSON response with the given status.
pub fn json_response<T: Serialize + ?Sized>(status: u16, body: &T) -> worker::Result<Response> {
    json_response_as(status, body, "application/json")
}

/// A JSON body of another JSON media type (`application/geo+json`).
pub fn json_response_as<T: Serialize + ?Sized>(
    status: u16,
    body: &T,
    media_type: &str,
) -> worker::Result<Response> {
    bytes_response(status, serde_json::to_vec(body)?, media_type)
}

/// A response with a body already serialized.
pub fn bytes_response(status: u16, body: Vec<u8>, media_type: &str) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", media_type)?;
    Ok(ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .fixed(body))
}

/// A created resource's response, first answered or replayed for an idempotency key.
pub fn stored_response(stored: &StoredResponse, replayed: bool) -> worker::Result<Response> {
    let headers = Headers::new();
    for (name, value) in &stored.headers {
        headers.set(name, value)?;
    }
    if replayed {
        headers.set(REPLAYED_HEADER, "true")?;
    }
    Ok(ResponseBuilder::new()
        .with_status(stored.status)
        .with_headers(headers)
        .fixed(stored.body.clone().into_bytes()))
}

/// Gives a `GET` response its `ETag`, or answers `304 Not Modified` (with the same
/// `ETag` and `Vary`, and no body) when the client's `If-None-Match` names it. A
/// malformed `If-None-Match` is ignored: the full response is always a correct answer.
pub fn conditional_get(
    mut response: Response,
    etag: &str,
    if_none_match: Option<&str>,
) -> worker::Result<Response> {
    let unchanged = if_none_match
        .and_then(|raw| TagList::parse(raw).ok())
        .is_some_and(|tags| tags.matches_weakly(etag));
    if unchanged {
        let vary = response.headers().get("vary")?;
        response = empty_response(304);
        if let Some(vary) = vary {
            response.headers_mut().set("vary", &vary)?;
        }
    }
    response.headers_mut().set("etag", etag)?;
    Ok(response)
}

/// A response with a status and no body.
pub fn empty_response(status: u16) -> Response {
    ResponseBuilder::new().with_status(status).empty()
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
}

impl Incoming {
    pub fn new(raw: web_sys::Request) -> Self {
        let method = raw.method();
        let url = raw.url();
        Self { raw, method, url }
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

    /// A header as sent, blank or not (see [`header`] for the API's reading).
    pub fn raw_header(&self, name: &str) -> worker::Result<Option<String>> {
        Ok(self.raw.headers().get(name)?)
    }

    /// The Cloudflare data centre that received the request (`request.cf.colo`).
    pub fn colo(&self) -> Option<String> {
        let cf = Reflect::get(&self.raw, &"cf".into()).ok()?;
        Reflect::get(&cf, &"colo".into()).ok()?.as_string()
    }

    fn body(&self) -> Option<ByteStream> {
        self.raw.body().map(ByteStream::from)
    }

    /// The whole body, read by the runtime in one call.
    async fn whole_body(&self) -> worker::Result<Vec<u8>> {
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

/// The `Content-Security-Policy` of every response that does not set its own: API
/// responses are data, never documents that may run or embed anything.
const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// What [`finish`] adds to a response beyond the security headers.
pub struct Finish<'a> {
    pub request_id: &'a str,
    /// The route's `Cache-Control`, whatever the status.
    pub cache_control: Option<&'a str>,
    /// The D1 session's bookmark, if the request had a session.
    pub bookmark: Option<&'a str>,
    pub server_timing: &'a str,
}

/// Headers every response carries: the request id, the security headers (OWASP's for
/// APIs), `Server-Timing`, and those of [`Finish`]. (The runtime drops the body of an
/// answer to `HEAD`, as HTTP requires.)
pub fn finish(mut response: Response, with: &Finish<'_>) -> worker::Result<Response> {
    let headers = response.headers_mut();
    headers.set("x-request-id", with.request_id)?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("x-frame-options", "DENY")?;
    headers.set("referrer-policy", "no-referrer")?;
    headers.set(
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    )?;
    if headers.get("content-security-policy")?.is_none() {
        headers.set("content-security-policy", API_CONTENT_SECURITY_POLICY)?;
    }
    headers.set("server-timing", with.server_timing)?;
    if let Some(cache_control) = with.cache_control {
        headers.set("cache-control", cache_control)?;
    }
    if let Some(bookmark) = with.bookmark {
        headers.set(BOOKMARK_HEADER, bookmark)?;
    }
    Ok(response)
}

/// How a request body is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyType {
    /// `application/json`, any other `application/*+json`, or no type at all.
    Json,
    /// `application/geo+json`.
    GeoJson,
}

/// Reads a JSON body into a DTO: `415` unless it is declared as JSON, `413` past
/// [`MAX_BODY_BYTES`], `422` when it is not a JSON object.
pub async fn json_body<T: DeserializeOwned>(req: &Incoming) -> Result<T, ApiError> {
    let (_, body) = read_body(req, MAX_BODY_BYTES).await?;
    Ok(parse_json(&body)?)
}

/// The raw body of a JSON write and how it is declared: `415` unless it is declared as
/// JSON, `413` past `limit` bytes.
pub async fn read_body(req: &Incoming, limit: usize) -> Result<(BodyType, Vec<u8>), ApiError> {
    let body_type = json_body_type(req.raw_header("content-type")?.as_deref())
        .ok_or(ApiError::UnsupportedMediaType)?;
    let body = match declared(req.raw_header("content-length")?.as_deref(), limit) {
        Declared::TooLarge => return Err(ApiError::PayloadTooLarge { limit }),
        // The runtime frames the body by its length: read it whole, natively, rather than
        // chunk by chunk through wasm (checked again all the same, as it costs nothing).
        Declared::Within => req.whole_body().await?,
        Declared::Unknown => read_chunks(req, limit).await?,
    };
    if body.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok((body_type, body))
}

/// A body sent without a length (chunked), read chunk by chunk so that it is refused as
/// soon as it passes the limit rather than buffered whole.
async fn read_chunks(req: &Incoming, limit: usize) -> Result<Vec<u8>, ApiError> {
    let Some(mut chunks) = req.body() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What a request's `Content-Length` says of its body against a limit.
#[derive(Debug, PartialEq, Eq)]
enum Declared {
    TooLarge,
    Within,
    /// No length, or one that is not a number: the chunked read enforces the limit.
    Unknown,
}

fn declared(content_length: Option<&str>, limit: usize) -> Declared {
    match content_length.and_then(|length| length.trim().parse::<u64>().ok()) {
        Some(length) if length > limit as u64 => Declared::TooLarge,
        Some(_) => Declared::Within,
        None => Declared::Unknown,
    }
}

/// `application/json` or any `application/*+json`, parameters ignored; `None` for any
/// other type. A missing type is JSON because the FastAPI server read such bodies as
/// JSON and old clients rely on it.
fn json_body_type(content_type: Option<&str>) -> Option<BodyType> {
    let Some(content_type) = content_type else {
        return Some(BodyType::Json);
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == crate::domain::geojson::MEDIA_TYPE {
        Some(BodyType::GeoJson)
    } else if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Some(BodyType::Json)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(url: &str) -> Vec<(String, String)> {
        query_pairs(url)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect()
    }

    #[test]
    fn the_path_of_a_url_stops_at_its_query_and_keeps_its_encoding() {
        for (url, path) in [
            ("https://x.test/", "/"),
            ("https://x.test", "/"),
            (
                "http://127.0.0.1:8787/api/v1/segmentos?limit=5",
                "/api/v1/segmentos",
            ),
            ("https://x.test/a%3F%2Fb?c=/d", "/a%3F%2Fb"),
            ("https://x.test/a#frag", "/a"),
            ("https://x.test?q=1", "/"),
            ("https://x.test?q=/a", "/"),
        ] {
            assert_eq!(path_of(url), path, "{url}");
        }
    }

    #[test]
    fn query_pairs_are_decoded_as_forms_encode_them() {
        assert_eq!(
            pairs("https://x.test/a?q=Av.+Col%C3%B3n&limit=5&flag"),
            [("q", "Av. Colón"), ("limit", "5"), ("flag", "")].map(|(k, v)| (k.into(), v.into()))
        );
    }

    #[test]
    fn a_url_without_a_query_has_no_pairs_and_a_fragment_is_not_query() {
        assert!(pairs("https://x.test/a").is_empty());
        assert!(pairs("https://x.test/a?").is_empty());
        assert_eq!(
            pairs("https://x.test/a?b=1#c=2"),
            [("b".into(), "1".into())]
        );
    }

    #[test]
    fn with_query_replaces_the_query_and_encodes_it() {
        let url = "https://x.test/api/v1/segmentos?skip=2&q=x";
        assert_eq!(
            with_query(url, [("q", "a b&c"), ("cursor", "eyJ9")]),
            "https://x.test/api/v1/segmentos?q=a+b%26c&cursor=eyJ9"
        );
        assert_eq!(with_query(url, []), "https://x.test/api/v1/segmentos");
    }

    #[test]
    fn only_the_exact_methods_the_api_serves_are_methods() {
        assert_eq!(parse_method("PATCH"), Some(Method::Patch));
        for raw in ["get", "Post", "PROPFIND", "TRACE", "CONNECT", ""] {
            assert_eq!(parse_method(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn an_unknown_method_is_labelled_other() {
        assert_eq!(method_label("DELETE"), "DELETE");
        assert_eq!(method_label("PROPFIND"), "OTHER");
    }

    #[test]
    fn a_well_formed_caller_request_id_is_kept() {
        assert_eq!(request_id(Some("abc-123_X.y")), "abc-123_X.y");
        let longest = "a".repeat(128);
        assert_eq!(request_id(Some(&longest)), longest);
    }

    #[test]
    fn a_request_id_with_unsafe_characters_is_replaced() {
        for bad in [
            "",
            "with space",
            "new\nline",
            "quote\"",
            "ñ",
            &"a".repeat(129),
        ] {
            assert_ne!(request_id(Some(bad)), bad, "{bad:?}");
        }
    }

    #[test]
    fn a_generated_request_id_is_a_version_4_uuid() {
        let id = format_uuid_v4([0xff; 16]);

        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert!(is_acceptable_request_id(&id));
    }

    #[test]
    fn generated_request_ids_differ() {
        assert_ne!(request_id(None), request_id(None));
    }

    #[test]
    fn json_and_json_suffixed_media_types_are_accepted() {
        for accepted in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/merge-patch+json",
        ] {
            assert_eq!(
                json_body_type(Some(accepted)),
                Some(BodyType::Json),
                "{accepted}"
            );
        }
    }

    #[test]
    fn other_media_types_are_refused() {
        for refused in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp",
            "",
        ] {
            assert_eq!(json_body_type(Some(refused)), None, "{refused}");
        }
    }

    #[test]
    fn geojson_is_told_apart_from_other_json() {
        for geojson in [
            "application/geo+json",
            "Application/Geo+JSON; charset=utf-8",
        ] {
            assert_eq!(
                json_body_type(Some(geojson)),
                Some(BodyType::GeoJson),
                "{geojson}"
            );
        }
    }

    #[test]
    fn a_missing_media_type_is_read_as_json_like_the_old_server() {
        assert_eq!(json_body_type(None), Some(BodyType::Json));
    }

    #[test]
    fn a_declared_length_over_the_limit_is_too_large() {
        assert_eq!(declared(Some("65536"), MAX_BODY_BYTES), Declared::Within);
        assert_eq!(declared(Some("65537"), MAX_BODY_BYTES), Declared::TooLarge);
        assert_eq!(
            declared(Some("65537"), MAX_BULK_BODY_BYTES),
            Declared::Within
        );
        assert_eq!(
            declared(Some("not a number"), MAX_BODY_BYTES),
            Declared::Unknown
        );
        assert_eq!(declared(None, MAX_BODY_BYTES), Declared::Unknown);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{config, edge_text, number_text, text_around};
    use proptest::prelude::*;
    use proptest::sample::select;

    fn is_uuid_v4(id: &str) -> bool {
        let bytes = id.as_bytes();
        id.len() == 36
            && [8, 13, 18, 23].iter().all(|&at| bytes[at] == b'-')
            && bytes[14] == b'4'
            && matches!(bytes[19], b'8' | b'9' | b'a' | b'b')
            && id
                .bytes()
                .filter(|b| *b != b'-')
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    fn media_type() -> impl Strategy<Value = String> {
        let essence = prop_oneof![
            select(
                &[
                    "application/json",
                    "Application/JSON",
                    "application/geo+json",
                    "APPLICATION/GEO+JSON",
                    "application/merge-patch+json",
                    "application/jsonp",
                    "application/+json",
                    "text/json",
                    "text/plain",
                    "application/geo+jsonx",
                    "multipart/form-data",
                    "",
                    " ",
                    "application/json ",
                ][..]
            )
            .prop_map(str::to_owned),
            edge_text(12),
            any::<String>(),
        ];
        let parameters = select(&["", "; charset=utf-8", ";", "; boundary=\"a;b\"", " ;q=1"][..]);
        (select(&["", " ", "\t"][..]), essence, parameters)
            .prop_map(|(pad, essence, parameters)| format!("{pad}{essence}{parameters}"))
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn a_method_is_served_only_under_its_exact_name(raw in prop_oneof![
            select(&["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "Patch", "PROPFIND", "TRACE", ""][..]).prop_map(String::from),
            edge_text(8),
        ]) {
            let served = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].contains(&raw.as_str());

            prop_assert_eq!(parse_method(&raw).is_some(), served);
            prop_assert_eq!(method_label(&raw), if served { raw.as_str() } else { "OTHER" });
        }

        #[test]
        fn a_caller_request_id_is_echoed_only_when_safe(
            id in prop_oneof![any::<String>(), edge_text(8), "[A-Za-z0-9._-]{0,4}", "[A-Za-z0-9._-]{126,130}", text_around(128)]
        ) {
            let safe = (1..=128).contains(&id.len())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));

            let chosen = request_id(Some(&id));

            if safe {
                prop_assert_eq!(chosen, id);
            } else {
                prop_assert!(is_uuid_v4(&chosen), "{chosen}");
                prop_assert!(is_acceptable_request_id(&chosen));
            }
        }

        #[test]
        fn a_generated_request_id_is_a_version_4_uuid(bytes in any::<[u8; 16]>()) {
            let id = format_uuid_v4(bytes);

            prop_assert!(is_uuid_v4(&id), "{id}");
            prop_assert!(is_acceptable_request_id(&id));
        }

        #[test]
        fn a_declared_length_is_too_large_only_when_it_is_a_number_over_the_limit(
            length in prop_oneof![number_text(), any::<String>(), any::<u64>().prop_map(|n| n.to_string())],
            limit in prop_oneof![Just(MAX_BODY_BYTES), Just(MAX_BULK_BODY_BYTES), any::<usize>()],
        ) {
            let expected = match length.trim().parse::<u64>() {
                Ok(n) if u128::from(n) > limit as u128 => Declared::TooLarge,
                Ok(_) => Declared::Within,
                Err(_) => Declared::Unknown,
            };

            prop_assert_eq!(declared(Some(&length), limit), expected);
        }

        #[test]
        fn a_body_type_is_json_only_for_json_media_types_whatever_the_case_or_parameters(
            content_type in media_type()
        ) {
            let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            let expected = if essence == "application/geo+json" {
                Some(BodyType::GeoJson)
            } else if essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
            {
                Some(BodyType::Json)
            } else {
                None
            };

            prop_assert_eq!(json_body_type(Some(&content_type)), expected);
            prop_assert_eq!(json_body_type(Some(&content_type.to_ascii_uppercase())), expected);
            prop_assert_eq!(json_body_type(Some(&format!("{content_type}; charset=utf-8"))), expected);
        }
    }
}
