//! Cross-origin requests from browsers: an allow-list of exact origins
//! (`CORS_ALLOWED_ORIGINS` in `wrangler.toml`; none by default).
//!
//! An allowed origin is echoed back, never `*`, and no credentials are ever allowed: the
//! API authenticates with a header the page sets itself, not with cookies.

/// Request headers a cross-origin page may send, beyond the CORS-safelisted ones.
pub const ALLOWED_REQUEST_HEADERS: &str = "Authorization, Content-Type, Idempotency-Key, \
     If-Match, If-None-Match, X-Request-ID, x-d1-bookmark";

/// Response headers a cross-origin page may read, beyond the CORS-safelisted ones.
pub const EXPOSED_RESPONSE_HEADERS: &str = "ETag, Location, Link, X-Total-Count, X-Request-ID, \
     x-d1-bookmark, Idempotent-Replayed, Retry-After, Server-Timing, WWW-Authenticate";

/// How long a browser may cache a preflight answer, in seconds.
pub const PREFLIGHT_MAX_AGE_SECONDS: &str = "600";

/// The origins allowed to call the API from a browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

impl AllowedOrigins {
    /// A comma- or space-separated list of origins (`https://app.example.com`). Each must
    /// be a bare `http(s)://host[:port]`; `*` and paths are configuration mistakes.
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|origin| !origin.is_empty())
            .map(|origin| {
                if is_origin(origin) {
                    Ok(origin.to_ascii_lowercase())
                } else {
                    Err(format!(
                        "CORS_ALLOWED_ORIGINS holds {origin:?}; expected origins like \
                         \"https://app.example.com\" (no \"*\", no path)"
                    ))
                }
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a request's `Origin` is on the list (origins compare case-insensitively).
    pub fn allows(&self, origin: &str) -> bool {
        self.0
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }
}

/// `scheme://host[:port]` with an http(s) scheme and nothing after the authority.
fn is_origin(candidate: &str) -> bool {
    let Some((scheme, authority)) = candidate.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http");
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-'));
    let port_ok = port.is_none_or(|port| port.parse::<u16>().is_ok_and(|port| port > 0));
    scheme_ok && host_ok && port_ok
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
