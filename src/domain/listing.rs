//! The query of the segment list: filters, order, keyset cursor, page and format. Raw
//! query parameters ([`ListParams`]) become a [`ListQuery`] that holds only valid values,
//! or every problem with them at once.

use std::borrow::Cow;
use std::fmt::Write;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Map, Value};

use super::field_error::{ErrorKind, FieldError};
use super::geo::{GeoBox, Near, Point};
use super::pagination::Page;
use super::segmento::Segmento;

/// Longest `q`, in characters: as long as the longest `nombre` or `ubicacion`.
pub const Q_MAX_CHARS: usize = 200;

/// The query string of `GET /api/v1/segmentos` as sent: text until [`Self::parse`] reads
/// it. Unknown parameters are ignored, as the FastAPI server did.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(utoipa::IntoParams))]
#[cfg_attr(test, into_params(parameter_in = Query))]
pub struct ListParams {
    /// Case-insensitive (ASCII) substring of `nombre`, `descripcion` or `ubicacion`, taken
    /// literally (`%` and `_` are not wildcards): at most 200 characters, no NUL.
    #[cfg_attr(test, param(max_length = 200, pattern = "^[^\\u0000]*$"))]
    q: Option<String>,
    /// Exact `ubicacion`.
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
        value_type = Option<Vec<SortName>>, example = "-created_at,nombre"))]
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
    /// Opaque position from the `rel="next"` link of a previous page of the same order.
    cursor: Option<String>,
    /// Rows to skip (offset paging, kept for existing clients; `cursor` scales better).
    #[cfg_attr(test, param(value_type = Option<u64>, minimum = 0, maximum = 9007199254740991_u64))]
    skip: Option<String>,
    /// Page size, 0 to 1000 (default 100). 0 returns only the count.
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
    pub page: Page,
    /// The format asked for with `?format=`; `None` leaves it to `Accept`.
    pub format: Option<Format>,
}

/// Which segments a list holds. Every condition must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// `q` in ASCII lower case: a substring to find.
    pub search: Option<String>,
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

/// Which way an instant finer than a millisecond moves to meet the stored precision, so
/// that "after" and "before" stay exact: after `t` is after `floor(t)`, before `t` is
/// before `ceil(t)`.
#[derive(Clone, Copy)]
enum Rounding {
    Down,
    Up,
}

/// The first and last instants the stored text (four-digit years) can hold.
const EARLIEST_STORED: &str = "0000-01-01T00:00:00.000Z";
const LATEST_STORED: &str = "9999-12-31T23:59:59.999Z";

/// Where an instant falls against the years stored text can hold. An offset can carry a
/// valid RFC 3339 instant out of them (`9999-12-31T23:59:59-01:00` is in year 10000 UTC),
/// and such a year's text (`+10000-...`, `-0001-...`) does not compare in time order.
enum Stored {
    Earlier,
    Within(String),
    Later,
}

/// An exclusive lower bound, as stored text; none when every stored instant is after it.
fn after(raw: &str) -> Result<Option<String>, ErrorKind> {
    Ok(match instant(raw, Rounding::Down)? {
        Stored::Earlier => None,
        Stored::Within(text) => Some(text),
        // Nothing stored is after the last storable instant.
        Stored::Later => Some(LATEST_STORED.into()),
    })
}

/// An exclusive upper bound, as stored text; none when every stored instant is before it.
fn before(raw: &str) -> Result<Option<String>, ErrorKind> {
    Ok(match instant(raw, Rounding::Up)? {
        // Nothing stored is before the first storable instant.
        Stored::Earlier => Some(EARLIEST_STORED.into()),
        Stored::Within(text) => Some(text),
        Stored::Later => None,
    })
}

/// An RFC 3339 instant in UTC, to the millisecond. A `+` in an offset arrives as a space
/// when the client forgot to percent-encode it; that one mistake is forgiven.
fn instant(raw: &str, rounding: Rounding) -> Result<Stored, ErrorKind> {
    let parsed = DateTime::parse_from_rfc3339(raw).or_else(|error| {
        let offset_at = raw.len().checked_sub(6).filter(|_| raw.len() > 20);
        match offset_at {
            Some(at) if raw.as_bytes()[at] == b' ' => {
                DateTime::parse_from_rfc3339(&format!("{}+{}", &raw[..at], &raw[at + 1..]))
            }
            _ => Err(error),
        }
    });
    let instant = parsed
        .map_err(|_| ErrorKind::DatetimeParsing {
            error: "expected RFC 3339 such as 2026-01-31T12:00:00Z",
        })?
        .with_timezone(&Utc);
    let mut millis = instant.timestamp_millis();
    if matches!(rounding, Rounding::Up) && instant.timestamp_subsec_nanos() % 1_000_000 != 0 {
        millis += 1;
    }
    let rounded = DateTime::from_timestamp_millis(millis).ok_or(ErrorKind::DatetimeParsing {
        error: "out of range",
    })?;
    Ok(match rounded.year() {
        ..0 => Stored::Earlier,
        0..=9999 => Stored::Within(rounded.to_rfc3339_opts(SecondsFormat::Millis, true)),
        _ => Stored::Later,
    })
}

/// The words of `sort`, for the OpenAPI document.
#[cfg(test)]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum SortName {
    #[schema(rename = "id_segmento")]
    IdSegmento,
    #[schema(rename = "-id_segmento")]
    IdSegmentoDescending,
    #[schema(rename = "nombre")]
    Nombre,
    #[schema(rename = "-nombre")]
    NombreDescending,
    #[schema(rename = "created_at")]
    CreatedAt,
    #[schema(rename = "-created_at")]
    CreatedAtDescending,
    #[schema(rename = "updated_at")]
    UpdatedAt,
    #[schema(rename = "-updated_at")]
    UpdatedAtDescending,
    #[schema(rename = "distance_m")]
    DistanceM,
    #[schema(rename = "-distance_m")]
    DistanceMDescending,
}

