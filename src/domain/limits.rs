//! Bounds on what a client controls beyond the body (whose limits live in `http` and the
//! DTOs): the query string and the headers the API reads. Every bound is far above what a
//! legitimate request uses and far below what could cost the worker memory or CPU.

use std::borrow::Cow;

use super::{ErrorKind, FieldError};

/// Most query parameters one request may carry (the list takes 15 distinct ones).
pub const MAX_QUERY_PARAMS: usize = 32;

/// Longest query parameter name, in characters.
pub const MAX_QUERY_NAME_CHARS: usize = 64;

/// Longest query parameter value, in characters (a cursor over two 200-character sort
/// keys stays well below).
pub const MAX_QUERY_VALUE_CHARS: usize = 2048;

/// Longest value of a header the API reads, in bytes.
pub const MAX_HEADER_BYTES: usize = 4096;

/// The headers the API reads, each bounded by [`MAX_HEADER_BYTES`] before any is parsed.
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

/// Every problem with the query string's size: too many parameters, or a name or value
/// too long. What the parameters mean is each route's business.
pub fn check_query<'a>(
    pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<(), Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut count = 0;
    for (name, value) in pairs {
        count += 1;
        let name_chars = name.chars().count();
        if name_chars > MAX_QUERY_NAME_CHARS {
            problems.push(FieldError::query_string(ErrorKind::value_error(format!(
                "query parameter names are at most {MAX_QUERY_NAME_CHARS} characters"
            ))));
        } else if value.chars().count() > MAX_QUERY_VALUE_CHARS {
            problems.push(FieldError::query(
                &name,
                ErrorKind::StringTooLong {
                    max: MAX_QUERY_VALUE_CHARS as u64,
                },
            ));
        }
    }
    if count > MAX_QUERY_PARAMS {
        problems.push(FieldError::query_string(ErrorKind::TooLong {
            max: MAX_QUERY_PARAMS,
            actual: count,
        }));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A header value over [`MAX_HEADER_BYTES`], as a `422` entry.
pub fn check_header(name: &str, value: &str) -> Result<(), FieldError> {
    if value.len() > MAX_HEADER_BYTES {
        Err(FieldError::header(
            name,
            ErrorKind::StringTooLong {
                max: MAX_HEADER_BYTES as u64,
            },
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(String, String)]) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
        list.iter()
            .map(|(name, value)| (Cow::from(name.as_str()), Cow::from(value.as_str())))
            .collect()
    }

    fn loc(error: &FieldError) -> serde_json::Value {
        serde_json::to_value(error).unwrap()["loc"].clone()
    }

    #[test]
    fn an_ordinary_query_passes() {
        let list = vec![
            ("limit".to_owned(), "10".to_owned()),
            ("q".to_owned(), "ruta".to_owned()),
        ];
        assert_eq!(check_query(pairs(&list)), Ok(()));
    }

    #[test]
    fn more_than_32_parameters_are_refused() {
        let list: Vec<_> = (0..33).map(|i| (format!("p{i}"), "1".to_owned())).collect();

        let errors = check_query(pairs(&list)).unwrap_err();

        assert_eq!(errors.len(), 1);
        assert_eq!(loc(&errors[0]), json!(["query"]));
        assert_eq!(
            errors[0].kind(),
            &ErrorKind::TooLong {
                max: 32,
                actual: 33
            }
        );
    }

    #[test]
    fn a_value_over_2048_characters_is_refused_at_its_name() {
        let list = vec![("cursor".to_owned(), "é".repeat(2049))];

        let errors = check_query(pairs(&list)).unwrap_err();

        assert_eq!(loc(&errors[0]), json!(["query", "cursor"]));
        assert_eq!(errors[0].kind(), &ErrorKind::StringTooLong { max: 2048 });
    }

    #[test]
    fn a_value_of_exactly_2048_characters_passes() {
        let list = vec![("cursor".to_owned(), "é".repeat(2048))];
        assert_eq!(check_query(pairs(&list)), Ok(()));
    }

    #[test]
    fn an_overlong_name_is_refused_without_echoing_it() {
        let list = vec![("n".repeat(65), "1".to_owned())];

        let errors = check_query(pairs(&list)).unwrap_err();

        assert_eq!(loc(&errors[0]), json!(["query"]));
    }

    #[test]
    fn a_header_over_4096_bytes_is_refused_at_its_name() {
        assert_eq!(check_header("if-match", &"a".repeat(4096)), Ok(()));
        let error = check_header("if-match", &"a".repeat(4097)).unwrap_err();
        assert_eq!(loc(&error), json!(["header", "if-match"]));
    }
}

#[cfg(test)]
mod properties {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;
    use crate::domain::arbitrary::{config, loc, text};

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn a_query_passes_exactly_when_every_bound_holds(pairs in vec((text(MAX_QUERY_NAME_CHARS), text(MAX_QUERY_VALUE_CHARS)), 0..40)) {
            let within = pairs.len() <= MAX_QUERY_PARAMS
                && pairs.iter().all(|(name, value)| {
                    name.chars().count() <= MAX_QUERY_NAME_CHARS
                        && value.chars().count() <= MAX_QUERY_VALUE_CHARS
                });

            let checked = check_query(pairs.iter().map(|(n, v)| (Cow::from(n.as_str()), Cow::from(v.as_str()))));

            prop_assert_eq!(checked.is_ok(), within);
            for error in checked.err().unwrap_or_default() {
                let loc = loc(&error);
                prop_assert_eq!(&loc[0], "query");
                if let Some(name) = loc.get(1) {
                    prop_assert!(pairs.iter().any(|(n, _)| name == n.as_str()));
                }
            }
        }

        #[test]
        fn a_header_passes_exactly_within_its_byte_bound(value in text(MAX_HEADER_BYTES)) {
            let checked = check_header("if-match", &value);

            prop_assert_eq!(checked.is_ok(), value.len() <= MAX_HEADER_BYTES);
            if let Err(error) = checked {
                prop_assert_eq!(loc(&error), serde_json::json!(["header", "if-match"]));
            }
        }
    }
}
