//! Segment bodies built by SQLite: a segment's JSON object, and its GeoJSON Feature, as
//! one SQL expression over its columns, derived from the field table. A list or a read
//! hands D1's string to the response; wasm never parses nor serializes the rows.
//!
//! The text is byte for byte what serde_json writes for the same [`ListItem`]
//! (`properties.rs` proves it against SQLite, `tests/segmentos-golden.test.mjs` against
//! D1): strings go through `json_quote`, whose escapes are serde_json's, and integers
//! print alike. Numbers differ: SQLite prints a REAL with 15 or 17 digits, serde_json
//! with the fewest that read back exactly. [`number`] prints SQLite's 15 digits where
//! they are that text, and otherwise a marked exact form that [`restore_numbers`]
//! rewrites in wasm: rare in real data (a 16- or 17-digit coordinate, one within 11 m of
//! the equator or the prime meridian), and only that page pays for it.
//!
//! [`ListItem`]: super::list::item::ListItem

use std::fmt::Write;

use super::fields::{FieldRule, Kind, FIELDS, ID_SEGMENTO, LATITUD, LONGITUD};

/// Encloses a number that [`restore_numbers`] must print. JSON text never holds a raw
/// U+0001 otherwise: `json_quote` escapes every control character.
pub const MARK: char = '\u{1}';

/// [`MARK`] as text, to look for it.
pub const MARK_TEXT: &str = "\u{1}";

/// Between the digits and the scale of a marked number.
const SCALE_SEPARATOR: char = '~';

/// SQLite prints 17 exact digits only down to about 1e-80 (measured; below that its
/// power-of-ten scaling loses bits). Smaller numbers are marked scaled up by this power of
/// two, once or more, which is exact; wasm scales them back, which is exact as well.
pub const SCALE: f64 = 1.766_847_064_778_384_3e72; // 2^240

/// Below this, a number is scaled before it is printed.
const SCALE_BELOW: f64 = 1e-80;

/// How many times the smallest subnormal (4.9e-324) must be scaled to reach `SCALE_BELOW`.
const MAX_SCALINGS: usize = 4;

/// The JSON text of the finite REAL `x` (a column or a simple expression; it is repeated),
/// or a marked form [`restore_numbers`] turns into it. `scale` is the placeholder of a
/// parameter bound to [`SCALE`].
///
/// `%!.15g` is serde_json's text when it reads back as `x` (then no shorter text does,
/// and a double has one 15-digit text at most) and `x` is in serde_json's decimal band,
/// where both print plain decimals with at least one fractional digit. Zero of either
/// sign prints `0.0`, as the old server's bodies did.
pub fn number(x: &str, scale: &str) -> String {
    let mut marked = String::from("CASE");
    let mut scaled = x.to_owned();
    for scalings in 0..=MAX_SCALINGS {
        let digits = format!(
            "char(1) || printf('%!.17g', {scaled}) || '{SCALE_SEPARATOR}{scalings}' || char(1)"
        );
        if scalings == MAX_SCALINGS {
            let _ = write!(marked, " ELSE {digits} END");
        } else {
            let _ = write!(
                marked,
                " WHEN abs({scaled}) >= {SCALE_BELOW:e} THEN {digits}"
            );
        }
        scaled = format!("{scaled} * {scale}");
    }
    format!(
        "CASE WHEN {x} = 0 THEN '0.0' \
         WHEN abs({x}) >= 0.0001 AND abs({x}) < 1e15 \
         AND CAST(printf('%!.15g', {x}) AS REAL) = {x} THEN printf('%!.15g', {x}) \
         ELSE {marked} END"
    )
}

/// `'{"a":' || a || ',"b":' || b || '}'` for `(member, SQL of its JSON text)` pairs.
fn object(members: &[(&str, String)]) -> String {
    let mut sql = String::new();
    for (index, (name, value)) in members.iter().enumerate() {
        let open = if index == 0 { "{" } else { "," };
        let _ = write!(sql, "'{open}\"{name}\":' || {value} || ");
    }
    sql.push_str("'}'");
    sql
}

/// The SQL of a field's JSON text, read from its column.
fn field_value(field: &FieldRule, scale: &str) -> String {
    match field.kind {
        Kind::Text { .. } | Kind::Instant => format!("json_quote({})", field.name),
        Kind::Number { .. } => number(field.name, scale),
        Kind::Integer => field.name.to_owned(),
    }
}

/// The name of the column a `near` list computes, and of its member.
pub const DISTANCE: &str = "distance_m";

/// The distance rounded to the millimetre, as the old server rounded it (half away from
/// zero; a distance is never negative): `floor` and a comparison are exact, where
/// SQLite's `round()` adds 0.5 first and can round a value just below a half up.
fn rounded_distance() -> String {
    format!(
        "((floor({DISTANCE} * 1000.0) + ({DISTANCE} * 1000.0 - floor({DISTANCE} * 1000.0) \
         >= 0.5)) / 1000.0)"
    )
}

/// The SQL of a segment's JSON object (a list item: with `distance_m` when `near`).
pub fn item(near: bool, scale: &str) -> String {
    let mut members: Vec<(&str, String)> = FIELDS
        .iter()
        .map(|field| (field.name, field_value(field, scale)))
        .collect();
    if near {
        members.push((DISTANCE, number(&rounded_distance(), scale)));
    }
    object(&members)
}

/// The SQL of a segment's GeoJSON Feature: a point at its coordinates, the segment (and
/// its distance) as properties.
pub fn feature(near: bool, scale: &str) -> String {
    let coordinates = format!(
        "'[' || {} || ',' || {} || ']'",
        number(LONGITUD.name, scale),
        number(LATITUD.name, scale)
    );
    let geometry = object(&[("type", "'\"Point\"'".into()), ("coordinates", coordinates)]);
    object(&[
        ("type", "'\"Feature\"'".into()),
        ("id", ID_SEGMENTO.name.into()),
        ("geometry", geometry),
        ("properties", item(near, scale)),
    ])
}

/// A marked number that is not one [`number`] writes.
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Rewrites every number [`number`] marked as serde_json prints it.
pub fn restore_numbers(text: &str) -> Result<String, Unreadable> {
    let mut restored = String::with_capacity(text.len());
    let mut parts = text.split(MARK);
    restored.push_str(parts.next().unwrap_or_default());
    while let Some(marked) = parts.next() {
        let value = marked_value(marked).ok_or_else(|| Unreadable(marked.to_owned()))?;
        let printed = serde_json::to_string(&value).map_err(|_| Unreadable(marked.into()))?;
        restored.push_str(&printed);
        // The text between this number and the next mark.
        let Some(between) = parts.next() else {
            return Err(Unreadable(marked.to_owned()));
        };
        restored.push_str(between);
    }
    Ok(restored)
}

/// `digits~scalings` back to the number: the digits read exactly (17 of them), and each
/// scaling undone by a power of two.
fn marked_value(marked: &str) -> Option<f64> {
    let (digits, scalings) = marked.split_once(SCALE_SEPARATOR)?;
    let scalings: usize = scalings.parse().ok().filter(|n| *n <= MAX_SCALINGS)?;
    let mut value: f64 = digits.parse().ok().filter(|x: &f64| x.is_finite())?;
    for _ in 0..scalings {
        value /= SCALE;
    }
    Some(value)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
