use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::DateTime;
use serde_json::json;

use super::*;
use crate::segments::list::item::ListItem;
use crate::segments::list::sort::SortField;
use crate::segments::model::Segment;
use crate::testing::arbitrary::{config, edge_text, json_value, loc, number_text, text};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

const PARAMETERS: [&str; 14] = [
    "q",
    "ubicacion",
    "created_after",
    "created_before",
    "updated_after",
    "updated_before",
    "sort",
    "bbox",
    "near",
    "radius_m",
    "cursor",
    "skip",
    "limit",
    "format",
];

const SORT_NAMES: [&str; 5] = [
    "id_segmento",
    "nombre",
    "created_at",
    "updated_at",
    "distance_m",
];

fn parse(pairs: &[(String, String)]) -> Result<ListQuery, Vec<FieldError>> {
    ListParams::from_query(
        pairs
            .iter()
            .map(|(key, value)| (Cow::Borrowed(key.as_str()), Cow::Borrowed(value.as_str()))),
    )
    .parse()
}

/// One value of one parameter.
fn query(pairs: (&str, &str)) -> Result<ListQuery, Vec<FieldError>> {
    parse(&[(pairs.0.to_owned(), pairs.1.to_owned())])
}

/// The parameters each error names (`["query", name]`).
fn named(errors: &[FieldError]) -> Vec<String> {
    errors
        .iter()
        .map(|error| {
            let loc = loc(error);
            assert_eq!(loc[0], "query", "{loc}");
            assert_eq!(loc.as_array().map(Vec::len), Some(2), "{loc}");
            loc[1].as_str().expect("a parameter name").to_owned()
        })
        .collect()
}

/// A sort list: names and near-misses, signed or not, padded or not.
fn sort_text() -> impl Strategy<Value = String> {
    let item = (
        select(&["", "-", "--", "+", " -"][..]),
        prop_oneof![
            4 => select(&SORT_NAMES[..]).prop_map(str::to_owned),
            1 => select(&["Nombre", "longitud", "id", "", "nombre "][..]).prop_map(str::to_owned),
            1 => edge_text(4),
        ],
        select(&["", " ", "\t"][..]),
    )
        .prop_map(|(sign, name, pad)| format!("{pad}{sign}{name}{pad}"));
    prop_oneof![
        4 => vec(item, 0..=6).prop_map(|items| items.join(",")),
        1 => any::<String>(),
    ]
}

