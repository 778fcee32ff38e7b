//! Positions on the globe (CRS84: longitude, latitude in degrees), boxes of them, and
//! great-circle distances, for the `bbox` and `near` filters of the segment list.

use super::field_error::ErrorKind;

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
    /// (`db::listing`) is tested against.
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
        let dlon = (angle.sin() / self.center.lat.to_radians().cos())
            .min(1.0)
            .asin()
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
mod tests {
    use super::*;

    fn point(lon: f64, lat: f64) -> Point {
        Point { lon, lat }
    }

    fn reason(error: ErrorKind) -> String {
        match error {
            ErrorKind::ValueError { reason } => reason.into_owned(),
            other => panic!("not a value error: {other:?}"),
        }
    }

    #[test]
    fn a_bbox_is_four_numbers_west_south_east_north() {
        let bbox = GeoBox::parse("-64.3,-31.5,-64.1,-31.3").unwrap();

        assert_eq!(
            bbox,
            GeoBox {
                min_lon: -64.3,
                min_lat: -31.5,
                max_lon: -64.1,
                max_lat: -31.3
            }
        );
        assert!(!bbox.crosses_antimeridian());
    }

    #[test]
    fn a_bbox_whose_west_is_east_of_its_east_crosses_the_antimeridian() {
        let bbox = GeoBox::parse("170,-20,-170,20").unwrap();

        assert!(bbox.crosses_antimeridian());
        assert!(bbox.contains(point(179.9, 0.0)));
        assert!(bbox.contains(point(-179.9, 0.0)));
        assert!(!bbox.contains(point(0.0, 0.0)));
    }

    #[test]
    fn a_bbox_with_three_or_six_numbers_is_rejected() {
        assert!(reason(GeoBox::parse("1,2,3").unwrap_err()).contains("got 3"));
        assert!(reason(GeoBox::parse("1,2,3,4,5,6").unwrap_err()).contains("got 6"));
    }

    #[test]
    fn a_bbox_with_a_word_or_an_infinity_is_rejected() {
        assert!(reason(GeoBox::parse("a,2,3,4").unwrap_err()).contains("'a'"));
        assert!(reason(GeoBox::parse("1,2,inf,4").unwrap_err()).contains("'inf'"));
        assert!(reason(GeoBox::parse("1,2,,4").unwrap_err()).contains("''"));
    }

    #[test]
    fn a_bbox_outside_the_globe_is_rejected() {
        assert!(reason(GeoBox::parse("-181,0,0,1").unwrap_err()).contains("longitudes"));
        assert!(reason(GeoBox::parse("0,-91,1,1").unwrap_err()).contains("latitudes"));
    }

    #[test]
    fn a_bbox_with_its_south_above_its_north_holds_nothing() {
        let empty = GeoBox::parse("0,10,1,5").unwrap();

        assert!(!empty.contains(point(0.5, 7.0)));
        assert!(!empty.contains(point(0.5, 10.0)));
    }

    #[test]
    fn near_is_a_longitude_then_a_latitude() {
        assert_eq!(
            Point::parse("-64.18,-31.41").unwrap(),
            point(-64.18, -31.41)
        );
        assert!(reason(Point::parse("-64.18").unwrap_err()).contains("lon,lat"));
        assert!(reason(Point::parse("10,95").unwrap_err()).contains("latitudes"));
    }

    #[test]
    fn a_radius_must_be_positive_and_at_most_1000_km() {
        let center = point(0.0, 0.0);

        assert!(Near::new(center, 1.0).is_ok());
        assert!(Near::new(center, 1_000_000.0).is_ok());
        assert_eq!(
            Near::new(center, 0.0).unwrap_err(),
            ErrorKind::GreaterThan { min: 0.0 }
        );
        assert_eq!(
            Near::new(center, 1_000_000.5).unwrap_err(),
            ErrorKind::LessThanEqual { max: 1_000_000.0 }
        );
        assert_eq!(Near::radius("ten").unwrap_err(), ErrorKind::FloatParsing);
        assert_eq!(Near::radius("NaN").unwrap_err(), ErrorKind::FloatParsing);
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let distance = point(0.0, 0.0).distance_m(point(0.0, 1.0));

        assert!((distance - 111_195.0).abs() < 1.0, "{distance}");
    }

    #[test]
    fn the_distance_across_the_antimeridian_is_the_short_way() {
        let distance = point(179.5, 0.0).distance_m(point(-179.5, 0.0));

        assert!((distance - 111_195.0).abs() < 1.0, "{distance}");
    }

