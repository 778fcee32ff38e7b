//! Who may do what: access modes, API-key scopes, and the `Authorization: Bearer` header.
//!
//! Keys are minted by `npm run keys -- create` (scripts/keys.mjs) as `rwk_` followed by 32
//! random bytes in unpadded base64url. D1 stores only their SHA-256: a key has 256 bits of
//! entropy, so a fast hash is as safe as a slow one and keeps the lookup cheap.

use sha2::{Digest, Sha256};

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
mod tests {
    use super::*;

    const KEY: &str = "rwk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn the_three_access_modes_parse_and_anything_else_is_refused() {
        assert_eq!(AccessMode::parse("open"), Ok(AccessMode::Open));
        assert_eq!(AccessMode::parse(" writes "), Ok(AccessMode::Writes));
        assert_eq!(AccessMode::parse("all"), Ok(AccessMode::All));
        for bad in ["", "Open", "none", "write"] {
            assert!(AccessMode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn open_mode_never_asks_for_a_key() {
        for resource in [Resource::Public, Resource::Segments, Resource::Metrics] {
            for writes in [false, true] {
                assert_eq!(required_scope(AccessMode::Open, resource, writes), None);
            }
        }
    }

    #[test]
    fn writes_mode_asks_for_write_on_writes_and_admin_on_metrics_only() {
        let mode = AccessMode::Writes;
        assert_eq!(required_scope(mode, Resource::Segments, false), None);
        assert_eq!(
            required_scope(mode, Resource::Segments, true),
            Some(Scope::Write)
        );
        assert_eq!(
            required_scope(mode, Resource::Metrics, false),
            Some(Scope::Admin)
        );
        assert_eq!(required_scope(mode, Resource::Public, false), None);
    }

    #[test]
    fn all_mode_asks_for_read_on_reads_but_keeps_health_public() {
        let mode = AccessMode::All;
        assert_eq!(
            required_scope(mode, Resource::Segments, false),
            Some(Scope::Read)
        );
        assert_eq!(
            required_scope(mode, Resource::Segments, true),
            Some(Scope::Write)
        );
        assert_eq!(required_scope(mode, Resource::Public, false), None);
    }

    #[test]
    fn admin_includes_write_which_includes_read() {
        let admin = ApiKey::from_row(1, r#"["admin"]"#);
        let writer = ApiKey::from_row(2, r#"["write"]"#);
        let reader = ApiKey::from_row(3, r#"["read"]"#);

        assert!(admin.grants(Scope::Admin) && admin.grants(Scope::Read));
        assert!(writer.grants(Scope::Write) && writer.grants(Scope::Read));
        assert!(!writer.grants(Scope::Admin));
        assert!(reader.grants(Scope::Read) && !reader.grants(Scope::Write));
    }

    #[test]
    fn unknown_or_unreadable_scopes_grant_nothing() {
        assert!(!ApiKey::from_row(1, r#"["root","*"]"#).grants(Scope::Read));
        assert!(!ApiKey::from_row(1, "not json").grants(Scope::Read));
        assert!(!ApiKey::from_row(1, r#""admin""#).grants(Scope::Read));
    }

    #[test]
    fn a_bearer_key_is_accepted_with_the_scheme_in_any_case() {
        assert_eq!(bearer_key(&format!("Bearer {KEY}")), Ok(KEY));
        assert_eq!(bearer_key(&format!("bearer {KEY}")), Ok(KEY));
        assert_eq!(bearer_key(&format!("BEARER {KEY}")), Ok(KEY));
    }

    #[test]
    fn other_schemes_and_malformed_keys_are_invalid() {
        for header in [
            format!("Basic {KEY}"),
            format!("Token {KEY}"),
            format!("Bearer  {KEY}"),
            format!("Bearer {KEY} "),
            format!("Bearer {}", &KEY[..KEY.len() - 1]),
            format!("Bearer {KEY}A"),
            format!("Bearer {}", KEY.replace("rwk_", "rwx_")),
            format!("Bearer {}", KEY.replace('A', "+")),
            "Bearer".to_owned(),
            "Bearer ".to_owned(),
            KEY.to_owned(),
            String::new(),
        ] {
            assert_eq!(bearer_key(&header), Err(Denial::InvalidKey), "{header:?}");
        }
    }

    #[test]
    fn the_stored_hash_is_the_sha256_of_the_key_in_hex() {
        // `printf %s rwk_AAA…A | sha256sum`
        assert_eq!(
            key_hash(KEY),
            "f8a7d340c76fe171acd355f490cafbbde018e6d41773e72be244ad2355d77d10"
        );
    }

    #[test]
    fn challenges_follow_rfc_6750() {
        assert_eq!(Denial::MissingKey.challenge(), r#"Bearer realm="recway""#);
        assert_eq!(
            Denial::InvalidKey.challenge(),
            r#"Bearer realm="recway", error="invalid_token""#
        );
        assert_eq!(
            Denial::InsufficientScope(Scope::Write).challenge(),
            r#"Bearer realm="recway", error="insufficient_scope", scope="write""#
        );
        assert_eq!(Denial::InsufficientScope(Scope::Admin).status(), 403);
        assert_eq!(Denial::InvalidKey.status(), 401);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;
    use crate::domain::arbitrary::{config, edge_text, text};

    /// `Authorization` values: anything, near-misses of a key, and well-formed keys.
    fn authorization() -> BoxedStrategy<String> {
        let secret = "[A-Za-z0-9_-]{42,44}";
        prop_oneof![
            text(60),
            (
                select(&["Bearer", "bearer", "BEARER", "Basic", "Token", ""][..]),
                select(&[" ", "  ", "\t", ""][..]),
                select(&["rwk_", "rwx_", "RWK_", ""][..]),
                secret,
                edge_text(2)
            )
                .prop_map(|(scheme, gap, prefix, secret, tail)| format!(
                    "{scheme}{gap}{prefix}{secret}{tail}"
                )),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn an_authorization_value_yields_a_key_only_when_it_is_a_well_formed_bearer_key(header in authorization()) {
            match bearer_key(&header) {
                Ok(key) => {
                    prop_assert!(header.len() > 7 && header[..7].eq_ignore_ascii_case("bearer "));
                    prop_assert_eq!(&header[7..], key);
                    prop_assert_eq!(key.len(), 47);
                    prop_assert!(key.starts_with(KEY_PREFIX));
                    prop_assert!(key[4..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
                }
                Err(denial) => prop_assert_eq!(denial, Denial::InvalidKey),
            }
        }

        #[test]
        fn a_key_hash_is_64_lowercase_hex_digits_and_differs_between_keys(a in text(50), b in text(50)) {
            let (hash_a, hash_b) = (key_hash(&a), key_hash(&b));

            prop_assert_eq!(hash_a.len(), 64);
            prop_assert!(hash_a.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')));
            prop_assert_eq!(hash_a == hash_b, a == b);
        }

        #[test]
        fn an_access_mode_is_one_of_three_words_or_refused_with_its_name(raw in prop_oneof![text(8), select(&["open", "writes", "all", " all\t", "Open"][..]).prop_map(String::from)]) {
            match AccessMode::parse(&raw) {
                Ok(_) => prop_assert!(["open", "writes", "all"].contains(&raw.trim())),
                Err(message) => prop_assert!(message.starts_with("ACCESS_MODE is")),
            }
        }

        #[test]
        fn stored_scopes_grant_exactly_what_they_name_and_nothing_unknown(names in proptest::collection::vec(prop_oneof![select(&["read", "write", "admin"][..]).prop_map(String::from), text(6)], 0..4)) {
            let key = ApiKey::from_row(1, &serde_json::to_string(&names).unwrap());
            let highest = names.iter().filter_map(|name| Scope::parse(name)).max();

            for scope in [Scope::Read, Scope::Write, Scope::Admin] {
                prop_assert_eq!(key.grants(scope), highest.is_some_and(|highest| highest >= scope));
            }
        }
    }
}
