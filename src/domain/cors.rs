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
mod tests {
    use super::*;

    #[test]
    fn no_origin_is_allowed_by_default() {
        let origins = AllowedOrigins::parse("").unwrap();
        assert!(origins.is_empty());
        assert!(!origins.allows("https://app.example.com"));
    }

    #[test]
    fn listed_origins_are_allowed_exactly() {
        let origins =
            AllowedOrigins::parse("https://app.example.com, http://localhost:5173").unwrap();

        assert!(origins.allows("https://app.example.com"));
        assert!(origins.allows("https://APP.example.com"));
        assert!(origins.allows("http://localhost:5173"));
        assert!(!origins.allows("https://app.example.com:8443"));
        assert!(!origins.allows("http://app.example.com"));
        assert!(!origins.allows("https://evil.example.com"));
        assert!(!origins.allows("https://app.example.com.evil.net"));
        assert!(!origins.allows("null"));
    }

    #[test]
    fn a_wildcard_or_a_path_is_a_configuration_error() {
        for raw in [
            "*",
            "https://*.example.com",
            "https://app.example.com/",
            "https://app.example.com/path",
            "app.example.com",
            "ftp://app.example.com",
            "https://app.example.com:0",
            "https://app.example.com:99999",
            "https://",
        ] {
            assert!(AllowedOrigins::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn the_allowed_headers_cover_every_request_header_the_api_reads() {
        for header in [
            "Authorization",
            "Idempotency-Key",
            "If-Match",
            "If-None-Match",
            "x-d1-bookmark",
            "Content-Type",
        ] {
            assert!(ALLOWED_REQUEST_HEADERS.contains(header), "{header}");
        }
    }

    #[test]
    fn the_exposed_headers_cover_every_response_header_clients_read() {
        for header in [
            "ETag",
            "Location",
            "Link",
            "X-Total-Count",
            "X-Request-ID",
            "x-d1-bookmark",
            "Idempotent-Replayed",
        ] {
            assert!(EXPOSED_RESPONSE_HEADERS.contains(header), "{header}");
        }
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;
    use crate::domain::arbitrary::{config, edge_text, text};

    /// Origin lists: anything, and lists of near-origins.
    fn origins() -> BoxedStrategy<String> {
        let origin = (
            select(&["https", "http", "HTTPS", "ftp", ""][..]),
            select(&["://", ":/", ""][..]),
            "[a-z0-9.*-]{0,12}",
            select(&["", ":8443", ":0", ":99999", "/", "/x"][..]),
        )
            .prop_map(|(scheme, separator, host, tail)| format!("{scheme}{separator}{host}{tail}"));
        prop_oneof![
            text(40),
            proptest::collection::vec(origin, 0..4).prop_map(|list| list.join(", ")),
            edge_text(10),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn an_origin_list_is_read_whole_or_refused_naming_its_setting(raw in origins()) {
            match AllowedOrigins::parse(&raw) {
                Ok(origins) => {
                    for origin in raw.split(|c: char| c == ',' || c.is_whitespace()).filter(|o| !o.is_empty()) {
                        prop_assert!(origins.allows(origin), "{origin:?} not allowed");
                        prop_assert!(!origin.contains('*'));
                        let rest = origin.split_once("://").unwrap().1;
                        prop_assert!(!rest.contains('/'));
                    }
                }
                Err(message) => prop_assert!(message.starts_with("CORS_ALLOWED_ORIGINS holds")),
            }
        }

        #[test]
        fn no_origin_outside_the_list_is_allowed(raw in origins(), candidate in text(30)) {
            if let Ok(origins) = AllowedOrigins::parse(&raw) {
                let listed = raw
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .any(|origin| !origin.is_empty() && origin.eq_ignore_ascii_case(&candidate));
                prop_assert_eq!(origins.allows(&candidate), listed);
            }
        }
    }
}