/// An RFC 3339 instant, its exact UTC time in nanoseconds since the epoch, and its
/// text: any four-digit year, leap seconds, up to 12 fraction digits, offsets of
/// either sign (the `+` sometimes arriving as a space), `T` or `t`, `Z` or `z`.
fn instant() -> impl Strategy<Value = (i128, String)> {
    (
        (0i64..=9999, 1u32..=12, 1u32..=28),
        (0u32..=23, 0u32..=59, prop_oneof![0u32..=59, Just(60)]),
        "[0-9]{0,12}",
        prop_oneof![Just(None), (-1439i32..=1439).prop_map(Some)],
        (any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |((y, mo, d), (h, mi, s), fraction, offset, (upper, zulu, space))| {
                let separator = if upper { 'T' } else { 't' };
                let fraction_text = if fraction.is_empty() {
                    String::new()
                } else {
                    format!(".{fraction}")
                };
                let zone = match offset {
                    None => (if zulu { "Z" } else { "z" }).to_owned(),
                    Some(minutes) => {
                        let sign = if minutes < 0 {
                            '-'
                        } else if space {
                            ' '
                        } else {
                            '+'
                        };
                        format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
                    }
                };
                let text = format!(
                    "{y:04}-{mo:02}-{d:02}{separator}{h:02}:{mi:02}:{s:02}{fraction_text}{zone}"
                );
                let nanos_of_fraction: i128 =
                    format!("{fraction:0<9}")[..9].parse().expect("digits");
                let seconds = days_from_civil(y, mo, d) * 86_400
                    + i64::from(h * 3600 + mi * 60 + s)
                    - i64::from(offset.unwrap_or(0)) * 60;
                (
                    i128::from(seconds) * 1_000_000_000 + nanos_of_fraction,
                    text,
                )
            },
        )
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The stored text's instant in milliseconds.
fn stored_millis(text: &str) -> i128 {
    assert_eq!(text.len(), 24, "{text}");
    assert!(text.ends_with('Z'), "{text}");
    i128::from(
        DateTime::parse_from_rfc3339(text)
            .expect("stored text is RFC 3339")
            .timestamp_millis(),
    )
}

/// First millisecond of year 0 and first of year 10000.
const YEAR_0_MS: i128 = -62_167_219_200_000;

const YEAR_10000_MS: i128 = 253_402_300_800_000;

/// A value for one parameter: shaped for it, or any text.
fn value_for(name: &'static str) -> BoxedStrategy<String> {
    let shaped = match name {
        "q" | "ubicacion" => text(48),
        "created_after" | "created_before" | "updated_after" | "updated_before" => {
            instant().prop_map(|(_, text)| text).boxed()
        }
        "sort" => sort_text().boxed(),
        "bbox" | "near" => vec(number_text(), 0..=5)
            .prop_map(|items| items.join(","))
            .boxed(),
        "radius_m" | "skip" | "limit" => number_text(),
        "format" => select(&["json", "geojson", "GeoJSON", "xml", ""][..])
            .prop_map(str::to_owned)
            .boxed(),
        _ => any::<String>().boxed(),
    };
    prop_oneof![4 => shaped, 1 => edge_text(8), 1 => any::<String>()].boxed()
}

/// Query pairs: any of the parameters with values for them, and unknown ones.
fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let known = select(&PARAMETERS[..])
        .prop_flat_map(|name| value_for(name).prop_map(move |value| (name.to_owned(), value)));
    let unknown = (edge_text(6), any::<String>());
    vec(prop_oneof![6 => known, 1 => unknown], 0..8)
}

/// A row of a `near` list, with any values its columns can hold.
fn row() -> impl Strategy<Value = ListItem> {
    (
        any::<i64>(),
        any::<String>(),
        (any::<String>(), any::<String>()),
        prop_oneof![
            0.0..=2e6_f64,
            any::<f64>().prop_filter("finite", |x| x.is_finite())
        ],
    )
        .prop_map(
            |(id, nombre, (created_at, updated_at), distance_m)| ListItem {
                segment: Segment {
                    id_segmento: id,
                    nombre,
                    created_at,
                    updated_at,
                    ..Segment::sample(id)
                },
                distance_m: Some(distance_m),
            },
        )
}

/// A sort that parses: up to four distinct fields, each ascending or descending.
fn sort() -> impl Strategy<Value = (String, bool)> {
    (
        Just(SORT_NAMES.to_vec()).prop_shuffle(),
        1usize..=4,
        vec(any::<bool>(), 4),
        any::<bool>(),
    )
        .prop_map(|(names, count, descending, near)| {
            let items: Vec<String> = names
                .into_iter()
                .filter(|name| near || *name != "distance_m")
                .take(count)
                .zip(descending)
                .map(|(name, descending)| format!("{}{name}", if descending { "-" } else { "" }))
                .collect();
            (items.join(","), near)
        })
}

fn with_near(near: bool) -> Vec<(String, String)> {
    if near {
        vec![
            ("near".into(), "0,0".into()),
            ("radius_m".into(), "1000".into()),
        ]
    } else {
        vec![]
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn an_arbitrary_query_is_valid_or_each_problem_names_a_parameter_sent(pairs in pairs()) {
        let sent = |name: &str| pairs.iter().any(|(key, _)| key == name);
        match parse(&pairs) {
            Ok(query) => {
                let filter = &query.filter;
                if let Some(search) = &filter.search {
                    prop_assert!(search.chars().count() <= Q_MAX_CHARS && !search.contains('\0'));
                    prop_assert!(!search.bytes().any(|byte| byte.is_ascii_uppercase()));
                }
                for bound in [&filter.created_after, &filter.created_before, &filter.updated_after, &filter.updated_before].into_iter().flatten() {
                    prop_assert!((YEAR_0_MS..YEAR_10000_MS).contains(&stored_millis(bound)));
                }
                if let Some(bbox) = filter.bbox {
                    prop_assert!((-90.0..=90.0).contains(&bbox.min_lat) && (-90.0..=90.0).contains(&bbox.max_lat));
                }
                if let Some(near) = filter.near {
                    prop_assert!(near.radius_m() > 0.0 && near.radius_m() <= Near::MAX_RADIUS_M);
                }
                prop_assert_eq!(filter.near.is_some(), sent("near"));
                let keys = query.sort.keys();
                prop_assert!(keys.iter().any(|key| key.field == SortField::IdSegmento));
                for (index, key) in keys.iter().enumerate() {
                    prop_assert!(!keys[..index].iter().any(|earlier| earlier.field == key.field));
                }
                if let Some(cursor) = &query.cursor {
                    prop_assert_eq!(cursor.values().len(), keys.len());
                }
                prop_assert!((0..=Page::MAX_LIMIT).contains(&query.page.limit()));
                prop_assert!(query.page.skip() >= 0);
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for name in named(&errors) {
                    prop_assert!(
                        sent(&name),
                        "{name} named but not sent"
                    );
                }
            }
        }
    }

    #[test]
    fn q_is_searched_as_itself_in_ascii_lower_case_or_refused(q in text(Q_MAX_CHARS)) {
        match query(("q", &q)) {
            Ok(query) => {
                prop_assert!(!q.contains('\0') && q.chars().count() <= Q_MAX_CHARS);
                prop_assert_eq!(query.filter.search, Some(q.to_ascii_lowercase()));
            }
            Err(errors) => {
                prop_assert!(q.contains('\0') || q.chars().count() > Q_MAX_CHARS);
                prop_assert_eq!(named(&errors), ["q"]);
            }
        }
    }

    #[test]
    fn an_instant_bounds_a_list_to_the_millisecond_outwards((nanos, raw) in instant()) {
        let floor = nanos.div_euclid(1_000_000);
        let ceil = floor + i128::from(nanos.rem_euclid(1_000_000) != 0);
        for (name, is_after) in [("created_after", true), ("created_before", false), ("updated_after", true), ("updated_before", false)] {
            let filter = query((name, &raw)).map_err(|errors| TestCaseError::fail(format!("{raw}: {errors:?}")))?.filter;
            let bound = match name {
                "created_after" => filter.created_after,
                "created_before" => filter.created_before,
                "updated_after" => filter.updated_after,
                _ => filter.updated_before,
            };
            let rounded = if is_after { floor } else { ceil };
            let expected = if rounded < YEAR_0_MS {
                // Every stored instant is after it; nothing is before it.
                (!is_after).then_some(YEAR_0_MS)
            } else if rounded >= YEAR_10000_MS {
                is_after.then_some(YEAR_10000_MS - 1)
            } else {
                Some(rounded)
            };
            prop_assert_eq!(bound.as_deref().map(stored_millis), expected, "{} {}", name, raw);
        }
    }

    #[test]
    fn arbitrary_instant_text_is_read_or_refused_on_its_parameter(
        raw in prop_oneof![any::<String>(), edge_text(30), number_text(), instant().prop_map(|(_, text)| text)],
        name in select(&["created_after", "created_before", "updated_after", "updated_before"][..]),
    ) {
        match query((name, &raw)) {
            Ok(query) => {
                let filter = query.filter;
                for bound in [filter.created_after, filter.created_before, filter.updated_after, filter.updated_before].into_iter().flatten() {
                    prop_assert!((YEAR_0_MS..YEAR_10000_MS).contains(&stored_millis(&bound)));
                }
            }
            Err(errors) => {
                prop_assert_eq!(named(&errors), [name]);
                prop_assert_eq!(errors[0].kind().code(), "datetime_parsing");
            }
        }
    }

    #[test]
    fn a_sort_is_its_fields_in_order_then_the_id_or_is_refused(raw in sort_text(), near in any::<bool>()) {
        let items: Vec<(bool, &str)> = raw
            .split(',')
            .map(str::trim)
            .map(|item| match item.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, item),
            })
            .collect();
        let valid = items.iter().all(|(_, name)| SORT_NAMES.contains(name));
        // Kept: each field's first mention, and distance_m only with near.
        let kept: Vec<(bool, &str)> = items
            .iter()
            .enumerate()
            .filter(|(index, (_, name))| {
                (near || *name != "distance_m") && !items[..*index].iter().any(|(_, earlier)| earlier == name)
            })
            .map(|(_, item)| *item)
            .collect();
        let mut pairs = with_near(near);
        pairs.push(("sort".into(), raw.clone()));
        match parse(&pairs) {
            Ok(query) => {
                prop_assert!(valid, "{raw:?} accepted");
                let keys = query.sort.keys();
                let listed: Vec<(bool, &str)> = keys.iter().map(|key| (key.descending, key.field.name())).collect();
                if kept.is_empty() {
                    let default: &[(bool, &str)] = if near { &[(false, "distance_m"), (false, "id_segmento")] } else { &[(true, "id_segmento")] };
                    prop_assert_eq!(&listed[..], default);
                } else {
                    prop_assert_eq!(&listed[..kept.len()], &kept[..]);
                    match &listed[kept.len()..] {
                        [] => prop_assert!(kept.iter().any(|(_, name)| *name == "id_segmento")),
                        [(descending, "id_segmento")] => prop_assert_eq!(*descending, kept.last().expect("a field").0),
                        other => prop_assert!(false, "tie-break {other:?}"),
                    }
                }
            }
            Err(errors) => {
                prop_assert!(!valid, "{raw:?} refused");
                prop_assert_eq!(named(&errors), ["sort"]);
            }
        }
    }

    #[test]
    fn a_cursor_round_trips_for_its_own_sort_whatever_the_row(mut row in row(), (sort, near) in sort()) {
        if !near {
            row.distance_m = None;
        }
        let mut pairs = with_near(near);
        pairs.push(("sort".into(), sort));
        let parsed = parse(&pairs).expect("a valid sort").sort;
        let token = Cursor::after(&row, &parsed);
        pairs.push(("cursor".into(), token));

        let cursor = parse(&pairs).map_err(|errors| TestCaseError::fail(format!("{errors:?}")))?.cursor.expect("a cursor");

        let expected: Vec<Value> = parsed.keys().iter().map(|key| key.field.value_of(&row)).collect();
        prop_assert_eq!(cursor.values(), &expected[..]);
    }

    #[test]
    fn a_forged_or_garbled_cursor_is_refused_on_its_parameter_or_fits_the_sort(
        (sort, near) in sort(),
        forged in prop_oneof![
            any::<String>(),
            edge_text(12),
            vec(json_value(), 0..5).prop_map(|keys| json!({"s": "", "k": keys}).to_string()),
            json_value().prop_map(|value| value.to_string()),
        ],
        use_canonical in any::<bool>(),
        encode in any::<bool>(),
    ) {
        let mut pairs = with_near(near);
        pairs.push(("sort".into(), sort));
        let parsed = parse(&pairs).expect("a valid sort").sort;
        let mut token = forged;
        if use_canonical {
            if let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(&token) {
                object.insert("s".into(), parsed.canonical().into());
                token = Value::Object(object).to_string();
            }
        }
        if encode {
            token = URL_SAFE_NO_PAD.encode(token);
        }
        pairs.push(("cursor".into(), token));
        match parse(&pairs) {
            Ok(query) => {
                let cursor = query.cursor.expect("a cursor");
                prop_assert_eq!(cursor.values().len(), parsed.keys().len());
                for (key, value) in parsed.keys().iter().zip(cursor.values()) {
                    prop_assert!(key.field.accepts(value));
                }
            }
            Err(errors) => prop_assert_eq!(named(&errors), ["cursor"]),
        }
    }

    #[test]
    fn a_format_is_json_or_geojson_or_refused_on_its_parameter(raw in prop_oneof![any::<String>(), select(&["json", "geojson", "JSON", " json", "geo+json"][..]).prop_map(str::to_owned)]) {
        match query(("format", &raw)) {
            Ok(query) => prop_assert_eq!(query.format, Some(if raw == "json" { Format::Json } else { Format::GeoJson })),
            Err(errors) => {
                prop_assert!(raw != "json" && raw != "geojson");
                prop_assert_eq!(named(&errors), ["format"]);
            }
        }
    }
}
