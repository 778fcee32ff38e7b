//! `/api/v1/segmentos/{id}`: read, update, delete. (Creates are in `create.rs`, the list
//! in `list/`.)

use worker::Response;

use super::list::item::ListItem;
use super::list::params::ListParams;
use super::model::{SegmentId, SegmentPayload};
use super::store;
use crate::db::Database;
use crate::error::ApiError;
use crate::http::conditional::{segment_etag, WriteConditions};
use crate::http::negotiation::Format;
use crate::http::{
    self, bytes_response, conditional_get, empty_response, json_body, json_response, Incoming,
};
use crate::segments::geojson::Feature;

pub const COLLECTION_PATH: &str = "/api/v1/segmentos";

/// Read a segment.
///
/// As JSON, or as a GeoJSON `Feature` with `Accept: application/geo+json` or
/// `?format=geojson`.
#[cfg_attr(test, utoipa::path(
    get,
    path = "/api/v1/segmentos/{id_segmento}",
    tag = "segmentos",
    params(
        ("id_segmento" = i64, Path),
        ("format" = Option<crate::http::negotiation::Format>, Query, description = "`json` (default) or `geojson`; overrides `Accept`"),
        ("if-none-match" = Option<String>, Header, description = "Entity tags (or `*`) the client holds: `304` when one is current"),
    ),
    responses(
        (status = 200, description = "The segment, as JSON or (`Accept: application/geo+json`, `?format=geojson`) as a GeoJSON Feature",
            headers(
                ("vary" = String, description = "`accept`: the representation depends on it"),
                ("etag" = String, description = "Strong entity tag of this version in this representation"),
            ),
            content(
                (crate::segments::model::Segment = "application/json"),
                (crate::segments::geojson::Feature = "application/geo+json"),
            )),
        (status = 304, description = "Not Modified: `If-None-Match` names the current version",
            headers(
                ("etag" = String, description = "The current entity tag"),
                ("vary" = String, description = "`accept`"),
            )),
        (status = 404, description = "No segment has this id", body = crate::error::ErrorMessage),
        (status = 422, description = "The id is not an integer, or the format is unknown", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn get(raw_id: &str, req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let format = ListParams::from_query(http::query_pairs(req.url())).format();
    let id = SegmentId::parse(raw_id).map_err(ApiError::from);
    let (id, format) = ApiError::combine(id, format.map_err(ApiError::from))?;
    let segment = store::get(db, id).await?;
    let format = Format::negotiate(format, http::header(req, "accept")?.as_deref());
    let etag = segment_etag(segment.id_segmento, segment.version, format);
    let row = ListItem::from(segment);
    let body = match format {
        Format::Json => serde_json::to_vec(&row.segment),
        Format::GeoJson => serde_json::to_vec(&Feature::new(&row)),
    }
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    let mut response = bytes_response(200, body, format.media_type())?;
    response.headers_mut().set("vary", "accept")?;
    Ok(conditional_get(
        response,
        &etag,
        http::header(req, "if-none-match")?.as_deref(),
    )?)
}

/// Update a segment.
///
/// `PUT` and `PATCH` alike change only the fields sent (RecWay clients send partial
/// bodies to both). A bad id and a bad body are reported together. With `If-Match`, the
/// update happens only if the segment is still at a version it names (`412` otherwise):
/// the check and the write are one statement, so concurrent writers cannot lose updates.
#[cfg_attr(test, utoipa::path(
    method(put, patch),
    path = "/api/v1/segmentos/{id_segmento}",
    tag = "segmentos",
    params(
        ("id_segmento" = i64, Path),
        IfMatchHeaders,
    ),
    request_body = crate::segments::model::SegmentPatch,
    responses(
        (status = 200, description = "The updated segment", body = crate::segments::model::Segment,
            headers(("etag" = String, description = "The updated segment's strong entity tag"))),
        (status = 404, description = "No segment has this id", body = crate::error::ErrorMessage),
        (status = 412, description = "`If-Match` / `If-None-Match` do not hold for the current version; nothing changed", body = crate::error::ErrorMessage,
            headers(("etag" = String, description = "The current entity tag"))),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorMessage),
        (status = 415, description = "Body not declared as JSON", body = crate::error::ErrorMessage),
        (status = 422, description = "Invalid id, body, `If-Match` or `If-None-Match`; every problem listed", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn update(raw_id: &str, req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let id = SegmentId::parse(raw_id).map_err(ApiError::from);
    let patch = json_body::<SegmentPayload>(req)
        .await
        .and_then(|payload| payload.into_patch().map_err(ApiError::from));
    let (id, patch) = ApiError::combine(id, patch)?;
    let conditions = write_conditions(req, id)?;
    let written = store::update(db, id, &patch, &conditions).await?;
    let segment = written.settled(ApiError::SegmentNotFound(id.get()), |version| {
        segment_etag(id.get(), version, Format::Json)
    })?;
    let mut response = json_response(200, &segment)?;
    let etag = segment_etag(segment.id_segmento, segment.version, Format::Json);
    response.headers_mut().set("etag", &etag)?;
    Ok(response)
}

/// Delete a segment.
///
/// With `If-Match`, only if the segment is still at a version it names (`412` otherwise).
#[cfg_attr(test, utoipa::path(
    delete,
    path = "/api/v1/segmentos/{id_segmento}",
    tag = "segmentos",
    params(
        ("id_segmento" = i64, Path),
        IfMatchHeaders,
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No segment has this id", body = crate::error::ErrorMessage),
        (status = 412, description = "`If-Match` / `If-None-Match` do not hold for the current version; nothing was deleted", body = crate::error::ErrorMessage,
            headers(("etag" = String, description = "The current entity tag"))),
        (status = 422, description = "The id is not an integer, or `If-Match` / `If-None-Match` is malformed", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn delete(raw_id: &str, req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let id = SegmentId::parse(raw_id)?;
    let conditions = write_conditions(req, id)?;
    let written = store::delete(db, id, &conditions).await?;
    written.settled(ApiError::SegmentNotFound(id.get()), |version| {
        segment_etag(id.get(), version, Format::Json)
    })?;
    Ok(empty_response(204))
}

/// The request's `If-Match` and `If-None-Match`, for a write to segment `id`.
pub fn write_conditions(req: &Incoming, id: SegmentId) -> Result<WriteConditions, ApiError> {
    let if_match = http::header(req, "if-match")?;
    let if_none_match = http::header(req, "if-none-match")?;
    Ok(WriteConditions::parse(
        id.get(),
        if_match.as_deref(),
        if_none_match.as_deref(),
    )?)
}

/// The conditional-request headers of a write, for the v1 OpenAPI document: where they
/// are taken (their descriptions and schema are `http::conditional`'s).
#[cfg(test)]
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct IfMatchHeaders {
    #[param(rename = "if-match")]
    if_match: Option<String>,
    #[param(rename = "if-none-match")]
    if_none_match: Option<String>,
}
