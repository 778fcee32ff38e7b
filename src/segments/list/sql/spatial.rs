//! How a list with `bbox` or `near` finds its rows without reading a whole latitude band
//! of the globe: through the band index of migration 0008 (`geo::band`), or in the list's
//! own order, whichever reads fewer rows, chosen inside the statement; nearest first
//! through growing circles. One statement, one round trip, whatever the plan.
//!
//! Through the index, a box reads about the N segments inside it. In the list's order
//! (its index, or the table's), a page of `need` rows reads about `need · T / N` rows of a
//! table of T before it is full, if the box's segments are spread over the order as ids
//! spread over places. A page takes the index while `N² < need · T`: a sparse box from the
//! index, a dense one (a city's box holds 4% of a national table) in order. N comes from
//! the sample index: a box's sample entries, counted up to a cap, times [`SAMPLE`].
//!
//! Nearest first has no order to read in: it counts the matches within circles of half,
//! a quarter, an eighth ... of the radius asked for (down to 100 m), smallest first, each
//! count stopping at `need`, and pages through the smallest circle that holds `need`
//! matches; they are the nearest `need` in the whole circle. Each circle is four times
//! the area of the one before, so the counts read about a third of what the page does.

use super::{page_of, where_clause, Window};
use crate::db::{Param, Statement};
use crate::segments::geo::band::{self, Cover};
use crate::segments::geo::{GeoBox, Near, EARTH_RADIUS_M};
use crate::segments::list::params::Filter;

/// One segment in `SAMPLE` (by id) is in the sample index: the modulus of migration 0008.
const SAMPLE: i64 = 256;

/// The table size the sample's cap is set for: the cap is the count beyond which the list's
/// order wins for a table this large, so a larger table only makes that choice sooner than
/// it must. D1's 10 GB hold about this many segments with their indexes.
const TABLE_CAP: f64 = 10_000_000.0;

/// The smallest circle nearest-first counts in, in metres: a city block, where a dense
/// town's page of 100 is a few hundred metres across.
const SMALLEST_RING_M: f64 = 100.0;

/// The box every match of a spatial list is in: the circle's with `near` (the smaller,
/// when both are given, in practice), else `bbox`'s; none without either.
pub(super) fn region(filter: &Filter) -> Option<GeoBox> {
    filter.near.map(|near| near.bounding_box()).or(filter.bbox)
}

/// Where a read through the band index looks: which bands, and in each the longitudes
/// from west to east of each side of the antimeridian, as SQL.
pub(super) struct Lookup {
    bands: String,
    sides: Vec<(String, String)>,
}

impl From<&Cover> for Lookup {
    fn from(cover: &Cover) -> Self {
        let sides = cover.sides.iter();
        Self {
            bands: cover.bands_sql(),
            sides: sides
                .map(|(west, east)| (literal(*west), literal(*east)))
                .collect(),
        }
    }
}

impl Lookup {
    /// `select(condition)` for each side, as one compound select (D1 allows five terms):
    /// the condition that a row is in the bands and between the side's west and east.
    fn each_side(&self, select: impl Fn(String) -> String) -> String {
        let selects: Vec<String> = self
            .sides
            .iter()
            .map(|(west, east)| {
                select(format!(
                    "{} AND longitud BETWEEN {west} AND {east}",
                    self.bands
                ))
            })
            .collect();
        selects.join(" UNION ALL ")
    }
}

/// The rows `lookup` finds that meet `conditions`, through the band index: one select per
/// side of the antimeridian, each one seek per band.
pub(super) fn through_bands(columns: &str, conditions: &[String], lookup: &Lookup) -> String {
    lookup.each_side(|side| {
        let mut all = vec![side];
        all.extend_from_slice(conditions);
        format!(
            "SELECT {columns} FROM segmentos INDEXED BY segmentos_by_band{}",
            where_clause(&all)
        )
    })
}

