//! `POST /api/v1/segmentos` and `POST /api/v1/segmentos/bulk`: creates, one or many.
//! Their idempotent retries are `idempotency::create_once`'s; what is the segments' own
//! (the SQL, the `201`) is `NewSegments`, which OGC API Features' creates share.

use worker::Response;

use super::handlers::COLLECTION_PATH;
use super::model::{NewSegment, Segment, SegmentPayload};
use super::{bulk, store};
use crate::db::Database;
use crate::error::ApiError;
use crate::http::conditional::segment_etag;
use crate::http::negotiation::Format;
use crate::http::{self, BodyType, Incoming, MAX_BODY_BYTES, MAX_BULK_BODY_BYTES};
use crate::idempotency::key::StoredResponse;
use crate::idempotency::store::Fence;
use crate::idempotency::{self, Creation};
use crate::validation::input::parse_json;

const BULK_PATH: &str = "/api/v1/segmentos/bulk";

/// Create a segment.
///
/// With an `Idempotency-Key`, a retry of the same request (same key, byte-identical body)
/// within 24 h creates nothing and gets the first response again, marked
/// `Idempotent-Replayed: true`.
#[cfg_attr(test, utoipa::path(
    post,
    path = "/api/v1/segmentos",
    tag = "segmentos",
    params(crate::idempotency::key::IdempotencyKeyHeader),
    request_body = crate::segments::model::SegmentPayload,
    responses(
        (status = 201, description = "Created (or, with `Idempotent-Replayed: true`, the stored first response)", body = crate::segments::model::Segment,
            headers(
                ("location" = String, description = "The new segment's URL path"),
                ("etag" = String, description = "The new segment's strong entity tag"),
                ("idempotent-replayed" = String, description = "`true` on a replayed response"),
            )),
        (status = 409, description = "The first request with this `Idempotency-Key` is still in progress", body = crate::error::ErrorMessage,
            headers(("retry-after" = u32, description = "Seconds to wait before retrying"))),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorMessage),
        (status = 415, description = "Body not declared as JSON", body = crate::error::ErrorMessage),
        (status = 422, description = "Invalid body or `Idempotency-Key`, or the key was used for another request; every problem listed", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn one(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let (_, body) = http::read_body(req, MAX_BODY_BYTES).await?;
    let segment = parse_json::<SegmentPayload>(&body)
        .map_err(ApiError::from)
        .and_then(|payload| payload.into_new().map_err(ApiError::from));
    let creation = segment.map(|segment| NewSegments::one(segment, Box::new(created_segment)));
    idempotency::create_once(req, db, COLLECTION_PATH, &body, creation).await
}

/// Import segments, all or none.
///
/// A JSON array of 1 to 1000 segments, each as `POST /api/v1/segmentos` takes it, or
/// (`Content-Type: application/geo+json`) a GeoJSON FeatureCollection of Points whose
/// properties hold `nombre`, `descripcion` and `ubicacion` (other members are ignored, so
/// the API's own GeoJSON can be uploaded). If any item is invalid, nothing is written and
/// every problem is listed with the item's index in its `loc`. Takes an
/// `Idempotency-Key` as a single create does.
#[cfg_attr(test, utoipa::path(
    post,
    path = "/api/v1/segmentos/bulk",
    tag = "segmentos",
    params(crate::idempotency::key::IdempotencyKeyHeader),
    request_body(content(
        (Vec<crate::segments::model::SegmentPayload> = "application/json"),
        (crate::segments::bulk::FeatureCollectionInput = "application/geo+json"),
    )),
    responses(
        (status = 201, description = "Every segment created, in input order (or, with `Idempotent-Replayed: true`, the stored first response)", body = Vec<crate::segments::model::Segment>,
            headers(("idempotent-replayed" = String, description = "`true` on a replayed response"))),
        (status = 409, description = "The first request with this `Idempotency-Key` is still in progress", body = crate::error::ErrorMessage,
            headers(("retry-after" = u32, description = "Seconds to wait before retrying"))),
        (status = 413, description = "Body over 10 MiB", body = crate::error::ErrorMessage),
        (status = 415, description = "Body not declared as JSON or GeoJSON", body = crate::error::ErrorMessage),
        (status = 422, description = "An invalid item (located by index), a body that is not a list of 1 to 1000 items, or an invalid or reused `Idempotency-Key`; every problem listed", body = crate::error::ValidationErrors),
        (status = 500, description = "Internal error (the log has the cause)", body = crate::error::ErrorMessage),
    )
))]
pub async fn bulk(req: &Incoming, db: &Database) -> Result<Response, ApiError> {
    let (body_type, body) = http::read_body(req, MAX_BULK_BODY_BYTES).await?;
    let segments = match body_type {
        BodyType::Json => bulk::from_json(&body),
        BodyType::GeoJson => bulk::from_geojson(&body),
    };
    let creation = segments
        .map_err(ApiError::from)
        .map(|segments| NewSegments::many(segments, Box::new(created_segments)));
    idempotency::create_once(req, db, BULK_PATH, &body, creation).await
}

/// The `201` of a single create: the segment, with its `Location` and `ETag`.
fn created_segment(rows: &[Segment]) -> Result<StoredResponse, ApiError> {
    let row = only(rows)?;
    Ok(StoredResponse::created(
        "application/json",
        serde_json::to_string(row)?,
        Some((
            format!("{COLLECTION_PATH}/{}", row.id_segmento),
            segment_etag(row.id_segmento, row.version, Format::Json),
        )),
    ))
}

/// The `201` of a bulk import: a JSON array of the segments, in input order.
fn created_segments(rows: &[Segment]) -> Result<StoredResponse, ApiError> {
    let body = serde_json::to_string(rows)?;
    Ok(StoredResponse::created("application/json", body, None))
}

/// The one row a single create wrote.
pub fn only(rows: &[Segment]) -> Result<&Segment, ApiError> {
    match rows {
        [row] => Ok(row),
        _ => Err(ApiError::Internal(format!(
            "a single create returned {} rows",
            rows.len()
        ))),
    }
}

/// How created segments are answered: the `201` for the rows.
pub type Respond = Box<dyn Fn(&[Segment]) -> Result<StoredResponse, ApiError>>;

/// Segments to create, once per idempotency key, and how their `201` reads. (One type
/// for every create, the v1 API's and OGC API Features': `create_once` is compiled once.)
pub struct NewSegments {
    segments: Vec<NewSegment>,
    /// One segment, answered alone: a retry that finds it deleted is a `404`.
    single: bool,
    respond: Respond,
}

impl NewSegments {
    pub fn one(segment: NewSegment, respond: Respond) -> Self {
        Self {
            segments: vec![segment],
            single: true,
            respond,
        }
    }

    pub fn many(segments: Vec<NewSegment>, respond: Respond) -> Self {
        Self {
            segments,
            single: false,
            respond,
        }
    }
}

impl Creation for NewSegments {
    type Row = Segment;

    async fn insert(
        &self,
        db: &Database,
        fence: Option<&Fence<'_>>,
    ) -> Result<Vec<Segment>, ApiError> {
        store::insert(db, &self.segments, fence).await
    }

    async fn find(&self, db: &Database, ids: &[i64]) -> Result<Vec<Segment>, ApiError> {
        let rows = store::find_many(db, ids).await?;
        if self.single && rows.is_empty() {
            // The segment was created, then deleted before any response was stored.
            return Err(ApiError::SegmentNotFound(ids.first().copied().unwrap_or(0)));
        }
        Ok(rows)
    }

    fn respond(&self, rows: &[Segment]) -> Result<StoredResponse, ApiError> {
        (self.respond)(rows)
    }
}
