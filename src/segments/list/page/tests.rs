use super::*;
use crate::validation::ErrorKind;

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

#[test]
fn offset_paging_reaches_ten_thousand_rows_and_no_further() {
    assert_eq!(page(&[("skip", "9900")]).unwrap().skip(), 9900);
    assert_eq!(
        page(&[("skip", "9000"), ("limit", "1000")]).unwrap().skip(),
        9000
    );
    assert_eq!(
        page(&[("skip", "10000"), ("limit", "0")]).unwrap().skip(),
        10000
    );

    for query in [
        &[("skip", "9901")][..],
        &[("skip", "9001"), ("limit", "1000")],
        &[("skip", "900000")],
        &[("skip", "9007199254740991"), ("limit", "1000")],
    ] {
        let errors = page(query).unwrap_err();
        assert_eq!(errors.len(), 1, "{query:?}");
        assert_eq!(errors[0].kind().code(), "value_error", "{query:?}");
    }
}

#[test]
fn a_skip_past_the_window_is_told_how_far_it_may_go_and_to_follow_the_cursor() {
    let errors = page(&[("skip", "20000"), ("limit", "50")]).unwrap_err();

    let message = errors[0].kind().message();
    assert!(message.contains("at most 10000"), "{message}");
    assert!(
        message.contains("skip at most 9950 with limit 50"),
        "{message}"
    );
    assert!(message.contains("cursor"), "{message}");
}
