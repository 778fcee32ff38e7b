//! `GET /api/v1/segmentos/changes`: read, check, respond.

use worker::Response;

use super::feed::{FeedPage, FeedQuery, FeedState, TombstoneRow};
use super::CHANGES_PATH;
use crate::db::{rows_of, Database, Retry};
use crate::error::ApiError;
use crate::http::conditional::list_etag;
use crate::http::{self, bytes_response, conditional_get, Incoming};
use crate::validation::FieldError;

/// The changes since a token.
///
/// Every write to a segment, through any route, takes the next number of one sequence in
/// the statement that writes, so the sequence is the commit order. The feed lists, after
/// the token's position (or from the start without `since`), each segment changed since
/// at its latest state (`upsert`) and each segment deleted since (`delete`, a tombstone
/// kept `CHANGES_RETENTION_DAYS`), in sequence order. A client that applies every page
/// and keeps the last `next` misses nothing: a write that commits while it reads comes
/// after that token. `410` when deletes after the token were purged: resync from the
/// start. `304` for an unchanged page.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/api/v1/segmentos/changes",
    tag = "segmentos",
    params(
        ("since" = Option<String>, Query, description = "A `next` token from an earlier page; without it, the feed starts from the beginning"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "Changes per page: 1 to 1000 (default 100)"),
        ("if-none-match" = Option<String>, Header, description = "Entity tags the client holds: `304` when the page is unchanged"),
    ),
    responses(
        (status = 200, description = "The changes after the token, in sequence order, one per segment at most",
            body = crate::changes::feed::FeedPage,
            headers(
                ("link" = String, description = "`<url>; rel=\"next\"` when more changes follow at once: this query with `since` set to `next`"),
                ("etag" = String, description = "Weak entity tag of this page"),
            )),
        (status = 304, description = "Not Modified: `If-None-Match` names the page as it is",
            headers(("etag" = String, description = "The page's entity tag"))),
        (status = 410, description = "Deletes after this token were purged (older than the retention): resync in full from `start`", body = crate::error::GoneBody,
            headers(("link" = String, description = "`<start>; rel=\"first\"`: the start of the feed"))),
        (status = 422, description = "`limit` is invalid, or `since` is not a token of this feed (malformed, cut off, altered or from another deployment); every problem listed", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn changes(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let url = req.url();
    let query = FeedQuery::parse(http::query_pairs(url))?;
    let results = db.batch(&query.statements(), Retry::Transient).await?;
    let state = rows_of::<FeedState>(&results[0])?
        .pop()
        .ok_or_else(|| ApiError::Internal("change_feed has no row".into()))?;
    // Without a token the client has no copy yet: the whole feed is what it needs, and
    // the deletes purged from it are of segments it never had.
    let after = match &query.since {
        Some(token) => {
            let after = token
                .verify(&state.token_key)
                .map_err(|kind| FieldError::query("since", kind))?;
            if state.has_forgotten(after) {
                return Err(ApiError::Gone {
                    detail: "This token is older than the changes feed remembers deletes \
                        (CHANGES_RETENTION_DAYS): some may be missing from it. Resync in full: \
                        read the feed from `start`, replace your copy with what it lists, and \
                        keep its last `next`.",
                    start: CHANGES_PATH,
                });
            }
            after
        }
        None => 0,
    };
    let page = FeedPage::merge(
        rows_of(&results[1])?,
        rows_of::<TombstoneRow>(&results[2])?,
        query.limit,
        after,
        &state.token_key,
    );
    let next = page
        .more
        .then(|| http::with_position(url, &["since"], "since", &page.next));
    let body = serde_json::to_vec(&page)?;
    let etag = list_etag(&body, None, None);
    let mut response = bytes_response(200, body, "application/json")?;
    if let Some(next) = next {
        response
            .headers_mut()
            .set("link", &format!("<{next}>; rel=\"next\""))?;
    }
    Ok(conditional_get(
        response,
        &etag,
        http::header(req, "if-none-match")?.as_deref(),
    )?)
}
