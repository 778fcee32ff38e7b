//! Latitude bands: the spatial index of migration 0008.
//!
//! A band is a strip of the globe 1/`PER_DEGREE` degree tall (about 1.1 km). The index
//! `segmentos_by_band` orders the segments by (band, longitud, latitud), so the part of a
//! box inside one band is one index range from its west edge to its east edge: a box is
//! one seek per band it spans, and reads what is inside it plus the slivers of its first
//! and last bands. The band is an expression of `latitud`, so SQLite keeps the index in
//! step with every write, whichever code makes it (also the previous version during a
//! gradual deploy, or a `wrangler d1 execute`), with no trigger and no virtual table.

use super::GeoBox;

/// Bands per degree of latitude.
pub const PER_DEGREE: f64 = 100.0;

/// The band of `latitud`, in SQL: the indexed expression, which a query must spell
/// exactly so for SQLite to use the index. Migration 0008 holds it verbatim (tested).
pub const SQL: &str = "CAST((latitud + 90.0) * 100.0 AS INTEGER)";

/// The band of a latitude: the same IEEE operations as [`SQL`], so the same number.
/// (`as` truncates toward zero, as SQLite's `CAST`; the sum is never negative.)
pub fn of(lat: f64) -> i64 {
    ((lat + 90.0) * PER_DEGREE) as i64
}

/// The index ranges that hold every point of a box: its bands, and within each band the
/// longitudes, one interval, or two for a box across the antimeridian.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// The south band and the north one; none for a box that holds nothing.
    pub bands: Option<(i64, i64)>,
    /// `(west, east)` intervals, disjoint.
    pub sides: Vec<(f64, f64)>,
}

impl Cover {
    pub fn of(bbox: &GeoBox) -> Self {
        let (south, north) = (of(bbox.min_lat), of(bbox.max_lat));
        let sides = if bbox.crosses_antimeridian() {
            vec![(bbox.min_lon, 180.0), (-180.0, bbox.max_lon)]
        } else {
            vec![(bbox.min_lon, bbox.max_lon)]
        };
        Self {
            bands: (bbox.min_lat <= bbox.max_lat).then_some((south, north)),
            sides,
        }
    }

    /// The condition that the indexed expression is one of the bands: one seek each. Up
    /// to [`LISTED`] bands are listed (about two rows read per band); a taller box's are
    /// counted out by [`counted_out`], so that no statement outgrows D1's 100 KB.
    pub fn bands_sql(&self) -> String {
        match self.bands {
            Some((south, north)) if north - south < LISTED => {
                let bands: Vec<String> = (south..=north).map(|band| band.to_string()).collect();
                format!("{SQL} IN ({})", bands.join(", "))
            }
            Some((south, north)) => counted_out(&south.to_string(), &north.to_string()),
            None => "FALSE".to_owned(),
        }
    }
}

/// Bands listed in a statement's text, at most: 6 KB of it.
pub const LISTED: i64 = 1_000;

/// The condition that the indexed expression is a band from `south` to `north` (SQL
/// expressions, evaluated once), counted out by a recursive CTE: the same length for a
/// street as for a continent, at about four rows read per band.
pub fn counted_out(south: &str, north: &str) -> String {
    format!(
        "{SQL} IN (WITH RECURSIVE band(n) AS (SELECT {south} UNION ALL \
         SELECT n + 1 FROM band WHERE n < {north}) SELECT n FROM band)"
    )
}

#[cfg(test)]
mod tests;
