//! The handlers of OGC API Features: read the query (strictly), call, respond.

use worker::Response;

use super::origin;
use super::query;
use super::resources::{
    item_links, Bounds, Collection, Collections, Conformance, LandingPage, BOUNDS_SQL,
};
use crate::db::{Database, Retry, Statement};
use crate::error::ApiError;
use crate::http::conditional::feature_etag;
use crate::http::response::json_response_as;
use crate::http::{self, conditional_get, json_response, Incoming};
use crate::observability::health_report::rfc3339;
use crate::segments::geojson::{Feature, FeatureCollection, MEDIA_TYPE as GEOJSON};
use crate::segments::list::cursor::Cursor;
use crate::segments::list::handler::next_page;
use crate::segments::list::item::ListItem;
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
/// more follow) is this URL with a keyset `cursor`.
pub async fn items(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let url = req.url();
    let query = query::parse(http::query_pairs(url)).map_err(ApiError::InvalidParameters)?;
    let page = sql::list(db, &query).await?;
    let next = match page.rows.last() {
        Some(last) if page.more => Some(next_page(url, &Cursor::after(last, &query.sort))),
        _ => None,
    };
    let items = FeatureCollection::new(&page.rows, page.total, url.to_owned(), next)
        .stamped(rfc3339(worker::Date::now().as_millis()));
    Ok(json_response_as(200, &items, GEOJSON)?)
}

/// `GET /collections/segmentos/items/{featureId}`: one feature, with a strong `ETag`.
pub async fn item(raw_id: &str, req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    only_format(req)?;
    // An id that cannot be a segment's names no feature: 404, as for an unknown one.
    let id = SegmentId::parse(raw_id).map_err(|_| ApiError::RouteNotFound)?;
    let segment = store::find(db, id)
        .await?
        .ok_or(ApiError::SegmentNotFound(id.get()))?;
    let etag = feature_etag(segment.id_segmento, segment.version);
    let row = ListItem::from(segment);
    let links = item_links(origin(req.url()), row.segment.id_segmento);
    let item = Feature::new(&row).linked(links);
    Ok(conditional_get(
        json_response_as(200, &item, GEOJSON)?,
        &etag,
        http::header(req, "if-none-match")?.as_deref(),
    )?)
}

fn only_format(req: &Incoming) -> Result<(), ApiError> {
    query::format_only(http::query_pairs(req.url())).map_err(ApiError::InvalidParameters)
}
