use super::*;
use crate::testing::arbitrary::{config, edge_f64, edge_text, number_text};
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
        + (bearing.sin() * angle.sin() * lat1.cos()).atan2(angle.cos() - lat1.sin() * lat2.sin());
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
    fn an_arbitrary_bbox_is_on_the_globe_or_refused_with_a_reason(raw in number_list()) {
        match GeoBox::parse(&raw) {
            Ok(bbox) => {
                for lon in [bbox.min_lon, bbox.max_lon] {
                    prop_assert!(lon.is_finite() && (-180.0..=180.0).contains(&lon));
                }
                for lat in [bbox.min_lat, bbox.max_lat] {
                    prop_assert!(lat.is_finite() && (-90.0..=90.0).contains(&lat));
                }
                // A south above the north is a box that holds nothing, not an error
                // (`GeoBox::parse`): not even its own corners.
                if bbox.min_lat > bbox.max_lat {
                    for (lon, lat) in [(bbox.min_lon, bbox.min_lat), (bbox.max_lon, bbox.max_lat)] {
                        let corner = Point { lon, lat };
                        prop_assert!(!bbox.contains(corner), "{corner:?}");
                    }
                }
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
