//! `POST /api/v1/segmentos` and `POST /api/v1/segmentos/bulk`: creates, one or many, and
//! their idempotent retries.

use std::collections::BTreeMap;

use worker::{Date, Response};

use crate::db::idempotency::{self as keys, Fence};
use crate::db::{self, Database};
use crate::domain::idempotency::{fingerprint, Claim, IdempotencyKey, StoredResponse};
use crate::domain::input::parse_json;
use crate::domain::precondition::segment_etag;
use crate::domain::{bulk, FieldError, Format, NewSegmento, Segmento, SegmentoPayload};
use crate::error::ApiError;
use crate::http::{self, BodyType, Incoming, MAX_BODY_BYTES, MAX_BULK_BODY_BYTES};

use super::segmentos::COLLECTION_PATH;

const BULK_PATH: &str = "/api/v1/segmentos/bulk";

/// How created segments are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// The segment, with its `Location` and `ETag`.
    One,
    /// A JSON array of the segments, in input order.
    Many,
}

/// Create a segment.
///
/// With an `Idempotency-Key`, a retry of the same request (same key, byte-identical body)
/// within 24 h creates nothing and gets the first response again, marked
/// `Idempotent-Replayed: true`.
#[cfg_attr(test, utoipa::path(
    post,
    path = "/api/v1/segmentos",
    tag = "segmentos",
    params(IdempotencyKeyHeader),
    request_body = crate::domain::SegmentoPayload,
    responses(
        (status = 201, description = "Created (or, with `Idempotent-Replayed: true`, the stored first response)", body = crate::domain::Segmento,
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
    let segment = parse_json::<SegmentoPayload>(&body)
        .map_err(ApiError::from)
        .and_then(|payload| payload.into_new().map_err(ApiError::from));
    create(
        req,
        db,
        COLLECTION_PATH,
        &body,
        segment.map(|s| vec![s]),
        Answer::One,
    )
    .await
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
    params(IdempotencyKeyHeader),
    request_body(content(
        (Vec<crate::domain::SegmentoPayload> = "application/json"),
        (crate::domain::bulk::FeatureCollectionInput = "application/geo+json"),
    )),
    responses(
        (status = 201, description = "Every segment created, in input order (or, with `Idempotent-Replayed: true`, the stored first response)", body = Vec<crate::domain::Segmento>,
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
    let segments = segments.map_err(ApiError::from);
    create(req, db, BULK_PATH, &body, segments, Answer::Many).await
}

/// The `Idempotency-Key` request header, for the OpenAPI document.
#[cfg(test)]
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct IdempotencyKeyHeader {
    /// 1 to 255 printable ASCII characters (a UUID is a good key), bare or as a quoted
    /// string. Makes retries of this request safe for 24 h.
    #[param(rename = "idempotency-key", min_length = 1, max_length = 255)]
    idempotency_key: Option<String>,
}

/// Creates `segments` (already validated, or their problems) and answers, honouring the
/// request's `Idempotency-Key` if it has one. Invalid input is refused before the key is
/// touched, so a key is never spent on a request that could not succeed.
async fn create(
    req: &Incoming,
    db: &Database,
    path: &str,
    body: &[u8],
    segments: Result<Vec<NewSegmento>, ApiError>,
    answer: Answer,
) -> Result<Response, ApiError> {
    let key = http::header(req, "idempotency-key")?
        .map(|raw| IdempotencyKey::parse(&raw))
        .transpose()
        .map_err(ApiError::from);
    let (segments, key) = ApiError::combine(segments, key)?;
    let Some(key) = key else {
        let rows = db::segmentos::insert(db, &segments, None).await?;
        return Ok(http::stored_response(&respond(answer, &rows)?, false)?);
    };
    let fingerprint = fingerprint("POST", path, body);
    let token = http::random_uuid();
    let now_ms = Date::now().as_millis();
    let mut claimed = keys::claim(db, &key, &fingerprint, &token, now_ms).await?;
    if claimed.record.claim(&token, &fingerprint, now_ms) == Claim::Held {
        let fence = Fence::new(&key, &token);
        let rows = match db::segmentos::insert(db, &segments, Some(&fence)).await {
            Ok(rows) => rows,
            Err(error) => {
                // Nothing was written: free the key so that a retry need not wait. Should
                // this fail too, the claim times out instead.
                let _ = keys::release(db, &key, &token).await;
                return Err(error);
            }
        };
        // No rows: the fence held them back (our own earlier attempt of this batch had
        // committed, or another request took the key over); answer as a retry would.
        if !rows.is_empty() {
            let response = respond(answer, &rows)?;
            keys::store(db, &key, &response).await?;
            return Ok(http::stored_response(&response, false)?);
        }
        claimed = keys::claim(db, &key, &fingerprint, &token, now_ms).await?;
    }
    retried(db, &key, answer, claimed, &token, &fingerprint, now_ms).await
}

/// The answer to a request that does not hold its key.
async fn retried(
    db: &Database,
    key: &IdempotencyKey,
    answer: Answer,
    claimed: keys::Claimed,
    token: &str,
    fingerprint: &str,
    now_ms: u64,
) -> Result<Response, ApiError> {
    let record = &claimed.record;
    let response = match record.claim(token, fingerprint, now_ms) {
        Claim::Replay => StoredResponse::from_stored(
            record.status.unwrap_or_default(),
            record.headers.as_deref().unwrap_or("{}"),
            claimed.body,
        )
        .map_err(ApiError::Internal)?,
        Claim::Recover(ids) => {
            let rows = db::segmentos::find_many(db, &ids).await?;
            if answer == Answer::One && rows.is_empty() {
                // The segment was created, then deleted before any response was stored.
                return Err(ApiError::SegmentoNotFound(
                    ids.first().copied().unwrap_or(0),
                ));
            }
            let response = respond(answer, &rows)?;
            keys::store(db, key, &response).await?;
            response
        }
        Claim::InFlight | Claim::Held => return Err(ApiError::IdempotencyKeyInFlight),
        Claim::Mismatch => {
            return Err(ApiError::from(FieldError::header(
                "idempotency-key",
                crate::domain::ErrorKind::value_error(
                    "this key was already used for a different request",
                ),
            )))
        }
    };
    Ok(http::stored_response(&response, true)?)
}

/// The `201` for created rows, in the form it is stored for replay.
fn respond(answer: Answer, rows: &[Segmento]) -> Result<StoredResponse, ApiError> {
    let to_json = |value: Result<String, serde_json::Error>| {
        value.map_err(|error| ApiError::Internal(error.to_string()))
    };
    let mut headers = BTreeMap::from([("content-type".to_owned(), "application/json".to_owned())]);
    let body = match (answer, rows) {
        (Answer::One, [row]) => {
            headers.insert(
                "location".into(),
                format!("{COLLECTION_PATH}/{}", row.id_segmento),
            );
            headers.insert(
                "etag".into(),
                segment_etag(row.id_segmento, row.version, Format::Json),
            );
            to_json(serde_json::to_string(row))?
        }
        (Answer::One, _) => {
            return Err(ApiError::Internal(format!(
                "a single create returned {} rows",
                rows.len()
            )))
        }
        (Answer::Many, rows) => to_json(serde_json::to_string(rows))?,
    };
    Ok(StoredResponse {
        status: 201,
        headers,
        body,
    })
}
