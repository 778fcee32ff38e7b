//! `skip` / `limit` paging of the segment list.

use super::field_error::FieldError;
use super::input::{integer_in_range, MAX_SAFE_INTEGER};

/// One page of a listing. `limit` 0 is allowed: it returns no rows but still the
/// `X-Total-Count`, a cheap way to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    skip: i64,
    limit: i64,
}

impl Page {
    pub const DEFAULT_LIMIT: i64 = 100;
    pub const MAX_LIMIT: i64 = 1000;

    /// Reads the raw `skip` and `limit` parameters; each bad one adds its problem to
    /// `errors` (both are reported when both are bad).
    pub fn parse(skip: Option<&str>, limit: Option<&str>, errors: &mut Vec<FieldError>) -> Self {
        let mut read = |name: &str, raw: Option<&str>, default: i64, max: i64| {
            let Some(raw) = raw else { return default };
            integer_in_range(raw, 0, max).unwrap_or_else(|kind| {
                errors.push(FieldError::query(name, kind));
                default
            })
        };
        Self {
            skip: read("skip", skip, 0, MAX_SAFE_INTEGER),
            limit: read("limit", limit, Self::DEFAULT_LIMIT, Self::MAX_LIMIT),
        }
    }

    pub fn skip(&self) -> i64 {
        self.skip
    }

    pub fn limit(&self) -> i64 {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ErrorKind;

    fn page(query: &[(&str, &str)]) -> Result<Page, Vec<FieldError>> {
        let value = |name: &str| {
            query
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| *value)
        };
        let mut errors = Vec::new();
        let page = Page::parse(value("skip"), value("limit"), &mut errors);
        if errors.is_empty() {
            Ok(page)
        } else {
            Err(errors)
        }
    }

    #[test]
    fn no_parameters_give_the_first_hundred() {
        let page = page(&[]).unwrap();

        assert_eq!((page.skip(), page.limit()), (0, 100));
    }

    #[test]
    fn skip_and_limit_are_read() {
        let page = page(&[("skip", "20"), ("limit", "5")]).unwrap();

        assert_eq!((page.skip(), page.limit()), (20, 5));
    }

    #[test]
    fn a_limit_of_1000_is_accepted_and_0_counts_only() {
        assert_eq!(page(&[("limit", "1000")]).unwrap().limit(), 1000);
        assert_eq!(page(&[("limit", "0")]).unwrap().limit(), 0);
    }

    #[test]
    fn a_limit_of_1001_is_rejected() {
        let errors = page(&[("limit", "1001")]).unwrap_err();

        assert_eq!(
            errors,
            [FieldError::query(
                "limit",
                ErrorKind::LessThanEqual { max: 1000.0 }
            )]
        );
    }

    #[test]
    fn a_negative_skip_is_rejected() {
        let errors = page(&[("skip", "-1")]).unwrap_err();

        assert_eq!(
            errors,
            [FieldError::query(
                "skip",
                ErrorKind::GreaterThanEqual { min: 0.0 }
            )]
        );
    }

    #[test]
    fn bad_skip_and_limit_are_both_reported() {
        let errors = page(&[("skip", "x"), ("limit", "-5")]).unwrap_err();

        let codes: Vec<_> = errors.iter().map(|error| error.kind().code()).collect();
        assert_eq!(codes, ["int_parsing", "greater_than_equal"]);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{config, loc, number_text};
    use proptest::prelude::*;
    use serde_json::json;

    /// What the parameter must read as: `Some(n)` for a valid value, `None` for a bad one.
    fn expected(raw: Option<&str>, default: i64, max: i64) -> Option<i64> {
        match raw {
            None => Some(default),
            Some(raw) => raw
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=max).contains(n)),
        }
    }

    fn parameter() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![number_text(), any::<String>()])
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn a_page_is_in_range_or_each_bad_parameter_is_named(
            skip in parameter(),
            limit in parameter(),
        ) {
            let mut errors = Vec::new();
            let page = Page::parse(skip.as_deref(), limit.as_deref(), &mut errors);

            let want_skip = expected(skip.as_deref(), 0, MAX_SAFE_INTEGER);
            let want_limit = expected(limit.as_deref(), Page::DEFAULT_LIMIT, Page::MAX_LIMIT);
            let named: Vec<_> = errors.iter().map(loc).collect();
            let mut want_named = Vec::new();
            if want_skip.is_none() {
                want_named.push(json!(["query", "skip"]));
            }
            if want_limit.is_none() {
                want_named.push(json!(["query", "limit"]));
            }
            prop_assert_eq!(named, want_named);
            prop_assert!((0..=MAX_SAFE_INTEGER).contains(&page.skip()));
            prop_assert!((0..=Page::MAX_LIMIT).contains(&page.limit()));
            prop_assert_eq!(page.skip(), want_skip.unwrap_or(0));
            prop_assert_eq!(page.limit(), want_limit.unwrap_or(Page::DEFAULT_LIMIT));
        }
    }
}
