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
        + (bearing.sin() * angle.sin() * lat1.cos()).atan2(angle.cos() - lat1.sin() * lat2.sin());
    point(lon2.to_degrees(), lat2.to_degrees())
}