    #[test]
    fn the_bounding_box_holds_the_whole_circle() {
        let near = Near::new(point(-64.18, -31.41), 50_000.0).unwrap();
        let bbox = near.bounding_box();

        // Walk the circle's edge: every point of it must be inside the box.
        for step in 0..360 {
            let bearing = f64::from(step).to_radians();
            let edge = destination(near.center(), bearing, near.radius_m());
            assert!(bbox.contains(edge), "{edge:?} outside {bbox:?}");
        }
        assert!(bbox.max_lat - bbox.min_lat < 1.0);
    }

    #[test]
    fn a_circle_over_the_antimeridian_gives_a_crossing_box() {
        let bbox = Near::new(point(179.9, 0.0), 50_000.0)
            .unwrap()
            .bounding_box();

        assert!(bbox.crosses_antimeridian());
        assert!(bbox.contains(point(-179.8, 0.0)));
        assert!(!bbox.contains(point(0.0, 0.0)));
    }

    #[test]
    fn a_circle_over_a_pole_spans_every_longitude() {
        let bbox = Near::new(point(10.0, 89.9), 50_000.0)
            .unwrap()
            .bounding_box();

        assert_eq!(
            (bbox.min_lon, bbox.max_lon, bbox.max_lat),
            (-180.0, 180.0, 90.0)
        );
    }

