//! OGC API Features, Part 4 (Create, Replace, Update and Delete; OGC 20-002, the draft
//! "1.0.0-draft.2" of its conformance classes `create-replace-delete`, `update` and
//! `features`): items written with the v1 API's rules, SQL, conditional writes and
//! idempotent create, so a segment written through either API is the same row through
//! both. Bodies are GeoJSON Features (`segments::geojson::input`); the answers are the
//! item as `GET` sends it, with its strong `ETag`.

use worker::Response;

use super::handlers::feature_id;
use super::resources::{item, item_url};
use super::{origin, ITEMS_PATH};
use crate::db::Database;
use crate::error::ApiError;
use crate::http::conditional::{feature_etag, WriteConditions};
use crate::http::{self, bytes_response, empty_response, Incoming, MAX_BODY_BYTES};
use crate::idempotency::{self, key::StoredResponse};
use crate::segments::create::{only, NewSegments};
use crate::segments::geojson::{input, MEDIA_TYPE as GEOJSON};
use crate::segments::handlers::write_conditions;
use crate::segments::model::{Segment, SegmentId, SegmentPatch};
use crate::segments::store;
use crate::validation::FieldError;

/// `POST /collections/segmentos/items`: `201` with the new item, its absolute `Location`
/// and `ETag` (/req/create-replace-delete/post-response). The server gives the id; one in
/// the body is ignored. An `Idempotency-Key` makes retries safe, as in the v1 API.
pub async fn create(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let (_, body) = http::read_body(req, MAX_BODY_BYTES).await?;
    let origin = origin(req.url()).to_owned();
    let creation = input::new_segment(&body)
        .map_err(ApiError::from)
        .map(|segment| {
            NewSegments::one(
                segment,
                Box::new(move |rows: &[Segment]| created(&origin, rows)),
            )
        });
    idempotency::create_once(req, db, ITEMS_PATH, &body, creation).await
}

/// The `201` of a created item.
fn created(origin: &str, rows: &[Segment]) -> Result<StoredResponse, ApiError> {
    let row = only(rows)?;
    let location = item_url(origin, row.id_segmento);
    let (body, etag) = item(origin, row.clone())?;
    Ok(StoredResponse::created(
        GEOJSON,
        body,
        Some((location, etag)),
    ))
}

/// `PUT /collections/segmentos/items/{featureId}`: the Feature replaces the item whole,
/// so a text field it leaves out is cleared; `200` with the item.
pub async fn replace(raw_id: &str, req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let id = feature_id(raw_id)?;
    let (_, body) = http::read_body(req, MAX_BODY_BYTES).await?;
    let replacement = input::new_segment(&body).map(SegmentPatch::from);
    write(id, req, db, replacement).await
}

/// `PATCH /collections/segmentos/items/{featureId}`: a JSON Merge Patch of the Feature
/// (`application/merge-patch+json`; any JSON type is read as one); `200` with the item.
pub async fn patch(raw_id: &str, req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let id = feature_id(raw_id)?;
    let (_, body) = http::read_body(req, MAX_BODY_BYTES).await?;
    write(id, req, db, input::patch(&body)).await
}

/// `DELETE /collections/segmentos/items/{featureId}`: `204`.
pub async fn delete(raw_id: &str, req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let id = feature_id(raw_id)?;
    let conditions = write_conditions(req, id)?;
    let written = store::delete(db, id, &conditions).await?;
    written.settled(missing(id, &conditions), |version| {
        feature_etag(id.get(), version)
    })?;
    Ok(empty_response(204))
}

/// Writes a change to item `id` if the request's conditions hold, and answers the item.
async fn write(
    id: SegmentId,
    req: &Incoming,
    db: &Database,
    change: Result<SegmentPatch, Vec<FieldError>>,
) -> Result<Response, ApiError> {
    let conditions = write_conditions(req, id);
    let (change, conditions) = ApiError::combine(change.map_err(ApiError::from), conditions)?;
    let written = store::update(db, id, &change, &conditions).await?;
    let segment = written.settled(missing(id, &conditions), |version| {
        feature_etag(id.get(), version)
    })?;
    let (body, etag) = item(origin(req.url()), segment)?;
    let mut response = bytes_response(200, body.into_bytes(), GEOJSON)?;
    response.headers_mut().set("etag", &etag)?;
    Ok(response)
}

/// The answer to a write on an item that does not exist: `If-Match` names a version it
/// does not have, so a `412`, not a `404` (/req/create-replace-delete/put-rid-exception).
fn missing(id: SegmentId, conditions: &WriteConditions) -> ApiError {
    match conditions.if_match {
        Some(_) => ApiError::PreconditionFailed { etag: None },
        None => ApiError::SegmentNotFound(id.get()),
    }
}
