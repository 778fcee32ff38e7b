//! The query of `GET /collections/segmentos/items`, read strictly as OGC API Features
//! asks: a parameter the API definition does not declare is an error
//! (/req/core/query-param-unknown), as is an invalid value (/req/core/query-param-invalid),
//! except a `limit` above the maximum, which is clamped to it (/req/core/fc-limit-response-1).
//! The result is the v1 list's own query, so both APIs share its filters, order, cursors
//! and SQL.

use std::borrow::Cow;

use super::datetime::UpdatedWithin;
use crate::http::negotiation::Format;
use crate::segments::geo::GeoBox;
use crate::segments::list::cursor::Cursor;
use crate::segments::list::page::Page;
use crate::segments::list::params::{Filter, ListQuery};
use crate::segments::list::sort::Sort;
use crate::validation::field_error::{ErrorKind, FieldError};

/// Every parameter of the items, as the OpenAPI document declares them (`ogc::openapi`).
pub const PARAMETERS: [&str; 7] = [
    "limit",
    "bbox",
    "datetime",
    "nombre",
    "ubicacion",
    "cursor",
    "f",
];

/// Features per page when `limit` is absent.
pub const DEFAULT_LIMIT: i64 = 10;

/// The v1 list's largest page, which is the items' too.
pub const MAX_LIMIT: i64 = Page::MAX_LIMIT;

/// The only value `f` takes: JSON, which for features means GeoJSON.
pub const FORMATS: &[&str] = &["json"];

/// The query's list, or every problem with its parameters.
pub fn parse<'a>(
    pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<ListQuery, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut values: [Option<Cow<'a, str>>; PARAMETERS.len()] = Default::default();
    for (name, value) in pairs {
        match PARAMETERS.iter().position(|known| *known == name) {
            // A repeated parameter: the last value wins, as in the v1 list.
            Some(index) => values[index] = Some(value),
            None => problems.push(FieldError::query(&name, ErrorKind::ExtraForbidden)),
        }
    }
    let [limit, bbox, datetime, nombre, ubicacion, cursor, format] = values;
    let limit = limit.map_or(Some(DEFAULT_LIMIT), |raw| {
        checked(&mut problems, "limit", page_size(&raw))
    });
    let bbox = bbox.and_then(|raw| checked(&mut problems, "bbox", geo_box(&raw)));
    let updated =
        datetime.and_then(|raw| checked(&mut problems, "datetime", UpdatedWithin::parse(&raw)));
    let sort = Sort::default();
    let cursor =
        cursor.and_then(|raw| checked(&mut problems, "cursor", Cursor::decode(&raw, &sort)));
    problems.extend(format.and_then(|raw| format_problem(&raw)));
    if !problems.is_empty() {
        return Err(problems);
    }
    let updated = updated.unwrap_or_default();
    Ok(ListQuery {
        filter: Filter {
            nombre: nombre.map(Cow::into_owned),
            ubicacion: ubicacion.map(Cow::into_owned),
            updated_after: updated.after,
            updated_before: updated.before,
            bbox,
            ..Filter::default()
        },
        sort,
        cursor,
        count_matches: false,
        page: Page::first(limit.unwrap_or(DEFAULT_LIMIT)),
        format: Some(Format::GeoJson),
    })
}

/// The problem with an `f` value, if it is not one of [`FORMATS`].
fn format_problem(raw: &str) -> Option<FieldError> {
    let wrong = ErrorKind::LiteralError { expected: FORMATS };
    (!FORMATS.contains(&raw)).then(|| FieldError::query("f", wrong))
}

/// The value of a parameter, or its problem recorded.
fn checked<T>(
    problems: &mut Vec<FieldError>,
    name: &str,
    result: Result<T, ErrorKind>,
) -> Option<T> {
    result
        .map_err(|kind| problems.push(FieldError::query(name, kind)))
        .ok()
}

/// The query of every other resource, which takes `f` alone.
pub fn format_only<'a>(
    pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<(), Vec<FieldError>> {
    let problems: Vec<FieldError> = pairs
        .into_iter()
        .filter_map(|(name, value)| match name.as_ref() {
            "f" => format_problem(&value),
            _ => Some(FieldError::query(&name, ErrorKind::ExtraForbidden)),
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A whole number of at least 1; above [`MAX_LIMIT`] (however far), the maximum.
fn page_size(raw: &str) -> Result<i64, ErrorKind> {
    let digits = raw.trim();
    if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        let size = digits.parse::<i64>().unwrap_or(i64::MAX);
        if size >= 1 {
            return Ok(size.min(MAX_LIMIT));
        }
    }
    match digits.parse::<i64>() {
        Ok(_) => Err(ErrorKind::GreaterThanEqual { min: 1.0 }),
        Err(_) => Err(ErrorKind::IntParsing),
    }
}

/// Four numbers (CRS84), or six with heights (CRS84h), which a flat dataset ignores once
/// they are numbers.
fn geo_box(raw: &str) -> Result<GeoBox, ErrorKind> {
    let parts: Vec<&str> = raw.split(',').collect();
    match parts.as_slice() {
        [_, _, _, _] => GeoBox::parse(raw),
        [west, south, low, east, north, high] => {
            for height in [low, high] {
                if !height.trim().parse::<f64>().is_ok_and(f64::is_finite) {
                    return Err(ErrorKind::value_error(format!("'{height}' is not a number")));
                }
            }
            GeoBox::parse(&[*west, *south, *east, *north].join(","))
        }
        _ => Err(ErrorKind::value_error(format!(
            "expected 4 or 6 comma-separated numbers (minLon,minLat,[minHeight,]maxLon,maxLat[,maxHeight]), got {}",
            parts.len()
        ))),
    }
}

#[cfg(test)]
mod tests;
