//! `/api/v1/segmentos`: create, read, list, update, delete.

use worker::{Env, Request, Response, Url};

use crate::db;
use crate::domain::geojson::{self, Feature, FeatureCollection};
use crate::domain::listing::Cursor;
use crate::domain::{Format, ListParams, Listed, SegmentoId, SegmentoPayload};
use crate::error::ApiError;
use crate::http::{empty_response, json_body, json_response, json_response_as};

const COLLECTION_PATH: &str = "/api/v1/segmentos";

pub async fn create(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let new = json_body::<SegmentoPayload>(&mut req).await?.into_new()?;
    let segmento = db::segmentos::insert(&db::connect(env)?, &new).await?;
    let mut response = json_response(201, &segmento)?;
    let location = format!("{COLLECTION_PATH}/{}", segmento.id_segmento);
    response.headers_mut().set("location", &location)?;
    Ok(response)
}

/// One segment, as JSON or (`Accept: application/geo+json`, `?format=geojson`) as a
/// GeoJSON `Feature`.
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

/// A filtered, ordered page of segments, with `X-Total-Count` (all matches) and, when more
/// follow, a `Link: <...>; rel="next"` carrying a keyset cursor.
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

/// `PUT` and `PATCH` alike: RecWay clients send partial bodies to both. A bad id and a bad
/// body are reported together.
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

pub async fn delete(raw_id: &str, env: &Env) -> Result<Response, ApiError> {
    let id = SegmentoId::parse(raw_id)?;
    if db::segmentos::delete(&db::connect(env)?, id).await? {
        Ok(empty_response(204))
    } else {
        Err(ApiError::SegmentoNotFound(id.get()))
    }
}
