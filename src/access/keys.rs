//! Who may do what: access modes, API-key scopes, and the `Authorization: Bearer` header.
//!
//! Keys are minted by `npm run keys -- create` (scripts/keys.mjs) as `rwk_` followed by 32
//! random bytes in unpadded base64url. D1 stores only their SHA-256: a key has 256 bits of
//! entropy, so a fast hash is as safe as a slow one and keeps the lookup cheap.

use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Every key starts with this, so a leaked key is recognisable (secret scanners).
pub const KEY_PREFIX: &str = "rwk_";

/// Characters after the prefix: 32 bytes in unpadded base64url.
const KEY_SECRET_CHARS: usize = 43;

/// The realm every challenge names.
const REALM: &str = "recway";

/// Which requests need a key (`ACCESS_MODE` in `wrangler.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessMode {
    /// No key is needed and `Authorization` is ignored: local development.
    Open,
    /// Writes need a key with the `write` scope; reads are public.
    Writes,
    /// Every API request needs a key (health checks and the static pages stay public).
    All,
}

impl AccessMode {
    /// The configured mode; an unknown value is refused, never guessed.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "open" => Ok(Self::Open),
            "writes" => Ok(Self::Writes),
            "all" => Ok(Self::All),
            other => Err(format!(
                "ACCESS_MODE is {other:?}; expected one of \"open\", \"writes\", \"all\""
            )),
        }
    }
}

/// What a key may do. `admin` includes `write`, which includes `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }
}

/// What a request touches, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// Health checks and the map page: always public, so monitors need no secret.
    Public,
    /// The segment API.
    Segments,
    /// `/metrics`.
    Metrics,
}

/// The scope a request needs, or `None` when it needs no key. `writes` means a method
/// that changes data (POST, PUT, PATCH, DELETE).
pub fn required_scope(mode: AccessMode, resource: Resource, writes: bool) -> Option<Scope> {
    match (mode, resource) {
        (AccessMode::Open, _) | (_, Resource::Public) => None,
        (_, Resource::Metrics) => Some(Scope::Admin),
        (_, Resource::Segments) if writes => Some(Scope::Write),
        (AccessMode::All, Resource::Segments) => Some(Scope::Read),
        (AccessMode::Writes, Resource::Segments) => None,
    }
}

/// A verified key: its id (for rate limits and logs; never the key itself) and scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub scopes: Vec<Scope>,
}

impl ApiKey {
    /// The key from its stored row. Scopes are a JSON array; names this version does not
    /// know grant nothing.
    pub fn from_row(id: i64, scopes_json: &str) -> Self {
        let names: Vec<String> = serde_json::from_str(scopes_json).unwrap_or_default();
        Self {
            id,
            scopes: names.iter().filter_map(|name| Scope::parse(name)).collect(),
        }
    }

    pub fn grants(&self, needed: Scope) -> bool {
        self.scopes.iter().any(|&scope| scope >= needed)
    }
}

/// Why a request is refused a `401` or `403`; each names its RFC 6750 challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// No `Authorization` header: 401.
    MissingKey,
    /// Not `Bearer`, not a key, unknown or revoked: 401.
    InvalidKey,
    /// A valid key without the scope: 403.
    InsufficientScope(Scope),
}

impl Denial {
    pub fn status(self) -> u16 {
        match self {
            Self::MissingKey | Self::InvalidKey => 401,
            Self::InsufficientScope(_) => 403,
        }
    }

    /// The `WWW-Authenticate` value.
    pub fn challenge(self) -> String {
        match self {
            Self::MissingKey => format!("Bearer realm=\"{REALM}\""),
            Self::InvalidKey => format!("Bearer realm=\"{REALM}\", error=\"invalid_token\""),
            Self::InsufficientScope(scope) => format!(
                "Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{}\"",
                scope.as_str()
            ),
        }
    }

    pub fn detail(self) -> String {
        match self {
            Self::MissingKey => "Not authenticated: send Authorization: Bearer <API key>".into(),
            Self::InvalidKey => "Invalid API key".into(),
            Self::InsufficientScope(scope) => {
                format!("The API key lacks the `{}` scope", scope.as_str())
            }
        }
    }
}

impl From<Denial> for ApiError {
    fn from(denial: Denial) -> Self {
        Self::Denied {
            status: denial.status(),
            challenge: denial.challenge().into(),
            detail: denial.detail().into(),
        }
    }
}

/// The presented key from an `Authorization` value, if it has the shape of one: scheme
/// `Bearer` (any case, RFC 7235), one space, then `rwk_` and 43 base64url characters.
/// Anything else is refused before the database is asked.
pub fn bearer_key(authorization: &str) -> Result<&str, Denial> {
    let (scheme, key) = authorization.split_once(' ').ok_or(Denial::InvalidKey)?;
    let well_formed = scheme.eq_ignore_ascii_case("bearer")
        && key.len() == KEY_PREFIX.len() + KEY_SECRET_CHARS
        && key.starts_with(KEY_PREFIX)
        && key[KEY_PREFIX.len()..]
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_'));
    if well_formed {
        Ok(key)
    } else {
        Err(Denial::InvalidKey)
    }
}

/// What D1 stores of a key: its SHA-256, in lowercase hex.
pub fn key_hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
