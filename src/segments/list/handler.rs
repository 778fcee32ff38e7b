//! `GET /api/v1/segmentos`: a page of segments, as JSON or GeoJSON.

use worker::Response;

use super::cursor::Cursor;
use super::params::ListParams;
use super::sort::Sort;
use super::sql;
use crate::db::Database;
use crate::error::ApiError;
use crate::http::conditional::list_etag;
use crate::http::negotiation::Format;
use crate::http::{self, bytes_response, conditional_get, prefer, Incoming};
use crate::segments::geojson::FeatureCollection;

/// List segments.
///
/// Filtered, ordered and paged. Newest first unless `sort` (or `near`) says otherwise.
/// When more follow, `Link: <...>; rel="next"` is the same query with a keyset `cursor`,
/// which stays correct while segments are added or removed and costs the same on every
/// page. `X-Total-Count` is the number of segments; a filtered list gives the number of
/// its matches only when asked (`Prefer: count=exact`, or `limit=0`), as counting reads
/// every match. A JSON array, or a GeoJSON FeatureCollection with `Accept:
/// application/geo+json` or `?format=geojson`.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/api/v1/segmentos",
    tag = "segmentos",
    params(
        crate::segments::list::params::ListParams,
        ("if-none-match" = Option<String>, Header, description = "Entity tags the client holds: `304` when the page is unchanged"),
        ("prefer" = Option<String>, Header),
    ),
    responses(
        (status = 200, description = "A page of segments: a JSON array, or (`Accept: application/geo+json`, `?format=geojson`) a GeoJSON FeatureCollection",
            headers(
                ("x-total-count" = u64, description = "How many segments match, over all pages: always for an unfiltered list; for a filtered one only with `Prefer: count=exact` or `limit=0`"),
                ("preference-applied" = String, description = "`count=exact` when the request asked for it"),
                ("link" = String, description = "`<url>; rel=\"next\"` when more segments follow: the same query with a `cursor`"),
                ("vary" = String, description = "`accept, prefer`: the representation depends on them"),
                ("etag" = String, description = "Weak entity tag of this page (its body, total and next link)"),
            ),
            content(
                (Vec<crate::segments::list::item::ListItem> = "application/json"),
                (crate::segments::geojson::FeatureCollection = "application/geo+json"),
            )),
        (status = 304, description = "Not Modified: `If-None-Match` names the page as it is",
            headers(
                ("etag" = String, description = "The page's entity tag"),
                ("vary" = String, description = "`accept`"),
            )),
        (status = 422, description = "A parameter is invalid (also `skip + limit` above 10,000: page further with the `cursor`); every problem listed, each naming its parameter", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn list(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let url = req.url();
    let mut query = ListParams::from_query(http::query_pairs(url)).parse()?;
    let exact = asks_exact_count(req)?;
    query.count_matches |= exact;
    let page = sql::list(db, &query).await?;
    let next = page.next_link(url, &query.sort);
    let format = Format::negotiate(query.format, http::header(req, "accept")?.as_deref());
    let body = match format {
        Format::Json => serde_json::to_vec(&page.rows),
        Format::GeoJson => serde_json::to_vec(&FeatureCollection::new(
            &page.rows,
            page.total,
            url.to_owned(),
            next.clone(),
        )),
    }
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    let etag = list_etag(&body, page.total, next.as_deref());
    let mut response = bytes_response(200, body, format.media_type())?;
    let headers = response.headers_mut();
    if let Some(total) = page.total {
        headers.set("x-total-count", &total.to_string())?;
    }
    if exact {
        headers.set("preference-applied", EXACT_COUNT)?;
    }
    headers.set("vary", "accept, prefer")?;
    if let Some(next) = next {
        headers.set("link", &format!("<{next}>; rel=\"next\""))?;
    }
    Ok(conditional_get(
        response,
        &etag,
        http::header(req, "if-none-match")?.as_deref(),
    )?)
}

/// `Prefer` on a list, as both OpenAPI documents describe it.
#[cfg(test)]
pub const PREFER_DESCRIPTION: &str = "`count=exact` (RFC 7240): a filtered list also counts \
    its matches (`numberMatched`; in the v1 API `X-Total-Count` too). That reads every \
    match, as D1 bills it: at 1,000,000 segments, up to the whole table. An unfiltered list \
    is always counted, from a kept count.";

/// The preference that asks a filtered list to count its matches.
const EXACT_COUNT: &str = "count=exact";

/// Whether the request asks for [`EXACT_COUNT`] (`Prefer`, RFC 7240).
pub fn asks_exact_count(req: &Incoming) -> Result<bool, ApiError> {
    let prefer = http::header(req, "prefer")?;
    Ok(prefer::asks(prefer.as_deref(), "count", "exact"))
}

impl sql::ListPage {
    /// The next page's URL when rows follow this one: this list's URL with its position
    /// replaced by a cursor after the last row (the same filters, order, limit and format;
    /// `skip` is dropped, as the cursor holds the position).
    pub fn next_link(&self, url: &str, sort: &Sort) -> Option<String> {
        let last = self.rows.last().filter(|_| self.more)?;
        let cursor = Cursor::after(last, sort);
        Some(http::with_position(
            url,
            &["cursor", "skip"],
            "cursor",
            &cursor,
        ))
    }
}
