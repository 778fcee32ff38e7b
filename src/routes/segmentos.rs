//! `/api/v1/segmentos`: create, read, list, update, delete.

use worker::{Env, Request, Response, Url};

use crate::db;
use crate::domain::geojson::{self, Feature, FeatureCollection};
use crate::domain::listing::Cursor;
use crate::domain::{Format, ListParams, Listed, SegmentoId, SegmentoPayload};
use crate::error::ApiError;
use crate::http::{empty_response, json_body, json_response, json_response_as};

const COLLECTION_PATH: &str = "/api/v1/segmentos";

/// Create a segment.
#[cfg_attr(test, utoipa::path(
    post,
    path = "/api/v1/segmentos",
    tag = "segmentos",
    request_body = crate::domain::SegmentoPayload,
    responses(
        (status = 201, description = "Created", body = crate::domain::Segmento,
            headers(("location" = String, description = "The new segment's URL path"))),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorMessage),
        (status = 415, description = "Body not declared as JSON", body = crate::error::ErrorMessage),
        (status = 422, description = "Invalid body; every problem listed", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn create(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let new = json_body::<SegmentoPayload>(&mut req).await?.into_new()?;
    let segmento = db::segmentos::insert(&db::connect(env)?, &new).await?;
    let mut response = json_response(201, &segmento)?;
    let location = format!("{COLLECTION_PATH}/{}", segmento.id_segmento);
    response.headers_mut().set("location", &location)?;
    Ok(response)
}

/// Read a segment.
///
/// As JSON, or as a GeoJSON `Feature` with `Accept: application/geo+json` or
/// `?format=geojson`.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/api/v1/segmentos/{id_segmento}",
    tag = "segmentos",
    params(
        ("id_segmento" = i64, Path, description = "The segment's id"),
        ("format" = Option<crate::domain::Format>, Query, description = "`json` (default) or `geojson`; overrides `Accept`"),
    ),
    responses(
        (status = 200, description = "The segment, as JSON or (`Accept: application/geo+json`, `?format=geojson`) as a GeoJSON Feature",
            headers(("vary" = String, description = "`accept`: the representation depends on it")),
            content(
                (crate::domain::Segmento = "application/json"),
                (crate::domain::geojson::Feature = "application/geo+json"),
            )),
        (status = 404, description = "No segment has this id", body = crate::error::ErrorMessage),
        (status = 422, description = "The id is not an integer, or the format is unknown", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn get(raw_id: &str, req: &Request, env: &Env) -> Result<Response, ApiError> {
    let format = ListParams::from_query(req.url()?.query_pairs()).format();
    let id = SegmentoId::parse(raw_id).map_err(ApiError::from);
    let (id, format) = ApiError::combine(id, format.map_err(ApiError::from))?;
    let segmento = db::segmentos::find(&db::connect(env)?, id)
        .await?
        .ok_or(ApiError::SegmentoNotFound(id.get()))?;
    let mut response = match Format::negotiate(format, accept(req)?.as_deref()) {
        Format::Json => json_response(200, &segmento)?,
        Format::GeoJson => {
            let row = Listed::from(segmento);
            json_response_as(200, &Feature::new(&row), geojson::MEDIA_TYPE)?
        }
    };
    response.headers_mut().set("vary", "accept")?;
    Ok(response)
}

/// List segments.
///
/// Filtered, ordered and paged. Newest first unless `sort` (or `near`) says otherwise.
/// `X-Total-Count` counts every match; when more follow, `Link: <...>; rel="next"` is the
/// same query with a keyset `cursor`, which stays correct while segments are added or
/// removed. A JSON array, or a GeoJSON FeatureCollection with `Accept:
/// application/geo+json` or `?format=geojson`.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/api/v1/segmentos",
    tag = "segmentos",
    params(crate::domain::ListParams),
    responses(
        (status = 200, description = "A page of segments: a JSON array, or (`Accept: application/geo+json`, `?format=geojson`) a GeoJSON FeatureCollection",
            headers(
                ("x-total-count" = u64, description = "How many segments match the filters, over all pages"),
                ("link" = String, description = "`<url>; rel=\"next\"` when more segments follow: the same query with a `cursor`"),
                ("vary" = String, description = "`accept`: the representation depends on it"),
            ),
            content(
                (Vec<crate::domain::Listed> = "application/json"),
                (crate::domain::geojson::FeatureCollection = "application/geo+json"),
            )),
        (status = 422, description = "A parameter is invalid; every problem listed, each naming its parameter", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let url = req.url()?;
    let query = ListParams::from_query(url.query_pairs()).parse()?;
    let page = db::listing::list(&db::connect(env)?, &query).await?;
    let next = match page.rows.last() {
        Some(last) if page.more => Some(next_page(&url, &Cursor::after(last, &query.sort))),
        _ => None,
    };
    let mut response = match Format::negotiate(query.format, accept(req)?.as_deref()) {
        Format::Json => json_response(200, &page.rows)?,
        Format::GeoJson => {
            let collection =
                FeatureCollection::new(&page.rows, page.total, url.to_string(), next.clone());
            json_response_as(200, &collection, geojson::MEDIA_TYPE)?
        }
    };
    let headers = response.headers_mut();
    headers.set("x-total-count", &page.total.to_string())?;
    headers.set("vary", "accept")?;
    if let Some(next) = next {
        headers.set("link", &format!("<{next}>; rel=\"next\""))?;
    }
    Ok(response)
}

fn accept(req: &Request) -> worker::Result<Option<String>> {
    req.headers().get("accept")
}

/// This list's URL with its position replaced by `cursor`: the same filters, order,
/// limit and format. `skip` is dropped, as the cursor already holds the position.
fn next_page(url: &Url, cursor: &str) -> String {
    let mut next = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| key != "cursor" && key != "skip")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("cursor", cursor);
    next.to_string()
}

/// Update a segment.
///
/// `PUT` and `PATCH` alike change only the fields sent (RecWay clients send partial
/// bodies to both). A bad id and a bad body are reported together.
#[cfg_attr(test, utoipa::path(
    method(put, patch),
    path = "/api/v1/segmentos/{id_segmento}",
    tag = "segmentos",
    params(("id_segmento" = i64, Path, description = "The segment's id")),
    request_body = crate::domain::SegmentoPatch,
    responses(
        (status = 200, description = "The updated segment", body = crate::domain::Segmento),
        (status = 404, description = "No segment has this id", body = crate::error::ErrorMessage),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorMessage),
        (status = 415, description = "Body not declared as JSON", body = crate::error::ErrorMessage),
        (status = 422, description = "Invalid id or body; every problem listed", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn update(raw_id: &str, mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let id = SegmentoId::parse(raw_id).map_err(ApiError::from);
    let patch = json_body::<SegmentoPayload>(&mut req)
        .await
        .and_then(|payload| payload.into_patch().map_err(ApiError::from));
    let (id, patch) = ApiError::combine(id, patch)?;
    let segmento = db::segmentos::update(&db::connect(env)?, id, &patch)
        .await?
        .ok_or(ApiError::SegmentoNotFound(id.get()))?;
    Ok(json_response(200, &segmento)?)
}

/// Delete a segment.
#[cfg_attr(test, utoipa::path(
    delete,
    path = "/api/v1/segmentos/{id_segmento}",
    tag = "segmentos",
    params(("id_segmento" = i64, Path, description = "The segment's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No segment has this id", body = crate::error::ErrorMessage),
        (status = 422, description = "The id is not an integer", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn delete(raw_id: &str, env: &Env) -> Result<Response, ApiError> {
    let id = SegmentoId::parse(raw_id)?;
    if db::segmentos::delete(&db::connect(env)?, id).await? {
        Ok(empty_response(204))
    } else {
        Err(ApiError::SegmentoNotFound(id.get()))
    }
}