/// A field the list can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    IdSegmento,
    Nombre,
    CreatedAt,
    UpdatedAt,
    /// Only with `near`.
    DistanceM,
}

impl SortField {
    const ALL: [Self; 5] = [
        Self::IdSegmento,
        Self::Nombre,
        Self::CreatedAt,
        Self::UpdatedAt,
        Self::DistanceM,
    ];

    /// The parameter's name for the field, which is also its column.
    pub fn name(self) -> &'static str {
        match self {
            Self::IdSegmento => "id_segmento",
            Self::Nombre => "nombre",
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
            Self::DistanceM => "distance_m",
        }
    }

    /// This field of a listed row, as a cursor records it.
    fn value_of(self, row: &Listed) -> Value {
        let segmento = &row.segmento;
        match self {
            Self::IdSegmento => json!(segmento.id_segmento),
            Self::Nombre => json!(segmento.nombre),
            Self::CreatedAt => json!(segmento.created_at),
            Self::UpdatedAt => json!(segmento.updated_at),
            Self::DistanceM => json!(row.distance_m),
        }
    }

    fn accepts(self, value: &Value) -> bool {
        match self {
            Self::IdSegmento => value.is_i64(),
            Self::Nombre | Self::CreatedAt | Self::UpdatedAt => value.is_string(),
            Self::DistanceM => value.is_f64() || value.is_i64(),
        }
    }
}

/// One field of an order, ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub field: SortField,
    pub descending: bool,
}

/// A total order of the list: the requested fields, then `id_segmento` to break ties, so
/// that every row has a unique position a cursor can point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort(Vec<SortKey>);

impl Default for Sort {
    /// Newest first: ids only grow, so this is creation order.
    fn default() -> Self {
        Self(vec![SortKey {
            field: SortField::IdSegmento,
            descending: true,
        }])
    }
}

impl Sort {
    fn parse(raw: Option<&str>, near: bool) -> Result<Self, ErrorKind> {
        let Some(raw) = raw else {
            return Ok(if near {
                Self::nearest_first()
            } else {
                Self::default()
            });
        };
        let mut keys: Vec<SortKey> = Vec::new();
        for item in raw.split(',').map(str::trim) {
            let (descending, name) = match item.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, item),
            };
            let field = SortField::ALL
                .into_iter()
                .find(|field| field.name() == name)
                .ok_or_else(|| unknown_sort_field(item))?;
            // Without `near` there is no distance; a field listed again is already in
            // the order. Both are ignored, so that every list of fields has a meaning.
            let ignored = (field == SortField::DistanceM && !near)
                || keys.iter().any(|key| key.field == field);
            if !ignored {
                keys.push(SortKey { field, descending });
            }
        }
        if keys.is_empty() {
            return Self::parse(None, near);
        }
        Ok(Self::with_tie_break(keys))
    }

    fn nearest_first() -> Self {
        Self::with_tie_break(vec![SortKey {
            field: SortField::DistanceM,
            descending: false,
        }])
    }

    /// Appends `id_segmento` unless present, in the direction of the last key (so an index
    /// on that key, which ends in the rowid, serves the whole order).
    fn with_tie_break(mut keys: Vec<SortKey>) -> Self {
        if let Some(last) = keys.last().copied() {
            if !keys.iter().any(|key| key.field == SortField::IdSegmento) {
                keys.push(SortKey {
                    field: SortField::IdSegmento,
                    descending: last.descending,
                });
            }
        }
        Self(keys)
    }

    pub fn keys(&self) -> &[SortKey] {
        &self.0
    }

    /// `-created_at,-id_segmento`: what a cursor is bound to.
    fn canonical(&self) -> String {
        let mut text = String::new();
        for (index, key) in self.0.iter().enumerate() {
            let separator = if index == 0 { "" } else { "," };
            let sign = if key.descending { "-" } else { "" };
            let _ = write!(text, "{separator}{sign}{}", key.field.name());
        }
        text
    }
}

fn unknown_sort_field(item: &str) -> ErrorKind {
    ErrorKind::value_error(format!(
        "unknown sort field '{item}': use id_segmento, nombre, created_at, updated_at \
         (or distance_m with near), each optionally prefixed with '-'"
    ))
}

/// The sort-key values of the last row of a page: the next page starts after them.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor(Vec<Value>);

impl Cursor {
    /// The cursor pointing just after `row` in `sort` order.
    pub fn after(row: &Listed, sort: &Sort) -> String {
        let key: Vec<Value> = sort
            .keys()
            .iter()
            .map(|key| key.field.value_of(row))
            .collect();
        let token = json!({ "s": sort.canonical(), "k": key });
        URL_SAFE_NO_PAD.encode(token.to_string())
    }

    fn decode(raw: &str, sort: &Sort) -> Result<Self, ErrorKind> {
        #[derive(Deserialize)]
        struct Token {
            s: String,
            k: Vec<Value>,
        }
        let token: Token = URL_SAFE_NO_PAD
            .decode(raw.trim())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| invalid_cursor("it is not one this API made"))?;
        if token.s != sort.canonical() {
            return Err(invalid_cursor("it belongs to a different sort"));
        }
        let fits = token.k.len() == sort.keys().len()
            && sort
                .keys()
                .iter()
                .zip(&token.k)
                .all(|(key, value)| key.field.accepts(value));
        if !fits {
            return Err(invalid_cursor("it is not one this API made"));
        }
        Ok(Self(token.k))
    }

    /// One value per key of the sort the cursor was checked against.
    pub fn values(&self) -> &[Value] {
        &self.0
    }
}

