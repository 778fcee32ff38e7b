//! Web links (RFC 8288) as JSON bodies carry them: the GeoJSON list's `self` and `next`,
//! and every link of the OGC API Features resources.

use serde::Serialize;

/// A link (RFC 8288): its target, its relation and the target's media type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct Link {
    href: String,
    rel: &'static str,
    #[serde(rename = "type")]
    media_type: &'static str,
}

impl Link {
    pub fn new(href: String, rel: &'static str, media_type: &'static str) -> Self {
        Self {
            href,
            rel,
            media_type,
        }
    }
}
