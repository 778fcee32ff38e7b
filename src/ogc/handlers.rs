//! The handlers of OGC API Features: read the query (strictly), call, respond.

use worker::Response;

use super::origin;
use super::query;
use super::resources::{
    item, Bounds, Collection, Collections, Conformance, LandingPage, BOUNDS_SQL,
};
use crate::cors;
use crate::db::{Database, Retry, Statement};
use crate::error::ApiError;
use crate::http::response::json_response_as;
use crate::http::{self, bytes_response, conditional_get, json_response, Incoming};
use crate::observability::health_report::rfc3339;
use crate::router::Api;
use crate::segments::geojson::{FeatureCollection, MEDIA_TYPE as GEOJSON};
use crate::segments::list::handler::asks_exact_count;
use crate::segments::list::sql;
use crate::segments::model::SegmentId;
use crate::segments::store;

/// `GET /`: the landing page.
pub fn landing(req: &Incoming) -> Result<Response, ApiError> {
    only_format(req)?;
    Ok(json_response(200, &LandingPage::new(origin(req.url())))?)
}

/// `GET /conformance`.
pub fn conformance(req: &Incoming) -> Result<Response, ApiError> {
    only_format(req)?;
    Ok(json_response(200, &Conformance::default())?)
}

/// `GET /collections`.
pub async fn collections(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    described(req, db, Collections::new).await
}

/// `GET /collections/segmentos`.
pub async fn collection(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    described(req, db, Collection::new).await
}

/// A description of the collection, built from the data's bounds.
async fn described<T: serde::Serialize>(
    req: &Incoming,
    db: &Database,
    describe: fn(&str, &Bounds) -> T,
) -> Result<Response, ApiError> {
    only_format(req)?;
    let statement = Statement::new(BOUNDS_SQL, Vec::new());
    let bounds = db
        .first(&statement, Retry::Transient)
        .await?
        .unwrap_or_default();
    Ok(json_response(200, &describe(origin(req.url()), &bounds))?)
}

/// `GET /collections/segmentos/items`: a page of features, newest first; `next` (when
/// more follow) is this URL with a keyset `cursor`. `numberMatched` is given for the
/// whole collection, and for a filtered page with `Prefer: count=exact` (the standard
/// lets a server omit it when it is costly: counting reads every match).
pub async fn items(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let url = req.url();
    let mut query = query::parse(http::query_pairs(url)).map_err(ApiError::Validation)?;
    query.count_matches = asks_exact_count(req)?;
    let page = sql::list(db, &query).await?;
    let next = page.next_link(url, &query.sort);
    let items = FeatureCollection::new(&page.rows, page.total, url.to_owned(), next)
        .stamped(rfc3339(worker::Date::now().as_millis()));
    let mut response = json_response_as(200, &items, GEOJSON)?;
    // `numberMatched` depends on `Prefer: count=exact` for a filtered page.
    response.headers_mut().set("vary", "prefer")?;
    Ok(response)
}

/// `GET /collections/segmentos/items/{featureId}`: one feature, with a strong `ETag`.
pub async fn read(raw_id: &str, req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    only_format(req)?;
    let id = feature_id(raw_id)?;
    let segment = store::get(db, id).await?;
    let (body, etag) = item(origin(req.url()), segment)?;
    Ok(conditional_get(
        bytes_response(200, body.into_bytes(), GEOJSON)?,
        &etag,
        http::header(req, "if-none-match")?.as_deref(),
    )?)
}

/// A plain `OPTIONS` on a feature: the methods it takes, in `Allow`, if it exists.
pub async fn options(
    raw_id: &str,
    allow: &'static str,
    db: &Database,
) -> Result<Response, ApiError> {
    let id = feature_id(raw_id)?;
    store::get(db, id).await?;
    cors::allowed(allow, Api::Features.options_status())
}

/// The segment a `featureId` names: an id that cannot be a segment's names no feature, a
/// `404` as for an unknown one.
pub fn feature_id(raw_id: &str) -> Result<SegmentId, ApiError> {
    SegmentId::parse(raw_id).map_err(|_| ApiError::RouteNotFound)
}

fn only_format(req: &Incoming) -> Result<(), ApiError> {
    query::format_only(http::query_pairs(req.url())).map_err(ApiError::Validation)
}
