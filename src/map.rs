//! `/map`: the segment map page. Its script and styles are static assets; the page itself
//! is rendered here because its base map is configuration (`MAP_TILE_URL` and
//! `MAP_TILE_ATTRIBUTION` in `wrangler.toml`).

use worker::{Env, Response};

use crate::error::ApiError;

const TEMPLATE: &str = include_str!("map/page.html");

/// Map of the segments.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/map",
    tag = "pages",
    responses((status = 200, description = "An HTML map of the segments in view, fed by the GeoJSON list",
        content_type = "text/html", body = String)),
))]
pub fn page(env: &Env) -> Result<Response, ApiError> {
    let var = |name: &str| {
        env.var(name)
            .map(|value| value.to_string())
            .unwrap_or_default()
    };
    let tile_url = var("MAP_TILE_URL");
    let html = render(&tile_url, &var("MAP_TILE_ATTRIBUTION"));
    let mut response = Response::from_html(html)?;
    response.headers_mut().set(
        "content-security-policy",
        &content_security_policy(&tile_url),
    )?;
    Ok(response)
}

/// Only this origin's script, styles and data, plus images from the tile server: no
/// inline script or style, so injected markup can never run.
fn content_security_policy(tile_url: &str) -> String {
    let tiles = tile_origin(tile_url)
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'{tiles}; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// The origin of an XYZ template (`https://{s}.tile.example/{z}/{x}/{y}.png` gives
/// `https://*.tile.example`), or nothing for an empty or unusable one.
fn tile_origin(tile_url: &str) -> Option<String> {
    let (scheme, rest) = tile_url.split_once("://")?;
    let authority = rest.split('/').next()?.replace("{s}", "*");
    let usable = matches!(scheme, "https" | "http")
        && !authority.is_empty()
        && authority
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b':' | b'*'));
    usable.then(|| format!("{scheme}://{authority}"))
}

/// The page with its configuration in `data-` attributes, where the script reads it.
fn render(tile_url: &str, tile_attribution: &str) -> String {
    TEMPLATE
        .replace("{{tile_url}}", &escape_attribute(tile_url))
        .replace("{{tile_attribution}}", &escape_attribute(tile_attribution))
}

/// Configuration is trusted, but a stray quote must still not break out of an attribute.
fn escape_attribute(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests;
