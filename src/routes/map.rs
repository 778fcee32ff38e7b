//! `/map`: the segment map page. Its script and styles are static assets; the page itself
//! is rendered here because its base map is configuration (`MAP_TILE_URL` and
//! `MAP_TILE_ATTRIBUTION` in `wrangler.toml`).

use worker::{Env, Response};

use crate::error::ApiError;

const TEMPLATE: &str = include_str!("map.html");

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
    let html = render(&var("MAP_TILE_URL"), &var("MAP_TILE_ATTRIBUTION"));
    Ok(Response::from_html(html)?)
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
mod tests {
    use super::*;

    #[test]
    fn the_page_carries_the_configured_tile_url_and_attribution() {
        let html = render("https://tiles.example/{z}/{x}/{y}.png", "© Example");

        assert!(html.contains(r#"data-tile-url="https://tiles.example/{z}/{x}/{y}.png""#));
        assert!(html.contains(r#"data-tile-attribution="© Example""#));
        assert!(!html.contains("{{"));
    }

    #[test]
    fn configuration_cannot_break_out_of_its_attribute() {
        let html = render(r#""><script>alert(1)</script>"#, "a & 'b'");

        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&quot;&gt;&lt;script&gt;"));
        assert!(html.contains("a &amp; &#39;b&#39;"));
    }
}
