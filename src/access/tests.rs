use super::*;

fn key(scopes: &str) -> ApiKey {
    ApiKey::from_row(7, scopes)
}

#[test]
fn nothing_is_asked_of_a_request_that_needs_no_scope() {
    assert_eq!(authorize(None, None), Ok(()));
    assert_eq!(authorize(None, Some(&key(r#"["read"]"#))), Ok(()));
}

#[test]
fn a_request_without_a_key_where_one_is_needed_is_401() {
    assert_eq!(
        authorize(Some(Scope::Read), None),
        Err(ApiError::from(Denial::MissingKey))
    );
}

#[test]
fn a_key_without_the_scope_is_403_naming_it() {
    assert_eq!(
        authorize(Some(Scope::Write), Some(&key(r#"["read"]"#))),
        Err(ApiError::from(Denial::InsufficientScope(Scope::Write)))
    );
    assert_eq!(
        authorize(Some(Scope::Admin), Some(&key(r#"["write"]"#))),
        Err(ApiError::from(Denial::InsufficientScope(Scope::Admin)))
    );
}

#[test]
fn a_key_with_the_scope_or_a_wider_one_passes() {
    assert_eq!(
        authorize(Some(Scope::Write), Some(&key(r#"["write"]"#))),
        Ok(())
    );
    assert_eq!(
        authorize(Some(Scope::Read), Some(&key(r#"["admin"]"#))),
        Ok(())
    );
}
