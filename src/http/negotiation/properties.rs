use super::*;
use crate::testing::arbitrary::{config, number_text};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

proptest! {
    #![proptest_config(config(256))]

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
