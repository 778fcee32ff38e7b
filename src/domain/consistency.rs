//! Read-your-writes across D1 read replicas: the session bookmark a client sends back.

use super::field_error::{ErrorKind, FieldError};

/// The request and response header that carries a bookmark.
pub const BOOKMARK_HEADER: &str = "x-d1-bookmark";

/// Longest bookmark accepted; D1's are well under 100 characters.
const MAX_BOOKMARK_CHARS: usize = 256;

/// A D1 session bookmark from an earlier response. Opaque to us; checked only so that
/// no arbitrary text reaches D1 or the response headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bookmark(String);

impl Bookmark {
    /// 1 to 256 characters of `[A-Za-z0-9-]` (D1's bookmarks are hex groups and dashes).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let valid = (1..=MAX_BOOKMARK_CHARS).contains(&raw.len())
            && raw
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::header(
                BOOKMARK_HEADER,
                ErrorKind::value_error("a bookmark is 1 to 256 characters of A-Z, a-z, 0-9 and -"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_d1_bookmark_is_accepted() {
        let raw = "0000000a-00000003-00004fa2-46dd26e4f2bbd32fbad0ab6a2a4d5a1f";

        assert_eq!(Bookmark::parse(raw).unwrap().as_str(), raw);
    }

    #[test]
    fn an_empty_long_or_odd_bookmark_is_refused_on_its_header() {
        for raw in ["", &"a".repeat(257), "a b", "a\"b", "ñ", "a,b", "a\r\nb"] {
            let error = Bookmark::parse(raw).unwrap_err();
            let value = serde_json::to_value(&error).unwrap();
            assert_eq!(
                value["loc"],
                serde_json::json!(["header", "x-d1-bookmark"]),
                "{raw:?}"
            );
        }
    }
}