/// A page of a box in whichever order the list asks, through the band index or in that
/// order (`in_order`: the same rows read from the table), as the box's sample decides.
pub(super) fn page_by_sample(
    cover: &Cover,
    through_index: &str,
    in_order: &str,
    outer: &[String],
    order: &str,
    window: &Window,
) -> String {
    let indexed = "(SELECT indexed FROM plan)";
    let arms = [
        page_of(through_index, outer, order, window, Some(indexed)),
        page_of(
            in_order,
            outer,
            order,
            window,
            Some(&format!("NOT {indexed}")),
        ),
    ];
    format!(
        "{} {}",
        choice(cover, window.need),
        union_in_order(&arms, order)
    )
}

/// `WITH ... plan(indexed)`: whether a page of `need` rows in `cover` is read through the
/// band index, by the box's sample (see the module's notes).
fn choice(cover: &Cover, need: i64) -> String {
    // Counting more than the cap never changes the choice for a table up to TABLE_CAP.
    let cap = ((need as f64 * TABLE_CAP).sqrt() / SAMPLE as f64).ceil() as i64 + 1;
    let sample = Lookup::from(cover).each_side(|side| {
        format!(
            "SELECT 1 FROM segmentos INDEXED BY segmentos_sample_by_band \
             WHERE id_segmento % {SAMPLE} = 0 AND {side}"
        )
    });
    let square = SAMPLE * SAMPLE;
    // max(id_segmento) stands for the table's size: one seek, and near enough.
    format!(
        "WITH sampled(n) AS MATERIALIZED (SELECT count(*) FROM ({sample} LIMIT {cap})), \
         plan(indexed) AS MATERIALIZED (SELECT n < {cap} AND n * n * {square} < {need} \
         * coalesce((SELECT max(id_segmento) FROM segmentos), 0) FROM sampled)"
    )
}

/// A page nearest first (`near`, sorted by `distance_m`): through the smallest of the
/// growing circles that holds `need` matches after the cursor. `rows_within(lookup)` are
/// the rows a lookup finds, with `distance_m`.
pub(super) fn page_nearest_first(
    near: &Near,
    rows_within: impl Fn(&Lookup) -> String,
    cursor: Option<&String>,
    order: &str,
    window: &Window,
) -> String {
    let circles = circles(near);
    let covers: Vec<Cover> = circles
        .iter()
        .map(|circle| Cover::of(&circle.bounding_box()))
        .collect();
    let within = |radius: String| {
        let mut outer: Vec<String> = cursor.cloned().into_iter().collect();
        outer.push(format!("distance_m <= {radius}"));
        outer
    };
    let last = circles.len() - 1;
    if last == 0 {
        let rows = rows_within(&Lookup::from(&covers[0]));
        return page_of(
            &rows,
            &within(literal(near.radius_m())),
            order,
            window,
            None,
        );
    }
    let need = window.need;
    // CASE tries the circles smallest first, and stops at the first that holds the page.
    let tries: String = circles[..last]
        .iter()
        .zip(&covers)
        .enumerate()
        .map(|(k, (circle, cover))| {
            let rows = rows_within(&Lookup::from(cover));
            let outer = within(literal(circle.radius_m()));
            format!(
                " WHEN (SELECT count(*) FROM (SELECT 1 FROM ({rows}){} LIMIT {need})) \
                 >= {need} THEN {k}",
                where_clause(&outer)
            )
        })
        .collect();
    // The chosen circle's radius, bands and sides, read from a table of them all; a side
    // a circle does not have is empty (west of 1, east of 0).
    let sides = covers
        .iter()
        .map(|cover| cover.sides.len())
        .max()
        .unwrap_or(1);
    let table: Vec<String> = circles
        .iter()
        .zip(&covers)
        .map(|(circle, cover)| {
            let (south, north) = cover.bands.unwrap_or((1, 0));
            let mut row = vec![
                literal(circle.radius_m()),
                south.to_string(),
                north.to_string(),
            ];
            for side in 0..sides {
                let (west, east) = cover.sides.get(side).copied().unwrap_or((1.0, 0.0));
                row.extend([literal(west), literal(east)]);
            }
            format!("[{}]", row.join(","))
        })
        .collect();
    let field = |name: &str| format!("(SELECT {name} FROM circle)");
    let chosen = Lookup {
        bands: band::counted_out(&field("south"), &field("north")),
        sides: (0..sides)
            .map(|side| (field(&format!("west{side}")), field(&format!("east{side}"))))
            .collect(),
    };
    let columns: Vec<String> = ["radius", "south", "north"]
        .iter()
        .map(|name| name.to_string())
        .chain((0..sides).flat_map(|side| [format!("west{side}"), format!("east{side}")]))
        .enumerate()
        .map(|(index, name)| format!("value ->> {index} AS {name}"))
        .collect();
    format!(
        "WITH ring(k) AS MATERIALIZED (SELECT CASE{tries} ELSE {last} END), \
         circle AS MATERIALIZED (SELECT {} FROM json_each('[{}]') \
         WHERE key = (SELECT k FROM ring)) {}",
        columns.join(", "),
        table.join(","),
        page_of(
            &rows_within(&chosen),
            &within(field("radius")),
            order,
            window,
            None
        )
    )
}