fn invalid_cursor(why: &str) -> ErrorKind {
    ErrorKind::value_error(format!(
        "invalid cursor ({why}); use the rel=\"next\" link of the previous page"
    ))
}

/// The representation a list or a segment is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
#[cfg_attr(test, schema(rename_all = "lowercase"))]
pub enum Format {
    /// `application/json`: the segment, or an array of them.
    Json,
    /// `application/geo+json`: a Feature, or a FeatureCollection (RFC 7946).
    GeoJson,
}

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::GeoJson => super::geojson::MEDIA_TYPE,
        }
    }

    fn parse(raw: &str) -> Result<Self, ErrorKind> {
        match raw {
            "json" => Ok(Self::Json),
            "geojson" => Ok(Self::GeoJson),
            _ => Err(ErrorKind::LiteralError {
                expected: &["json", "geojson"],
            }),
        }
    }

    /// `?format=` when given, else the client's `Accept`: GeoJSON when it names
    /// `application/geo+json` and wants it at least as much as JSON. A wildcard never
    /// picks GeoJSON, but it does count for JSON: `application/geo+json;q=0.5, */*`
    /// prefers JSON.
    pub fn negotiate(asked: Option<Self>, accept: Option<&str>) -> Self {
        if let Some(format) = asked {
            return format;
        }
        let Some(accept) = accept else {
            return Self::Json;
        };
        let geo = accepted(accept, super::geojson::MEDIA_TYPE)
            .filter(|(specificity, _)| *specificity == Specificity::Exact)
            .map(|(_, weight)| weight);
        let json = accepted(accept, "application/json").map_or(0.0, |(_, weight)| weight);
        match geo {
            Some(geo) if geo > 0.0 && geo >= json => Self::GeoJson,
            _ => Self::Json,
        }
    }
}

/// How closely a media range of `Accept` names a media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Specificity {
    /// `*/*`
    Any,
    /// `type/*`
    AnySubtype,
    /// `type/subtype`
    Exact,
}

/// How much `accept` wants `media` (RFC 9110, section 12.5.1): the weight (`q`, 1 when
/// absent) of the most specific range matching it, and how specific that range is; none
/// when no range matches.
fn accepted(accept: &str, media: &str) -> Option<(Specificity, f32)> {
    let kind = media.split('/').next().unwrap_or(media);
    accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let name = parts.next()?;
            let specificity = if name.eq_ignore_ascii_case(media) {
                Specificity::Exact
            } else if name
                .strip_suffix("/*")
                .is_some_and(|range_kind| range_kind.eq_ignore_ascii_case(kind))
            {
                Specificity::AnySubtype
            } else if name == "*/*" {
                Specificity::Any
            } else {
                return None;
            };
            let weight = parts
                .filter_map(|param| param.split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, value)| value.trim().parse::<f32>().unwrap_or(1.0));
            Some((specificity, weight))
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
}

/// A row of a list: the segment, and its distance when the list is `near` a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(utoipa::ToSchema), schema(as = SegmentoListItem))]
pub struct Listed {
    #[serde(flatten)]
    pub segmento: Segmento,
    /// Metres from the `near` point along the great circle, to the millimetre; only in
    /// `near` lists.
    // Kept exact, as SQL computed it (a cursor must repeat it bit for bit); sent rounded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "to_millimetres"
    )]
    pub distance_m: Option<f64>,
}

impl From<Segmento> for Listed {
    fn from(segmento: Segmento) -> Self {
        Self {
            segmento,
            distance_m: None,
        }
    }
}

