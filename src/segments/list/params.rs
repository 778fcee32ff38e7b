//! The query of the segment list: filters, order, keyset cursor, page and format. Raw
//! query parameters ([`ListParams`]) become a [`ListQuery`] that holds only valid values,
//! or every problem with them at once.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::cursor::Cursor;
use super::instant::{self, Rounding};
use super::page::Page;
use super::sort::Sort;
use crate::http::negotiation::Format;
use crate::segments::geo::{GeoBox, Near, Point};
use crate::validation::field_error::{ErrorKind, FieldError};

/// Longest `q`, in characters: as long as the longest `nombre` or `ubicacion`.
pub const Q_MAX_CHARS: usize = 200;

/// The query string of `GET /api/v1/segmentos` as sent: text until [`Self::parse`] reads
/// it. Unknown parameters are ignored, as the FastAPI server did.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(utoipa::IntoParams))]
#[cfg_attr(test, into_params(parameter_in = Query))]
pub struct ListParams {
    /// Substring of `nombre`, `descripcion` or `ubicacion`, ignoring case and diacritics
    /// (`senalizacion` finds `Señalización`; a text of one or two characters ignores ASCII
    /// case only), taken literally (`%` and `_` are not wildcards): at most 200
    /// characters, no NUL.
    #[cfg_attr(test, param(max_length = 200, pattern = "^[^\\u0000]*$"))]
    q: Option<String>,
    ubicacion: Option<String>,
    /// Only segments created after this RFC 3339 instant (exclusive).
    #[cfg_attr(test, param(format = DateTime))]
    created_after: Option<String>,
    /// Only segments created before this RFC 3339 instant (exclusive).
    #[cfg_attr(test, param(format = DateTime))]
    created_before: Option<String>,
    /// Only segments last updated after this RFC 3339 instant (exclusive).
    #[cfg_attr(test, param(format = DateTime))]
    updated_after: Option<String>,
    /// Only segments last updated before this RFC 3339 instant (exclusive).
    #[cfg_attr(test, param(format = DateTime))]
    updated_before: Option<String>,
    /// Comma list of `id_segmento`, `nombre`, `created_at`, `updated_at` (and `distance_m`
    /// with `near`; ignored without it), each optionally prefixed with `-` for descending;
    /// a field listed again is ignored. Default: newest first (`-id_segmento`), or nearest
    /// first with `near`.
    #[cfg_attr(test, param(style = Form, explode = false, min_items = 1,
        value_type = Option<Vec<super::sort::SortName>>, example = "-created_at,nombre"))]
    sort: Option<String>,
    /// `minLon,minLat,maxLon,maxLat` in degrees (CRS84). `minLon > maxLon` is a box that
    /// crosses the antimeridian; `minLat > maxLat` is a box that holds nothing.
    #[cfg_attr(test, param(style = Form, explode = false, min_items = 4, max_items = 4,
        value_type = Option<Vec<f64>>, example = "-64.3,-31.5,-64.1,-31.3"))]
    bbox: Option<String>,
    /// `lon,lat`: only segments within `radius_m` of this point, nearest first, each with
    /// its `distance_m`.
    #[cfg_attr(test, param(style = Form, explode = false, min_items = 2, max_items = 2,
        value_type = Option<Vec<f64>>, example = "-64.18,-31.41"))]
    near: Option<String>,
    /// Great-circle radius around `near`, in metres: more than 0, at most 1,000,000
    /// (the default). Ignored without `near`.
    #[cfg_attr(test, param(value_type = Option<f64>, exclusive_minimum = 0, maximum = 1000000))]
    radius_m: Option<String>,
    cursor: Option<String>,
    /// Rows to skip (offset paging, kept for existing clients): `skip + limit` at most
    /// 10,000, as each skipped row is read. Further on, follow the `cursor` of the
    /// `rel="next"` link, which costs the same on every page.
    #[cfg_attr(test, param(value_type = Option<u64>, minimum = 0))]
    skip: Option<String>,
    /// Page size, 0 to 1000 (default 100). 0 returns no segments, only `X-Total-Count`:
    /// for a filtered list, that counts every match (as `Prefer: count=exact`).
    #[cfg_attr(test, param(value_type = Option<u16>, minimum = 0, maximum = 1000))]
    limit: Option<String>,
    /// `json` (default) or `geojson`; overrides the `Accept` header.
    #[cfg_attr(test, param(value_type = Option<Format>))]
    format: Option<String>,
}

