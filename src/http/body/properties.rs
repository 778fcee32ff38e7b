use super::*;
use crate::testing::arbitrary::{config, edge_text, number_text};
use proptest::prelude::*;
use proptest::sample::select;

fn media_type() -> impl Strategy<Value = String> {
    let essence = prop_oneof![
        select(
            &[
                "application/json",
                "Application/JSON",
                "application/geo+json",
                "APPLICATION/GEO+JSON",
                "application/merge-patch+json",
                "application/jsonp",
                "application/+json",
                "text/json",
                "text/plain",
                "application/geo+jsonx",
                "multipart/form-data",
                "",
                " ",
                "application/json ",
            ][..]
        )
        .prop_map(str::to_owned),
        edge_text(12),
        any::<String>(),
    ];
    let parameters = select(&["", "; charset=utf-8", ";", "; boundary=\"a;b\"", " ;q=1"][..]);
    (select(&["", " ", "\t"][..]), essence, parameters)
        .prop_map(|(pad, essence, parameters)| format!("{pad}{essence}{parameters}"))
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_declared_length_is_too_large_only_when_it_is_a_number_over_the_limit(
        length in prop_oneof![number_text(), any::<String>(), any::<u64>().prop_map(|n| n.to_string())],
        limit in prop_oneof![Just(MAX_BODY_BYTES), Just(MAX_BULK_BODY_BYTES), any::<usize>()],
    ) {
        let expected = match length.trim().parse::<u64>() {
            Ok(n) if u128::from(n) > limit as u128 => Declared::TooLarge,
            Ok(_) => Declared::Within,
            Err(_) => Declared::Unknown,
        };

        prop_assert_eq!(declared(Some(&length), limit), expected);
    }

    #[test]
    fn a_body_type_is_json_only_for_json_media_types_whatever_the_case_or_parameters(
        content_type in media_type()
    ) {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let expected = if essence == "application/geo+json" {
            Some(BodyType::GeoJson)
        } else if essence == "application/json"
            || (essence.starts_with("application/") && essence.ends_with("+json"))
        {
            Some(BodyType::Json)
        } else {
            None
        };

        prop_assert_eq!(json_body_type(Some(&content_type)), expected);
        prop_assert_eq!(json_body_type(Some(&content_type.to_ascii_uppercase())), expected);
        prop_assert_eq!(json_body_type(Some(&format!("{content_type}; charset=utf-8"))), expected);
    }
}
