//! What a request must pass before its handler runs: size bounds, its API key, the rate
//! limit and the scope its operation needs.

use worker::{Env, RateLimiter};

use crate::config::optional_binding;

use crate::db::{api_keys, Database};
use crate::domain::access::{bearer_key, key_hash, ApiKey, Denial, Scope};
use crate::domain::limits::{check_header, check_query, READ_HEADERS};
use crate::error::ApiError;
use crate::http::{self, Incoming};
use crate::telemetry;

/// The `wrangler.toml` `[[ratelimits]]` binding. Unbound, nothing is limited.
const RATE_LIMITER: &str = "RATE_LIMITER";

/// `422` for a header the API reads that is over its bound, or a query string with too
/// many or too long parameters; checked before anything is parsed.
pub fn check_bounds(req: &Incoming) -> Result<(), ApiError> {
    for name in READ_HEADERS {
        if let Some(value) = req.raw_header(name)? {
            check_header(name, &value)?;
        }
    }
    check_query(http::query_pairs(req.url()))?;
    Ok(())
}

/// The key an `Authorization` header presents, if it is a valid, unrevoked one.
pub async fn authenticate(header: &str, db: &Database) -> Result<Option<ApiKey>, ApiError> {
    let key = bearer_key(header).map_err(ApiError::Denied)?;
    match api_keys::find_active(db, &key_hash(key)).await? {
        Some(key) => Ok(Some(key)),
        None => Err(ApiError::Denied(Denial::InvalidKey)),
    }
}

/// `401` without a key where one is needed, `403` when the key lacks the scope.
pub fn authorize(needed: Option<Scope>, key: Option<&ApiKey>) -> Result<(), ApiError> {
    match (needed, key) {
        (None, _) => Ok(()),
        (Some(_), None) => Err(ApiError::Denied(Denial::MissingKey)),
        (Some(scope), Some(key)) if key.grants(scope) => Ok(()),
        (Some(scope), Some(_)) => Err(ApiError::Denied(Denial::InsufficientScope(scope))),
    }
}

/// `429` once the caller is over the configured rate. The caller is its key when it
/// presented a valid one, else its IP (`CF-Connecting-IP`, set by Cloudflare and not
/// forgeable there), so a flood of bad keys is limited too. Should the limiter itself
/// fail, the request is served: an outage of the limiter must not become an outage of
/// the API. The failure is logged.
pub async fn rate_limit(env: &Env, req: &Incoming, key: Option<&ApiKey>) -> Result<(), ApiError> {
    let limiter = match optional_binding::<RateLimiter>(env, RATE_LIMITER) {
        Ok(Some(limiter)) => limiter,
        Ok(None) => return Ok(()),
        Err(problem) => {
            telemetry::warn(
                "rate limiter binding unusable; requests served unlimited",
                &problem,
            );
            return Ok(());
        }
    };
    let subject = match key {
        Some(key) => format!("key:{}", key.id),
        None => format!(
            "ip:{}",
            req.raw_header("cf-connecting-ip")?
                .unwrap_or_else(|| "unknown".to_owned())
        ),
    };
    match limiter.limit(subject).await {
        Ok(outcome) if outcome.success => Ok(()),
        Ok(_) => Err(ApiError::RateLimited),
        Err(error) => {
            telemetry::warn(
                "rate limiter failed; request served unlimited",
                &error.to_string(),
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
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
            Err(ApiError::Denied(Denial::MissingKey))
        );
    }

    #[test]
    fn a_key_without_the_scope_is_403_naming_it() {
        assert_eq!(
            authorize(Some(Scope::Write), Some(&key(r#"["read"]"#))),
            Err(ApiError::Denied(Denial::InsufficientScope(Scope::Write)))
        );
        assert_eq!(
            authorize(Some(Scope::Admin), Some(&key(r#"["write"]"#))),
            Err(ApiError::Denied(Denial::InsufficientScope(Scope::Admin)))
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
}