/// Conditions for a position inside `bbox`; a crossing box takes both sides of the
/// antimeridian, a box spanning every longitude needs no longitude condition.
///
/// `+`: the exact edges never choose an index. A box is sought through the band index
/// (`spatial`), or read in the list's order; never through `segmentos_by_longitud` (the
/// extent's index), which the planner took for a province's box at 5,000,000 segments
/// (10 s p50), nor `segmentos_by_position`, whose latitude range is a band of the globe.
pub(super) fn inside(statement: &mut Statement<'_>, bbox: &GeoBox) -> Vec<String> {
    let south = statement.bind(Param::Real(bbox.min_lat));
    let north = statement.bind(Param::Real(bbox.max_lat));
    let mut conditions = vec![format!("+latitud BETWEEN {south} AND {north}")];
    if bbox.min_lon > -180.0 || bbox.max_lon < 180.0 {
        let west = statement.bind(Param::Real(bbox.min_lon));
        let east = statement.bind(Param::Real(bbox.max_lon));
        conditions.push(if bbox.crosses_antimeridian() {
            format!("(+longitud >= {west} OR +longitud <= {east})")
        } else {
            format!("+longitud BETWEEN {west} AND {east}")
        });
    }
    conditions
}

/// The haversine distance in metres from `near`'s centre: the formula of
/// [`crate::segments::geo::Point::distance_m`], in SQL.
pub(super) fn distance_from(statement: &mut Statement<'_>, near: &Near) -> String {
    let center = near.center();
    let radius = statement.bind(Param::Real(EARTH_RADIUS_M));
    let lat = statement.bind(Param::Real(center.lat));
    let lon = statement.bind(Param::Real(center.lon));
    format!(
        "2 * {radius} * asin(min(1, sqrt(\
         pow(sin(radians(latitud - {lat}) / 2), 2) \
         + cos(radians({lat})) * cos(radians(latitud)) \
         * pow(sin(radians(longitud - {lon}) / 2), 2))))"
    )
}

pub(super) fn radius_condition(statement: &mut Statement<'_>, filter: &Filter) -> Option<String> {
    let near = filter.near?;
    let radius = statement.bind(Param::Real(near.radius_m()));
    Some(format!("distance_m <= {radius}"))
}

/// `near`'s circle and the smaller ones nearest-first tries first, smallest first.
fn circles(near: &Near) -> Vec<Near> {
    let mut circles = vec![*near];
    let mut radius = near.radius_m() / 2.0;
    while radius >= SMALLEST_RING_M {
        circles.push(near.narrowed_to(radius));
        radius /= 2.0;
    }
    circles.reverse();
    circles
}

/// A number as SQL (and JSON) reads it back, bit for bit: serde_json's shortest
/// round-trip form, which the module has anyway, where `format!("{:?}")` would add Rust's
/// own float formatting to it (about 6 KB gzipped).
fn literal(value: f64) -> String {
    serde_json::Number::from_f64(value).map_or_else(|| "NULL".to_owned(), |n| n.to_string())
}

/// The pages (of which the guards leave at most one with rows), as one list in `order`.
fn union_in_order(arms: &[String], order: &str) -> String {
    let arms: Vec<String> = arms
        .iter()
        .map(|arm| format!("SELECT * FROM ({arm})"))
        .collect();
    format!(
        "SELECT * FROM ({}) ORDER BY {order}",
        arms.join(" UNION ALL ")
    )
}

#[cfg(test)]
mod tests;