    /// The point `distance_m` from `start` along `bearing` (radians from north).
    fn destination(start: Point, bearing: f64, distance_m: f64) -> Point {
        let angle = distance_m / EARTH_RADIUS_M;
        let lat1 = start.lat.to_radians();
        let lat2 = (lat1.sin() * angle.cos() + lat1.cos() * angle.sin() * bearing.cos()).asin();
        let lon2 = start.lon.to_radians()
            + (bearing.sin() * angle.sin() * lat1.cos())
                .atan2(angle.cos() - lat1.sin() * lat2.sin());
        point(lon2.to_degrees(), lat2.to_degrees())
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{config, edge_f64, edge_text, number_text};
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Comma lists of 0 to 6 number-like items, or any text.
    fn number_list() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => vec(number_text(), 0..=6).prop_map(|items| items.join(",")),
            1 => edge_text(16),
            1 => any::<String>(),
        ]
    }

    fn is_value_error(kind: &ErrorKind) -> bool {
        matches!(kind, ErrorKind::ValueError { .. })
    }

    fn longitude() -> impl Strategy<Value = f64> {
        prop_oneof![-180.0..=180.0_f64, Just(-180.0), Just(180.0), Just(-0.0)]
    }

    fn latitude() -> impl Strategy<Value = f64> {
        prop_oneof![-90.0..=90.0_f64, Just(-90.0), Just(90.0), Just(-0.0)]
    }

    /// The point `distance_m` from `start` along `bearing` (radians from north), with its
    /// longitude brought back into [-180, 180]. The latitude comes from `atan2` rather
    /// than `asin`, which loses millimetres next to a pole.
    fn destination(start: Point, bearing: f64, distance_m: f64) -> Point {
        let angle = distance_m / EARTH_RADIUS_M;
        let lat1 = start.lat.to_radians();
        let north = lat1.sin() * angle.cos() + lat1.cos() * angle.sin() * bearing.cos();
        let across = lat1.cos() * angle.cos() - lat1.sin() * angle.sin() * bearing.cos();
        let lat2 = north.atan2(across.hypot(bearing.sin() * angle.sin()));
        let lon2 = start.lon.to_radians()
            + (bearing.sin() * angle.sin() * lat1.cos())
                .atan2(angle.cos() - lat1.sin() * lat2.sin());
        let lon = (lon2.to_degrees() + 540.0).rem_euclid(360.0) - 180.0;
        Point {
            lon,
            lat: lat2.to_degrees(),
        }
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn an_arbitrary_near_point_is_on_the_globe_or_refused_with_a_reason(raw in number_list()) {
            match Point::parse(&raw) {
                Ok(point) => {
                    prop_assert!(point.lon.is_finite() && (-180.0..=180.0).contains(&point.lon));
                    prop_assert!(point.lat.is_finite() && (-90.0..=90.0).contains(&point.lat));
                    prop_assert_eq!(raw.split(',').count(), 2);
                }
                Err(kind) => prop_assert!(is_value_error(&kind), "{kind:?}"),
            }
        }

        #[test]
        fn an_arbitrary_bbox_is_on_the_globe_south_to_north_or_refused_with_a_reason(
            raw in number_list()
        ) {
            match GeoBox::parse(&raw) {
                Ok(bbox) => {
                    for lon in [bbox.min_lon, bbox.max_lon] {
                        prop_assert!(lon.is_finite() && (-180.0..=180.0).contains(&lon));
                    }
                    for lat in [bbox.min_lat, bbox.max_lat] {
                        prop_assert!(lat.is_finite() && (-90.0..=90.0).contains(&lat));
                    }
                    prop_assert!(bbox.min_lat <= bbox.max_lat);
                    prop_assert_eq!(raw.split(',').count(), 4);
                }
                Err(kind) => prop_assert!(is_value_error(&kind), "{kind:?}"),
            }
        }

        #[test]
        fn a_point_round_trips_through_its_text(lon in longitude(), lat in latitude()) {
            prop_assert_eq!(Point::parse(&format!("{lon},{lat}")), Ok(Point { lon, lat }));
            prop_assert_eq!(Point::parse(&format!(" {lon:e} , {lat:e} ")), Ok(Point { lon, lat }));
        }

        #[test]
        fn a_bbox_round_trips_through_its_text(
            lons in (longitude(), longitude()),
            lats in (latitude(), latitude()),
        ) {
            let (min_lon, max_lon) = lons;
            let (min_lat, max_lat) = (lats.0.min(lats.1), lats.0.max(lats.1));
            let raw = format!("{min_lon},{min_lat},{max_lon},{max_lat}");

            let bbox = GeoBox::parse(&raw);

            prop_assert_eq!(bbox, Ok(GeoBox { min_lon, min_lat, max_lon, max_lat }));
        }

        #[test]
        fn a_parsed_radius_is_a_finite_number_or_a_parsing_error(
            raw in prop_oneof![number_text(), any::<String>()]
        ) {
            match Near::radius(&raw) {
                Ok(radius) => {
                    prop_assert!(radius.is_finite());
                    prop_assert_eq!(raw.trim().parse::<f64>(), Ok(radius));
                }
                Err(kind) => prop_assert_eq!(kind, ErrorKind::FloatParsing),
            }
        }

        #[test]
        fn a_parsed_radius_makes_a_circle_only_within_1000_km(
            raw in number_text(),
            lon in longitude(),
            lat in latitude(),
        ) {
            let Ok(radius) = Near::radius(&raw) else { return Ok(()) };
            match Near::new(Point { lon, lat }, radius) {
                Ok(near) => {
                    prop_assert!(near.radius_m() > 0.0 && near.radius_m() <= Near::MAX_RADIUS_M);
                    prop_assert_eq!(near.center(), Point { lon, lat });
                }
                Err(ErrorKind::GreaterThan { min }) => {
                    prop_assert_eq!(min, 0.0);
                    prop_assert!(radius <= 0.0);
                }
                Err(ErrorKind::LessThanEqual { max }) => {
                    prop_assert_eq!(max, Near::MAX_RADIUS_M);
                    prop_assert!(radius > Near::MAX_RADIUS_M);
                }
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }

        #[test]
        fn the_bounding_box_of_a_circle_holds_its_centre_and_edge(
            lon in longitude(),
            lat in latitude(),
            radius in prop_oneof![1.0..=Near::MAX_RADIUS_M, Just(Near::MAX_RADIUS_M), 0.001..10.0],
        ) {
            let near = Near::new(Point { lon, lat }, radius).expect("a valid radius");
            let bbox = near.bounding_box();

            for lon in [bbox.min_lon, bbox.max_lon] {
                prop_assert!((-180.0..=180.0).contains(&lon), "{bbox:?}");
            }
            prop_assert!(-90.0 <= bbox.min_lat && bbox.min_lat <= bbox.max_lat && bbox.max_lat <= 90.0);
            prop_assert!(bbox.contains(near.center()), "{bbox:?}");
            for step in 0..32 {
                let bearing = f64::from(step) * std::f64::consts::TAU / 32.0;
                let edge = destination(near.center(), bearing, radius);
                prop_assert!(bbox.contains(edge), "{edge:?} outside {bbox:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn any_radius_makes_a_circle_only_within_1000_km(radius in edge_f64()) {
            if let Ok(near) = Near::new(Point { lon: 0.0, lat: 0.0 }, radius) {
                prop_assert!(
                    near.radius_m() > 0.0 && near.radius_m() <= Near::MAX_RADIUS_M,
                    "accepted {}", near.radius_m()
                );
            }
        }
    }
}