impl ListParams {
    /// Reads query pairs; when a parameter repeats, the last value wins.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>) -> Self {
        let map: Map<String, Value> = pairs
            .into_iter()
            .map(|(key, value)| (key.into_owned(), Value::String(value.into_owned())))
            .collect();
        // Every field is optional text, so any map of strings deserializes.
        serde_json::from_value(Value::Object(map)).unwrap_or_default()
    }

    /// `?format=` alone: a single segment takes no other parameter.
    pub fn format(&self) -> Result<Option<Format>, FieldError> {
        self.format
            .as_deref()
            .map(Format::parse)
            .transpose()
            .map_err(|kind| FieldError::query("format", kind))
    }

    /// The valid query, or one error per bad parameter.
    pub fn parse(self) -> Result<ListQuery, Vec<FieldError>> {
        let mut problems = Problems::default();
        let search = problems.read("q", &self.q, search_text);
        let created_after = problems.read("created_after", &self.created_after, after);
        let created_before = problems.read("created_before", &self.created_before, before);
        let updated_after = problems.read("updated_after", &self.updated_after, after);
        let updated_before = problems.read("updated_before", &self.updated_before, before);
        let [created_after, created_before, updated_after, updated_before] =
            [created_after, created_before, updated_after, updated_before].map(Option::flatten);
        let bbox = problems.read("bbox", &self.bbox, GeoBox::parse);
        let center = problems.read("near", &self.near, Point::parse);
        // A radius is checked even without `near`, which makes it irrelevant.
        let radius = problems.read("radius_m", &self.radius_m, |raw| {
            Near::new(Point { lon: 0.0, lat: 0.0 }, Near::radius(raw)?).map(|near| near.radius_m())
        });
        // Every combination of parameters has a meaning (OpenAPI cannot say "both or
        // neither"): `near` alone searches the largest radius; `radius_m` alone is ignored.
        let near = match (center, &self.radius_m, radius) {
            (Some(center), None, _) => Near::new(center, Near::MAX_RADIUS_M).ok(),
            (Some(center), Some(_), Some(radius)) => Near::new(center, radius).ok(),
            _ => None,
        };
        let sort = problems.check(
            "sort",
            Sort::parse(self.sort.as_deref(), self.near.is_some()),
        );
        let cursor = match (&self.cursor, &sort) {
            (Some(raw), Some(sort)) => problems.check("cursor", Cursor::decode(raw, sort)),
            _ => None,
        };
        let format = self
            .format()
            .map_err(|error| problems.0.push(error))
            .ok()
            .flatten();
        let page = Page::parse(self.skip.as_deref(), self.limit.as_deref(), &mut problems.0);
        if !problems.0.is_empty() {
            return Err(problems.0);
        }
        Ok(ListQuery {
            filter: Filter {
                search,
                nombre: None,
                ubicacion: self.ubicacion,
                created_after,
                created_before,
                updated_after,
                updated_before,
                bbox,
                near,
            },
            sort: sort.unwrap_or_default(),
            cursor,
            count_matches: page.limit() == 0,
            page,
            format,
        })
    }
}

/// The problems found so far with a query's parameters.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    /// The parsed value of an optional parameter; a bad one is recorded.
    fn read<T>(
        &mut self,
        name: &str,
        raw: &Option<String>,
        parse: impl FnOnce(&str) -> Result<T, ErrorKind>,
    ) -> Option<T> {
        self.check(name, parse(raw.as_deref()?))
    }

    fn check<T>(&mut self, name: &str, result: Result<T, ErrorKind>) -> Option<T> {
        result.map_err(|kind| self.reject::<T>(name, kind)).ok()
    }

    fn reject<T>(&mut self, name: &str, kind: ErrorKind) -> Option<T> {
        self.0.push(FieldError::query(name, kind));
        None
    }
}

/// A valid list query.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub filter: Filter,
    pub sort: Sort,
    /// Where the previous page ended; the page starts after it.
    pub cursor: Option<Cursor>,
    /// Whether a filtered list counts its matches, which reads every one of them: asked
    /// for with `limit=0` or `Prefer: count=exact`. (An unfiltered list's total is kept,
    /// and always given.)
    pub count_matches: bool,
    pub page: Page,
    /// The format asked for with `?format=`; `None` leaves it to `Accept`.
    pub format: Option<Format>,
}

/// Which segments a list holds. Every condition must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// `q` in ASCII lower case: a substring to find.
    pub search: Option<String>,
    /// Exact `nombre` (the OGC items' filter; the v1 list has `q`).
    pub nombre: Option<String>,
    pub ubicacion: Option<String>,
    /// Instants as stored (RFC 3339 UTC, milliseconds), so they compare as text.
    pub created_after: Option<String>,
    pub created_before: Option<String>,
    pub updated_after: Option<String>,
    pub updated_before: Option<String>,
    pub bbox: Option<GeoBox>,
    pub near: Option<Near>,
}

/// `q` as the text to find, in ASCII lower case (the search folds ASCII case only, as
/// SQLite's `lower()` does).
fn search_text(q: &str) -> Result<String, ErrorKind> {
    // SQLite functions read text as C strings: a NUL would end it there, and "a\0b"
    // would search for "a" (and "\0" for everything).
    if q.contains('\0') {
        return Err(ErrorKind::value_error("q must not contain a NUL character"));
    }
    if q.chars().count() > Q_MAX_CHARS {
        return Err(ErrorKind::StringTooLong {
            max: Q_MAX_CHARS as u64,
        });
    }
    Ok(q.to_ascii_lowercase())
}

/// An exclusive lower bound, as stored text; none when every stored instant is after it.
fn after(raw: &str) -> Result<Option<String>, ErrorKind> {
    instant::after_millis(instant::millis(instant::parse(raw)?, Rounding::Down))
}

/// An exclusive upper bound, as stored text; none when every stored instant is before it.
fn before(raw: &str) -> Result<Option<String>, ErrorKind> {
    instant::before_millis(instant::millis(instant::parse(raw)?, Rounding::Up))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
