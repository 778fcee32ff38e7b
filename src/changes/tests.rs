use super::*;
use crate::router::{resolve, Endpoint};

#[test]
fn the_feed_s_path_is_its_route_s_not_a_segment_s() {
    let matched = resolve(CHANGES_PATH).unwrap();

    assert_eq!(matched.route.endpoint, Endpoint::Changes);
    assert_eq!(
        resolve(&format!("{CHANGES_PATH}/")).unwrap().route.endpoint,
        Endpoint::Changes
    );
}
