//! `/api/v1/segmentos`: create, read, list, update, delete.

use worker::{Env, Request, Response};

use crate::db;
use crate::domain::{Page, SegmentoId, SegmentoPayload};
use crate::error::ApiError;
use crate::http::{empty_response, json_body, json_response};

const COLLECTION_PATH: &str = "/api/v1/segmentos";

pub async fn create(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let new = json_body::<SegmentoPayload>(&mut req).await?.into_new()?;
    let segmento = db::segmentos::insert(&db::connect(env)?, &new).await?;
    let mut response = json_response(201, &segmento)?;
    let location = format!("{COLLECTION_PATH}/{}", segmento.id_segmento);
    response.headers_mut().set("location", &location)?;
    Ok(response)
}

pub async fn get(raw_id: &str, env: &Env) -> Result<Response, ApiError> {
    let id = SegmentoId::parse(raw_id)?;
    let segmento = db::segmentos::find(&db::connect(env)?, id)
        .await?
        .ok_or(ApiError::SegmentoNotFound(id.get()))?;
    Ok(json_response(200, &segmento)?)
}

pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let page = Page::from_query(req.url()?.query_pairs())?;
    let (total, segmentos) = db::segmentos::list(&db::connect(env)?, page).await?;
    let mut response = json_response(200, &segmentos)?;
    response
        .headers_mut()
        .set("x-total-count", &total.to_string())?;
    Ok(response)
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
