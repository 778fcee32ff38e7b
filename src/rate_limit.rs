//! The rate limit (`[[ratelimits]]` in `wrangler.toml`): per API key, or per IP without
//! one. Unbound, nothing is limited.

use worker::{Env, RateLimiter};

use crate::access::keys::ApiKey;
use crate::config::optional_binding;
use crate::error::ApiError;
use crate::http::Incoming;
use crate::observability::telemetry;

/// The `wrangler.toml` `[[ratelimits]]` binding.
const RATE_LIMITER: &str = "RATE_LIMITER";

/// `429` once the caller is over the configured rate. The caller is its key when it
/// presented a valid one, else its IP (`CF-Connecting-IP`, set by Cloudflare and not
/// forgeable there), so a flood of bad keys is limited too. Should the limiter itself
/// fail, the request is served: an outage of the limiter must not become an outage of
/// the API. The failure is logged.
pub async fn check(env: &Env, req: &Incoming, key: Option<&ApiKey>) -> Result<(), ApiError> {
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
