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

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{config, edge_char, loc};
    use proptest::prelude::*;
    use serde_json::json;

    fn well_formed(raw: &str) -> bool {
        (1..=256).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    }

    /// Bookmark-like text around the length limit, sometimes with one odd character.
    fn bookmark_like() -> impl Strategy<Value = String> {
        (
            "[0-9a-f-]{250,260}",
            prop::option::of((edge_char(), any::<prop::sample::Index>())),
        )
            .prop_map(|(mut raw, odd)| {
                if let Some((c, at)) = odd {
                    let at = at.index(raw.len());
                    raw.replace_range(at..=at, &c.to_string());
                }
                raw
            })
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn arbitrary_bookmarks_are_accepted_only_when_well_formed(
            raw in prop_oneof![any::<String>(), "[A-Za-z0-9-]{0,12}", bookmark_like()]
        ) {
            match Bookmark::parse(&raw) {
                Ok(bookmark) => {
                    prop_assert!(well_formed(&raw), "{raw:?} accepted");
                    prop_assert_eq!(bookmark.as_str(), raw.as_str());
                }
                Err(error) => {
                    prop_assert!(!well_formed(&raw), "{raw:?} refused");
                    prop_assert_eq!(loc(&error), json!(["header", "x-d1-bookmark"]));
                }
            }
        }
    }
}
