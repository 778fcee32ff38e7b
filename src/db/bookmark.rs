//! Read-your-writes across D1 read replicas: the session bookmark a client sends back.

use crate::validation::field_error::{ErrorKind, FieldError};

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
mod tests;

#[cfg(test)]
mod properties;
