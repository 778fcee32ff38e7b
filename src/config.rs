//! The worker's configuration: `wrangler.toml` vars, read once per request (reading a
//! var is a property lookup) and refused loudly when wrong rather than guessed.

use worker::{js_sys, Env, EnvBinding};

use crate::access::keys::AccessMode;
use crate::cors::origins::AllowedOrigins;

/// `open`, `writes` or `all`: see [`AccessMode`].
const ACCESS_MODE: &str = "ACCESS_MODE";
/// Origins allowed to call the API from a browser, comma- or space-separated.
const CORS_ALLOWED_ORIGINS: &str = "CORS_ALLOWED_ORIGINS";

/// Days the changes feed keeps a delete's tombstone; unset means [`DEFAULT_RETENTION_DAYS`].
const CHANGES_RETENTION_DAYS: &str = "CHANGES_RETENTION_DAYS";
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

#[derive(Debug, Clone)]
pub struct Config {
    pub access: AccessMode,
    pub cors: AllowedOrigins,
}

impl Config {
    /// The configuration, or why it is unusable. An unset `ACCESS_MODE` means `writes`:
    /// a deployment that forgot it is not left open.
    pub fn from_env(env: &Env) -> Result<Self, String> {
        let var = |name: &str| env.var(name).ok().map(|value| value.to_string());
        let access = match var(ACCESS_MODE) {
            Some(raw) => AccessMode::parse(&raw)?,
            None => AccessMode::Writes,
        };
        let cors = AllowedOrigins::parse(&var(CORS_ALLOWED_ORIGINS).unwrap_or_default())?;
        Ok(Self { access, cors })
    }

    /// A warning worth logging once per isolate, if the configuration deserves one.
    pub fn notice(&self) -> Option<&'static str> {
        (self.access == AccessMode::Open).then_some(
            "ACCESS_MODE is \"open\": every request is served without an API key. Use it \
             for local development only; deployed environments use \"writes\" or \"all\".",
        )
    }
}

/// How many days the changes feed keeps tombstones (only the cron job reads it), or why
/// the var is unusable.
pub fn changes_retention_days(env: &Env) -> Result<u32, String> {
    match env.var(CHANGES_RETENTION_DAYS) {
        Ok(raw) => parse_retention_days(&raw.to_string()),
        Err(_) => Ok(DEFAULT_RETENTION_DAYS),
    }
}

/// A whole number of days, at least 1: a feed that forgot deletes at once would answer
/// every client's token with `410`.
pub fn parse_retention_days(raw: &str) -> Result<u32, String> {
    match raw.trim().parse::<u32>() {
        Ok(days) if days >= 1 => Ok(days),
        _ => Err(format!(
            "{CHANGES_RETENTION_DAYS} is {raw:?}; expected a whole number of days, at least 1"
        )),
    }
}

/// Whether the environment has a binding (or var) of this name.
pub fn is_bound(env: &Env, name: &str) -> bool {
    js_sys::Reflect::get(env, &name.into()).is_ok_and(|value| !value.is_undefined())
}

/// An optional binding (the rate limiter, the analytics dataset): `Ok(None)` when it is not
/// configured; an error when it is configured but is not what its name promises, so that
/// a misconfiguration is reported rather than silently skipped.
pub fn optional_binding<T: EnvBinding>(env: &Env, name: &str) -> Result<Option<T>, String> {
    if !is_bound(env, name) {
        return Ok(None);
    }
    env.get_binding::<T>(name)
        .map(Some)
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests;
