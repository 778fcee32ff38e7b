//! Positions on the globe (CRS84: longitude, latitude in degrees), boxes of them, and
//! great-circle distances, for the `bbox` and `near` filters of the segment list.

use crate::validation::field_error::ErrorKind;

pub mod band;

/// Sine, cosine and arcsine. In the worker, JavaScript's `Math`, which the runtime has
/// anyway: Rust's own would add libm's argument reduction and kernels (about 7 KB) to the
/// module for the three calls of a `near` box, whose margin dwarfs any last-bit
/// difference between the two. Natively, for the tests, Rust's.
#[cfg(target_arch = "wasm32")]
mod trig {
    pub use worker::js_sys::Math::{asin, cos, sin};
}
#[cfg(not(target_arch = "wasm32"))]
mod trig {
    pub fn sin(x: f64) -> f64 {
        x.sin()
    }
    pub fn cos(x: f64) -> f64 {
        x.cos()
    }
    pub fn asin(x: f64) -> f64 {
        x.asin()
    }
}

/// Mean Earth radius (IUGG), in metres: the sphere every distance is measured on.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A position, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

impl Point {
    /// `lon,lat`, as the `near` parameter gives it.
    pub fn parse(raw: &str) -> Result<Self, ErrorKind> {
        let [lon, lat] = numbers(raw, "lon,lat")?;
        Ok(Self {
            lon: longitude(lon)?,
            lat: latitude(lat)?,
        })
    }

    /// Great-circle (haversine) distance in metres: the reference the SQL of `near`
    /// (`segments::list::sql`) is tested against.
    #[cfg(test)]
    pub fn distance_m(self, other: Point) -> f64 {
        let half_dlat = (other.lat - self.lat).to_radians() / 2.0;
        let half_dlon = (other.lon - self.lon).to_radians() / 2.0;
        let a = half_dlat.sin().powi(2)
            + self.lat.to_radians().cos() * other.lat.to_radians().cos() * half_dlon.sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
    }
}

/// A longitude/latitude box. `min_lon > max_lon` means the box crosses the antimeridian
/// (from `min_lon` east to 180, then from -180 east to `max_lon`), as OGC API Features and
/// RFC 7946 define it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl GeoBox {
    /// `minLon,minLat,maxLon,maxLat`, as the `bbox` parameter gives it.
    pub fn parse(raw: &str) -> Result<Self, ErrorKind> {
        let [min_lon, min_lat, max_lon, max_lat] = numbers(raw, "minLon,minLat,maxLon,maxLat")?;
        // A south above the north is a box that holds nothing, not an error: every four
        // coordinates on the globe have a meaning.
        let (min_lat, max_lat) = (latitude(min_lat)?, latitude(max_lat)?);
        Ok(Self {
            min_lon: longitude(min_lon)?,
            min_lat,
            max_lon: longitude(max_lon)?,
            max_lat,
        })
    }

    pub fn crosses_antimeridian(&self) -> bool {
        self.min_lon > self.max_lon
    }

    #[cfg(test)]
    pub fn contains(&self, point: Point) -> bool {
        let lon_inside = if self.crosses_antimeridian() {
            point.lon >= self.min_lon || point.lon <= self.max_lon
        } else {
            (self.min_lon..=self.max_lon).contains(&point.lon)
        };
        lon_inside && (self.min_lat..=self.max_lat).contains(&point.lat)
    }
}

/// Everything within `radius_m` of `center`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    center: Point,
    radius_m: f64,
}

impl Near {
    /// A larger radius would make `near` a slow way to list everything.
    pub const MAX_RADIUS_M: f64 = 1_000_000.0;

    /// `radius_m` must be in `(0, MAX_RADIUS_M]`.
    pub fn new(center: Point, radius_m: f64) -> Result<Self, ErrorKind> {
        if radius_m.is_nan() {
            Err(ErrorKind::NotFinite)
        } else if radius_m <= 0.0 {
            Err(ErrorKind::GreaterThan { min: 0.0 })
        } else if radius_m > Self::MAX_RADIUS_M {
            Err(ErrorKind::LessThanEqual {
                max: Self::MAX_RADIUS_M,
            })
        } else {
            Ok(Self { center, radius_m })
        }
    }

    /// Parses the `radius_m` parameter.
    pub fn radius(raw: &str) -> Result<f64, ErrorKind> {
        finite(raw).ok_or(ErrorKind::FloatParsing)
    }

    pub fn center(&self) -> Point {
        self.center
    }

    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// The circle around the same centre with a radius of at most `radius_m`.
    pub fn narrowed_to(&self, radius_m: f64) -> Self {
        Self {
            center: self.center,
            radius_m: radius_m.min(self.radius_m),
        }
    }

    /// The smallest longitude/latitude box holding the whole circle, so that an index on
    /// the coordinates narrows the rows before any distance is computed. A circle that
    /// reaches a pole spans every longitude; one that crosses the antimeridian gives a
    /// crossing box.
    pub fn bounding_box(&self) -> GeoBox {
        // A hair wider than the circle, so rounding never drops a point on its edge.
        const MARGIN_DEG: f64 = 1e-7;
        let angle = self.radius_m / EARTH_RADIUS_M;
        let dlat = angle.to_degrees() + MARGIN_DEG;
        let (min_lat, max_lat) = (self.center.lat - dlat, self.center.lat + dlat);
        if min_lat <= -90.0 || max_lat >= 90.0 {
            return GeoBox {
                min_lon: -180.0,
                min_lat: min_lat.max(-90.0),
                max_lon: 180.0,
                max_lat: max_lat.min(90.0),
            };
        }
        // The widest longitude offset on the circle (the tangent meridians).
        let dlon =
            trig::asin((trig::sin(angle) / trig::cos(self.center.lat.to_radians())).min(1.0))
                .to_degrees()
                + MARGIN_DEG;
        let (west, east) = (self.center.lon - dlon, self.center.lon + dlon);
        if east - west >= 360.0 {
            return GeoBox {
                min_lon: -180.0,
                min_lat,
                max_lon: 180.0,
                max_lat,
            };
        }
        GeoBox {
            min_lon: if west < -180.0 { west + 360.0 } else { west },
            min_lat,
            max_lon: if east > 180.0 { east - 360.0 } else { east },
            max_lat,
        }
    }
}

/// Exactly `N` comma-separated finite numbers.
fn numbers<const N: usize>(raw: &str, shape: &str) -> Result<[f64; N], ErrorKind> {
    let parts: Vec<&str> = raw.split(',').collect();
    if parts.len() != N {
        return Err(ErrorKind::value_error(format!(
            "expected {N} comma-separated numbers ({shape}), got {}",
            parts.len()
        )));
    }
    let mut values = [0.0; N];
    for (value, part) in values.iter_mut().zip(parts) {
        *value = finite(part)
            .ok_or_else(|| ErrorKind::value_error(format!("'{part}' is not a number")))?;
    }
    Ok(values)
}

/// A finite number, spaces around it allowed; NaN and infinities are not numbers here.
fn finite(raw: &str) -> Option<f64> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|number| number.is_finite())
}

fn longitude(value: f64) -> Result<f64, ErrorKind> {
    if (-180.0..=180.0).contains(&value) {
        Ok(value)
    } else {
        Err(ErrorKind::value_error(
            "longitudes must be between -180 and 180",
        ))
    }
}

fn latitude(value: f64) -> Result<f64, ErrorKind> {
    if (-90.0..=90.0).contains(&value) {
        Ok(value)
    } else {
        Err(ErrorKind::value_error(
            "latitudes must be between -90 and 90",
        ))
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