/// Distances are sent rounded to the millimetre; more digits would be noise.
fn to_millimetres<S: Serializer>(distance: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    distance
        .map(|metres| (metres * 1000.0).round() / 1000.0)
        .serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Result<ListQuery, Vec<FieldError>> {
        ListParams::from_query(
            pairs
                .iter()
                .map(|(key, value)| (Cow::Owned(key.to_string()), Cow::Owned(value.to_string()))),
        )
        .parse()
    }

    /// `(parameter, type)` of each error.
    fn problems(pairs: &[(&str, &str)]) -> Vec<(String, &'static str)> {
        query(pairs)
            .unwrap_err()
            .iter()
            .map(|error| {
                let value = serde_json::to_value(error).unwrap();
                (
                    value["loc"][1].as_str().unwrap().to_owned(),
                    error.kind().code(),
                )
            })
            .collect()
    }

    fn sort_of(raw: &str) -> Sort {
        query(&[("sort", raw)]).unwrap().sort
    }

    fn listed(id: i64, nombre: &str, distance_m: Option<f64>) -> Listed {
        Listed {
            segmento: Segmento {
                nombre: nombre.into(),
                ..Segmento::sample(id)
            },
            distance_m,
        }
    }

    #[test]
    fn no_parameters_list_everything_newest_first() {
        let query = query(&[]).unwrap();

        assert_eq!(query.filter, Filter::default());
        assert_eq!(query.sort, Sort::default());
        assert_eq!(query.sort.canonical(), "-id_segmento");
        assert_eq!((query.page.skip(), query.page.limit()), (0, 100));
    }

    #[test]
    fn unknown_parameters_are_ignored_and_the_last_repeat_wins() {
        let query = query(&[("limit", "5"), ("utm_source", "mail"), ("limit", "7")]).unwrap();

        assert_eq!(query.page.limit(), 7);
    }

    #[test]
    fn q_is_searched_for_as_it_is_in_ascii_lower_case() {
        let filter = query(&[("q", r"50%_OFF\ Ñ")]).unwrap().filter;

        assert_eq!(filter.search.as_deref(), Some(r"50%_off\ Ñ"));
    }

    #[test]
    fn a_q_of_200_characters_is_searched_and_201_is_too_long() {
        assert!(query(&[("q", &"ó".repeat(200))]).is_ok());

        assert_eq!(
            problems(&[("q", &"a".repeat(201))]),
            [("q".into(), "string_too_long")]
        );
    }

    #[test]
    fn wildcards_in_q_are_plain_characters() {
        assert!(query(&[("q", &"%".repeat(200))]).is_ok());
    }

    #[test]
    fn instants_are_normalised_to_stored_utc_milliseconds() {
        let filter = query(&[
            ("created_after", "2026-11-22T12:00:00+02:00"),
            ("updated_before", "2026-11-22T10:00:00.5Z"),
        ])
        .unwrap()
        .filter;

        assert_eq!(
            filter.created_after.as_deref(),
            Some("2026-11-22T10:00:00.000Z")
        );
        assert_eq!(
            filter.updated_before.as_deref(),
            Some("2026-11-22T10:00:00.500Z")
        );
    }

    #[test]
    fn sub_millisecond_bounds_round_outwards_so_after_and_before_stay_exclusive() {
        let filter = query(&[
            ("created_after", "2026-11-22T10:00:00.0004Z"),
            ("created_before", "2026-11-22T10:00:00.0004Z"),
        ])
        .unwrap()
        .filter;

        assert_eq!(
            filter.created_after.as_deref(),
            Some("2026-11-22T10:00:00.000Z")
        );
        assert_eq!(
            filter.created_before.as_deref(),
            Some("2026-11-22T10:00:00.001Z")
        );
    }

    #[test]
    fn an_offset_whose_plus_was_decoded_as_a_space_is_forgiven() {
        let filter = query(&[("created_after", "2026-11-22T12:00:00 02:00")])
            .unwrap()
            .filter;

        assert_eq!(
            filter.created_after.as_deref(),
            Some("2026-11-22T10:00:00.000Z")
        );
    }

    #[test]
    fn instants_past_year_9999_or_before_year_0_in_utc_still_bound_in_time_order() {
        let late = "9999-12-31T23:59:59-01:00"; // 10000-01-01T00:59:59Z
        let early = "0000-01-01T00:30:00+01:00"; // -0001-12-31T23:30:00Z
        let filter = |param: &str, value: &str| query(&[(param, value)]).unwrap().filter;

        assert_eq!(filter("created_before", late).created_before, None);
        assert_eq!(
            filter("updated_after", late).updated_after.as_deref(),
            Some("9999-12-31T23:59:59.999Z")
        );
        assert_eq!(filter("created_after", early).created_after, None);
        assert_eq!(
            filter("updated_before", early).updated_before.as_deref(),
            Some("0000-01-01T00:00:00.000Z")
        );
        assert_eq!(
            filter("created_before", "9999-12-31T23:59:59.9999Z").created_before,
            None,
            "rounded up into year 10000"
        );
    }

    #[test]
    fn a_q_with_a_nul_character_is_rejected() {
        assert_eq!(problems(&[("q", "a\0b")]), [("q".into(), "value_error")]);
    }

    #[test]
    fn a_date_without_a_time_or_zone_is_rejected() {
        assert_eq!(
            problems(&[
                ("created_after", "2026-11-22"),
                ("updated_before", "2026-11-22T10:00:00")
            ]),
            [
                ("created_after".into(), "datetime_parsing"),
                ("updated_before".into(), "datetime_parsing")
            ]
        );
    }

    #[test]
    fn sort_fields_keep_their_order_and_end_with_an_id_tie_break() {
        let sort = sort_of("-created_at,nombre");

        assert_eq!(sort.canonical(), "-created_at,nombre,id_segmento");
    }

    #[test]
    fn the_tie_break_follows_the_direction_of_the_last_field() {
        assert_eq!(sort_of("-nombre").canonical(), "-nombre,-id_segmento");
        assert_eq!(
            sort_of("id_segmento,nombre").canonical(),
            "id_segmento,nombre"
        );
    }

    #[test]
    fn an_unknown_or_an_empty_sort_field_is_rejected() {
        for raw in ["longitud", "nombre,", "", "--nombre"] {
            assert_eq!(
                problems(&[("sort", raw)]),
                [("sort".into(), "value_error")],
                "{raw}"
            );
        }
    }

    #[test]
    fn near_orders_by_distance_unless_told_otherwise() {
        let near = [("near", "-64.18,-31.41"), ("radius_m", "5000")];
        let by_default = query(&near).unwrap().sort;
        let explicit = query(&[near[0], near[1], ("sort", "-distance_m")])
            .unwrap()
            .sort;

        assert_eq!(by_default.canonical(), "distance_m,id_segmento");
        assert_eq!(explicit.canonical(), "-distance_m,-id_segmento");
    }

    #[test]
    fn near_alone_searches_the_largest_radius_and_a_radius_alone_is_ignored() {
        let near = query(&[("near", "1,2")]).unwrap().filter.near.unwrap();
        assert_eq!(near.radius_m(), Near::MAX_RADIUS_M);

        assert_eq!(query(&[("radius_m", "10")]).unwrap().filter.near, None);
    }

    #[test]
    fn a_repeated_sort_field_and_distance_without_near_are_ignored() {
        let names = |raw: &str| {
            let sort = query(&[("sort", raw)]).unwrap().sort;
            sort.keys()
                .iter()
                .map(|key| (key.descending, key.field.name()))
                .collect::<Vec<_>>()
        };

        assert_eq!(
            names("nombre,-nombre"),
            [(false, "nombre"), (false, "id_segmento")]
        );
        assert_eq!(names("distance_m"), [(true, "id_segmento")]);
        assert_eq!(
            names("-distance_m,nombre"),
            [(false, "nombre"), (false, "id_segmento")]
        );
    }

    #[test]
    fn a_radius_above_1000_km_is_rejected() {
        assert_eq!(
            problems(&[("near", "1,2"), ("radius_m", "1000001")]),
            [("radius_m".into(), "less_than_equal")]
        );
    }

    #[test]
    fn every_bad_parameter_is_reported_at_once() {
        let found = problems(&[
            ("bbox", "1,2,3"),
            ("near", "x,y"),
            ("radius_m", "far"),
            ("format", "xml"),
            ("limit", "5000"),
        ]);

        assert_eq!(
            found,
            [
                ("bbox".into(), "value_error"),
                ("near".into(), "value_error"),
                ("radius_m".into(), "float_parsing"),
                ("format".into(), "literal_error"),
                ("limit".into(), "less_than_equal"),
            ]
        );
    }

    #[test]
    fn a_cursor_round_trips_for_its_own_sort() {
        let sort = sort_of("-nombre");
        let token = Cursor::after(&listed(7, "Ruta 9", None), &sort);

        let cursor = query(&[("sort", "-nombre"), ("cursor", &token)])
            .unwrap()
            .cursor;

        assert_eq!(cursor, Some(Cursor(vec![json!("Ruta 9"), json!(7)])));
    }

    #[test]
    fn a_distance_cursor_keeps_the_exact_distance() {
        let near = [("near", "0,0"), ("radius_m", "5000")];
        let sort = query(&near).unwrap().sort;
        let exact = 1_234.567_890_123_456_7;
        let token = Cursor::after(&listed(3, "x", Some(exact)), &sort);

        let cursor = query(&[near[0], near[1], ("cursor", &token)])
            .unwrap()
            .cursor
            .unwrap();

        assert_eq!(cursor.values()[0].as_f64(), Some(exact));
    }

    #[test]
    fn a_cursor_of_another_sort_or_a_made_up_one_is_rejected() {
        let token = Cursor::after(&listed(7, "Ruta 9", None), &sort_of("-nombre"));
        let forged = URL_SAFE_NO_PAD.encode(r#"{"s":"-id_segmento","k":["7"]}"#);

        for (sort, cursor) in [
            ("nombre", token.as_str()),
            ("-id_segmento", "bm9wZQ"),
            ("-id_segmento", &forged),
        ] {
            assert_eq!(
                problems(&[("sort", sort), ("cursor", cursor)]),
                [("cursor".into(), "value_error")],
                "{cursor}"
            );
        }
    }

    #[test]
    fn format_is_json_or_geojson() {
        assert_eq!(
            query(&[("format", "geojson")]).unwrap().format,
            Some(Format::GeoJson)
        );
        assert_eq!(
            problems(&[("format", "GeoJSON")]),
            [("format".into(), "literal_error")]
        );
    }

    #[test]
    fn geojson_is_negotiated_from_accept_unless_format_says_otherwise() {
        let geo = Some("application/geo+json");

        assert_eq!(Format::negotiate(None, geo), Format::GeoJson);
        assert_eq!(Format::negotiate(Some(Format::Json), geo), Format::Json);
        assert_eq!(Format::negotiate(None, None), Format::Json);
        assert_eq!(Format::negotiate(None, Some("*/*")), Format::Json);
        assert_eq!(
            Format::negotiate(None, Some("application/json, application/geo+json;q=0.5")),
            Format::Json
        );
        assert_eq!(
            Format::negotiate(None, Some("application/json;q=0.9, application/geo+json")),
            Format::GeoJson
        );
        assert_eq!(
            Format::negotiate(None, Some("application/geo+json;q=0")),
            Format::Json
        );
    }

    #[test]
    fn a_wildcard_ranked_above_geojson_gives_json() {
        for accept in [
            "application/geo+json;q=0.5, */*",
            "application/*, application/geo+json;q=0.2",
            "application/geo+json;q=0, */*",
        ] {
            assert_eq!(
                Format::negotiate(None, Some(accept)),
                Format::Json,
                "{accept}"
            );
        }
    }

    #[test]
    fn geojson_named_above_a_wildcard_wins_and_a_wildcard_alone_never_picks_it() {
        assert_eq!(
            Format::negotiate(None, Some("application/geo+json, */*;q=0.1")),
            Format::GeoJson
        );
        assert_eq!(
            Format::negotiate(
                None,
                Some("Application/GEO+JSON; Q=0.8, application/*;q=0.7")
            ),
            Format::GeoJson
        );
        assert_eq!(
            Format::negotiate(None, Some("application/*, text/html")),
            Format::Json
        );
    }

    #[test]
    fn a_listed_distance_is_sent_to_the_millimetre() {
        let row = listed(1, "x", Some(1_234.567_89));

        let value = serde_json::to_value(&row).unwrap();

        assert_eq!(value["distance_m"], json!(1234.568));
        assert_eq!(value["id_segmento"], json!(1));
    }

    #[test]
    fn a_row_outside_a_near_query_carries_no_distance_field() {
        let value = serde_json::to_value(listed(1, "x", None)).unwrap();

        assert!(value.get("distance_m").is_none());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{config, edge_text, json_value, loc, number_text, text};
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::select;

    const PARAMETERS: [&str; 14] = [
        "q",
        "ubicacion",
        "created_after",
        "created_before",
        "updated_after",
        "updated_before",
        "sort",
        "bbox",
        "near",
        "radius_m",
        "cursor",
        "skip",
        "limit",
        "format",
    ];

    const SORT_NAMES: [&str; 5] = [
        "id_segmento",
        "nombre",
        "created_at",
        "updated_at",
        "distance_m",
    ];

    fn parse(pairs: &[(String, String)]) -> Result<ListQuery, Vec<FieldError>> {
        ListParams::from_query(
            pairs
                .iter()
                .map(|(key, value)| (Cow::Borrowed(key.as_str()), Cow::Borrowed(value.as_str()))),
        )
        .parse()
    }

    /// One value of one parameter.
    fn query(pairs: (&str, &str)) -> Result<ListQuery, Vec<FieldError>> {
        parse(&[(pairs.0.to_owned(), pairs.1.to_owned())])
    }

    /// The parameters each error names (`["query", name]`).
    fn named(errors: &[FieldError]) -> Vec<String> {
        errors
            .iter()
            .map(|error| {
                let loc = loc(error);
                assert_eq!(loc[0], "query", "{loc}");
                assert_eq!(loc.as_array().map(Vec::len), Some(2), "{loc}");
                loc[1].as_str().expect("a parameter name").to_owned()
            })
            .collect()
    }

    /// A sort list: names and near-misses, signed or not, padded or not.
    fn sort_text() -> impl Strategy<Value = String> {
        let item = (
            select(&["", "-", "--", "+", " -"][..]),
            prop_oneof![
                4 => select(&SORT_NAMES[..]).prop_map(str::to_owned),
                1 => select(&["Nombre", "longitud", "id", "", "nombre "][..]).prop_map(str::to_owned),
                1 => edge_text(4),
            ],
            select(&["", " ", "\t"][..]),
        )
            .prop_map(|(sign, name, pad)| format!("{pad}{sign}{name}{pad}"));
        prop_oneof![
            4 => vec(item, 0..=6).prop_map(|items| items.join(",")),
            1 => any::<String>(),
        ]
    }

    /// An RFC 3339 instant, its exact UTC time in nanoseconds since the epoch, and its
    /// text: any four-digit year, leap seconds, up to 12 fraction digits, offsets of
    /// either sign (the `+` sometimes arriving as a space), `T` or `t`, `Z` or `z`.
    fn instant() -> impl Strategy<Value = (i128, String)> {
        (
            (0i64..=9999, 1u32..=12, 1u32..=28),
            (0u32..=23, 0u32..=59, prop_oneof![0u32..=59, Just(60)]),
            "[0-9]{0,12}",
            prop_oneof![Just(None), (-1439i32..=1439).prop_map(Some)],
            (any::<bool>(), any::<bool>(), any::<bool>()),
        )
            .prop_map(|((y, mo, d), (h, mi, s), fraction, offset, (upper, zulu, space))| {
                let separator = if upper { 'T' } else { 't' };
                let fraction_text = if fraction.is_empty() { String::new() } else { format!(".{fraction}") };
                let zone = match offset {
                    None => (if zulu { "Z" } else { "z" }).to_owned(),
                    Some(minutes) => {
                        let sign = if minutes < 0 { '-' } else if space { ' ' } else { '+' };
                        format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
                    }
                };
                let text = format!("{y:04}-{mo:02}-{d:02}{separator}{h:02}:{mi:02}:{s:02}{fraction_text}{zone}");
                let nanos_of_fraction: i128 = format!("{fraction:0<9}")[..9].parse().expect("digits");
                let seconds = days_from_civil(y, mo, d) * 86_400
                    + i64::from(h * 3600 + mi * 60 + s)
                    - i64::from(offset.unwrap_or(0)) * 60;
                (i128::from(seconds) * 1_000_000_000 + nanos_of_fraction, text)
            })
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(month);
        let day_of_year =
            (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The stored text's instant in milliseconds.
    fn stored_millis(text: &str) -> i128 {
        assert_eq!(text.len(), 24, "{text}");
        assert!(text.ends_with('Z'), "{text}");
        i128::from(
            DateTime::parse_from_rfc3339(text)
                .expect("stored text is RFC 3339")
                .timestamp_millis(),
        )
    }

    /// First millisecond of year 0 and first of year 10000.
    const YEAR_0_MS: i128 = -62_167_219_200_000;
    const YEAR_10000_MS: i128 = 253_402_300_800_000;

    /// A value for one parameter: shaped for it, or any text.
    fn value_for(name: &'static str) -> BoxedStrategy<String> {
        let shaped = match name {
            "q" | "ubicacion" => text(48),
            "created_after" | "created_before" | "updated_after" | "updated_before" => {
                instant().prop_map(|(_, text)| text).boxed()
            }
            "sort" => sort_text().boxed(),
            "bbox" | "near" => vec(number_text(), 0..=5)
                .prop_map(|items| items.join(","))
                .boxed(),
            "radius_m" | "skip" | "limit" => number_text(),
            "format" => select(&["json", "geojson", "GeoJSON", "xml", ""][..])
                .prop_map(str::to_owned)
                .boxed(),
            _ => any::<String>().boxed(),
        };
        prop_oneof![4 => shaped, 1 => edge_text(8), 1 => any::<String>()].boxed()
    }

    /// Query pairs: any of the parameters with values for them, and unknown ones.
    fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
        let known = select(&PARAMETERS[..])
            .prop_flat_map(|name| value_for(name).prop_map(move |value| (name.to_owned(), value)));
        let unknown = (edge_text(6), any::<String>());
        vec(prop_oneof![6 => known, 1 => unknown], 0..8)
    }

    /// A row of a `near` list, with any values its columns can hold.
    fn row() -> impl Strategy<Value = Listed> {
        (
            any::<i64>(),
            any::<String>(),
            (any::<String>(), any::<String>()),
            prop_oneof![
                0.0..=2e6_f64,
                any::<f64>().prop_filter("finite", |x| x.is_finite())
            ],
        )
            .prop_map(
                |(id, nombre, (created_at, updated_at), distance_m)| Listed {
                    segmento: Segmento {
                        id_segmento: id,
                        nombre,
                        created_at,
                        updated_at,
                        ..Segmento::sample(id)
                    },
                    distance_m: Some(distance_m),
                },
            )
    }

    /// A sort that parses: up to four distinct fields, each ascending or descending.
    fn sort() -> impl Strategy<Value = (String, bool)> {
        (
            Just(SORT_NAMES.to_vec()).prop_shuffle(),
            1usize..=4,
            vec(any::<bool>(), 4),
            any::<bool>(),
        )
            .prop_map(|(names, count, descending, near)| {
                let items: Vec<String> = names
                    .into_iter()
                    .filter(|name| near || *name != "distance_m")
                    .take(count)
                    .zip(descending)
                    .map(|(name, descending)| {
                        format!("{}{name}", if descending { "-" } else { "" })
                    })
                    .collect();
                (items.join(","), near)
            })
    }

    fn with_near(near: bool) -> Vec<(String, String)> {
        if near {
            vec![
                ("near".into(), "0,0".into()),
                ("radius_m".into(), "1000".into()),
            ]
        } else {
            vec![]
        }
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn an_arbitrary_query_is_valid_or_each_problem_names_a_parameter_sent(pairs in pairs()) {
            let sent = |name: &str| pairs.iter().any(|(key, _)| key == name);
            match parse(&pairs) {
                Ok(query) => {
                    let filter = &query.filter;
                    if let Some(search) = &filter.search {
                        prop_assert!(search.chars().count() <= Q_MAX_CHARS && !search.contains('\0'));
                        prop_assert!(!search.bytes().any(|byte| byte.is_ascii_uppercase()));
                    }
                    for bound in [&filter.created_after, &filter.created_before, &filter.updated_after, &filter.updated_before].into_iter().flatten() {
                        prop_assert!((YEAR_0_MS..YEAR_10000_MS).contains(&stored_millis(bound)));
                    }
                    if let Some(bbox) = filter.bbox {
                        prop_assert!((-90.0..=90.0).contains(&bbox.min_lat) && (-90.0..=90.0).contains(&bbox.max_lat));
                    }
                    if let Some(near) = filter.near {
                        prop_assert!(near.radius_m() > 0.0 && near.radius_m() <= Near::MAX_RADIUS_M);
                    }
                    prop_assert_eq!(filter.near.is_some(), sent("near"));
                    let keys = query.sort.keys();
                    prop_assert!(keys.iter().any(|key| key.field == SortField::IdSegmento));
                    for (index, key) in keys.iter().enumerate() {
                        prop_assert!(!keys[..index].iter().any(|earlier| earlier.field == key.field));
                    }
                    if let Some(cursor) = &query.cursor {
                        prop_assert_eq!(cursor.values().len(), keys.len());
                    }
                    prop_assert!((0..=Page::MAX_LIMIT).contains(&query.page.limit()));
                    prop_assert!(query.page.skip() >= 0);
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for name in named(&errors) {
                        prop_assert!(
                            sent(&name),
                            "{name} named but not sent"
                        );
                    }
                }
            }
        }

        #[test]
        fn q_is_searched_as_itself_in_ascii_lower_case_or_refused(q in text(Q_MAX_CHARS)) {
            match query(("q", &q)) {
                Ok(query) => {
                    prop_assert!(!q.contains('\0') && q.chars().count() <= Q_MAX_CHARS);
                    prop_assert_eq!(query.filter.search, Some(q.to_ascii_lowercase()));
                }
                Err(errors) => {
                    prop_assert!(q.contains('\0') || q.chars().count() > Q_MAX_CHARS);
                    prop_assert_eq!(named(&errors), ["q"]);
                }
            }
        }

        #[test]
        fn an_instant_bounds_a_list_to_the_millisecond_outwards((nanos, raw) in instant()) {
            let floor = nanos.div_euclid(1_000_000);
            let ceil = floor + i128::from(nanos.rem_euclid(1_000_000) != 0);
            for (name, is_after) in [("created_after", true), ("created_before", false), ("updated_after", true), ("updated_before", false)] {
                let filter = query((name, &raw)).map_err(|errors| TestCaseError::fail(format!("{raw}: {errors:?}")))?.filter;
                let bound = match name {
                    "created_after" => filter.created_after,
                    "created_before" => filter.created_before,
                    "updated_after" => filter.updated_after,
                    _ => filter.updated_before,
                };
                let rounded = if is_after { floor } else { ceil };
                let expected = if rounded < YEAR_0_MS {
                    // Every stored instant is after it; nothing is before it.
                    (!is_after).then_some(YEAR_0_MS)
                } else if rounded >= YEAR_10000_MS {
                    is_after.then_some(YEAR_10000_MS - 1)
                } else {
                    Some(rounded)
                };
                prop_assert_eq!(bound.as_deref().map(stored_millis), expected, "{} {}", name, raw);
            }
        }

        #[test]
        fn arbitrary_instant_text_is_read_or_refused_on_its_parameter(
            raw in prop_oneof![any::<String>(), edge_text(30), number_text(), instant().prop_map(|(_, text)| text)],
            name in select(&["created_after", "created_before", "updated_after", "updated_before"][..]),
        ) {
            match query((name, &raw)) {
                Ok(query) => {
                    let filter = query.filter;
                    for bound in [filter.created_after, filter.created_before, filter.updated_after, filter.updated_before].into_iter().flatten() {
                        prop_assert!((YEAR_0_MS..YEAR_10000_MS).contains(&stored_millis(&bound)));
                    }
                }
                Err(errors) => {
                    prop_assert_eq!(named(&errors), [name]);
                    prop_assert_eq!(errors[0].kind().code(), "datetime_parsing");
                }
            }
        }

        #[test]
        fn a_sort_is_its_fields_in_order_then_the_id_or_is_refused(raw in sort_text(), near in any::<bool>()) {
            let items: Vec<(bool, &str)> = raw
                .split(',')
                .map(str::trim)
                .map(|item| match item.strip_prefix('-') {
                    Some(name) => (true, name),
                    None => (false, item),
                })
                .collect();
            let valid = items.iter().all(|(_, name)| SORT_NAMES.contains(name));
            // Kept: each field's first mention, and distance_m only with near.
            let kept: Vec<(bool, &str)> = items
                .iter()
                .enumerate()
                .filter(|(index, (_, name))| {
                    (near || *name != "distance_m") && !items[..*index].iter().any(|(_, earlier)| earlier == name)
                })
                .map(|(_, item)| *item)
                .collect();
            let mut pairs = with_near(near);
            pairs.push(("sort".into(), raw.clone()));
            match parse(&pairs) {
                Ok(query) => {
                    prop_assert!(valid, "{raw:?} accepted");
                    let keys = query.sort.keys();
                    let listed: Vec<(bool, &str)> = keys.iter().map(|key| (key.descending, key.field.name())).collect();
                    if kept.is_empty() {
                        let default: &[(bool, &str)] = if near { &[(false, "distance_m"), (false, "id_segmento")] } else { &[(true, "id_segmento")] };
                        prop_assert_eq!(&listed[..], default);
                    } else {
                        prop_assert_eq!(&listed[..kept.len()], &kept[..]);
                        match &listed[kept.len()..] {
                            [] => prop_assert!(kept.iter().any(|(_, name)| *name == "id_segmento")),
                            [(descending, "id_segmento")] => prop_assert_eq!(*descending, kept.last().expect("a field").0),
                            other => prop_assert!(false, "tie-break {other:?}"),
                        }
                    }
                }
                Err(errors) => {
                    prop_assert!(!valid, "{raw:?} refused");
                    prop_assert_eq!(named(&errors), ["sort"]);
                }
            }
        }

        #[test]
        fn a_cursor_round_trips_for_its_own_sort_whatever_the_row(mut row in row(), (sort, near) in sort()) {
            if !near {
                row.distance_m = None;
            }
            let mut pairs = with_near(near);
            pairs.push(("sort".into(), sort));
            let parsed = parse(&pairs).expect("a valid sort").sort;
            let token = Cursor::after(&row, &parsed);
            pairs.push(("cursor".into(), token));

            let cursor = parse(&pairs).map_err(|errors| TestCaseError::fail(format!("{errors:?}")))?.cursor.expect("a cursor");

            let expected: Vec<Value> = parsed.keys().iter().map(|key| key.field.value_of(&row)).collect();
            prop_assert_eq!(cursor.values(), &expected[..]);
        }

        #[test]
        fn a_forged_or_garbled_cursor_is_refused_on_its_parameter_or_fits_the_sort(
            (sort, near) in sort(),
            forged in prop_oneof![
                any::<String>(),
                edge_text(12),
                vec(json_value(), 0..5).prop_map(|keys| json!({"s": "", "k": keys}).to_string()),
                json_value().prop_map(|value| value.to_string()),
            ],
            use_canonical in any::<bool>(),
            encode in any::<bool>(),
        ) {
            let mut pairs = with_near(near);
            pairs.push(("sort".into(), sort));
            let parsed = parse(&pairs).expect("a valid sort").sort;
            let mut token = forged;
            if use_canonical {
                if let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(&token) {
                    object.insert("s".into(), parsed.canonical().into());
                    token = Value::Object(object).to_string();
                }
            }
            if encode {
                token = URL_SAFE_NO_PAD.encode(token);
            }
            pairs.push(("cursor".into(), token));
            match parse(&pairs) {
                Ok(query) => {
                    let cursor = query.cursor.expect("a cursor");
                    prop_assert_eq!(cursor.values().len(), parsed.keys().len());
                    for (key, value) in parsed.keys().iter().zip(cursor.values()) {
                        prop_assert!(key.field.accepts(value));
                    }
                }
                Err(errors) => prop_assert_eq!(named(&errors), ["cursor"]),
            }
        }

        #[test]
        fn a_format_is_json_or_geojson_or_refused_on_its_parameter(raw in prop_oneof![any::<String>(), select(&["json", "geojson", "JSON", " json", "geo+json"][..]).prop_map(str::to_owned)]) {
            match query(("format", &raw)) {
                Ok(query) => prop_assert_eq!(query.format, Some(if raw == "json" { Format::Json } else { Format::GeoJson })),
                Err(errors) => {
                    prop_assert!(raw != "json" && raw != "geojson");
                    prop_assert_eq!(named(&errors), ["format"]);
                }
            }
        }

        #[test]
        fn an_arbitrary_accept_header_picks_geojson_only_when_it_names_it(
            accept in prop_oneof![
                any::<String>(),
                vec(
                    (
                        select(&["application/geo+json", "Application/GEO+JSON", "application/json", "application/*", "*/*", "text/html", ""][..]),
                        prop::option::of(prop_oneof![number_text(), Just("0".to_owned()), Just("NaN".to_owned())]),
                    ).prop_map(|(media, q)| match q {
                        Some(q) => format!("{media}; q={q}"),
                        None => media.to_owned(),
                    }),
                    0..4,
                ).prop_map(|ranges| ranges.join(", ")),
            ]
        ) {
            let format = Format::negotiate(None, Some(&accept));

            if !accept.to_ascii_lowercase().contains("application/geo+json") {
                prop_assert_eq!(format, Format::Json);
            }
            prop_assert_eq!(Format::negotiate(Some(Format::Json), Some(&accept)), Format::Json);
        }
    }
}
