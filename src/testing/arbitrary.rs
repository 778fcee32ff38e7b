//! Generators shared by the property tests (the `properties` module at the end of each
//! file): fully arbitrary and edge-biased text, numbers and JSON. (The oracle of segment
//! bodies is `segments::oracle`.)

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Number, Value};

use crate::segments::fields::FIELDS;
use crate::validation::field_error::FieldError;

/// `cases` cases a run. Failures are not persisted to `proptest-regressions/`: a real
/// finding stays as an `#[ignore = "bug: ..."]` property with its minimal input written up.
pub fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The `loc` of an error, as clients read it (`["body", "nombre"]`).
pub fn loc(error: &FieldError) -> Value {
    serde_json::to_value(error).expect("an error serializes")["loc"].clone()
}

/// `(loc, type)` of every error.
pub fn locs(errors: &[FieldError]) -> Vec<(Value, &'static str)> {
    errors
        .iter()
        .map(|error| (loc(error), error.kind().code()))
        .collect()
}

/// Characters where parsers tend to go wrong: whitespace (ASCII and not), controls, NUL,
/// quotes, separators, wildcards, and one-, two-, three- and four-byte UTF-8.
pub fn edge_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => select(&[
            'a', 'Z', '0', '9', '-', '_', '.', ',', ';', '=', '/', '+', '*', '"', '\\', '\'',
            '%', '!', '#', '~', ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\0', '\u{7f}',
            '\u{a0}', '\u{2003}', '\u{3000}', '\u{200b}', '\u{feff}', 'ñ', 'é', '€', '😀',
        ][..]),
        1 => any::<char>(),
    ]
}

/// Short text of [`edge_char`]s.
pub fn edge_text(max_chars: usize) -> impl Strategy<Value = String> {
    vec(edge_char(), 0..=max_chars).prop_map(|chars| chars.into_iter().collect())
}

/// Text of about `limit` characters (one under, at, or one over), of one repeated
/// character (possibly a space, possibly multi-byte) or of mixed ones.
pub fn text_around(limit: usize) -> impl Strategy<Value = String> {
    let lengths = limit.saturating_sub(1)..=limit + 1;
    prop_oneof![
        (edge_char(), lengths.clone()).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
        vec(edge_char(), lengths).prop_map(|chars| chars.into_iter().collect()),
    ]
}

/// Any text, edge-biased text, or text around `limit` characters.
pub fn text(limit: usize) -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        edge_text(12),
        text_around(limit),
        Just(String::new()),
    ]
    .boxed()
}

/// Text that looks like a number, or nearly: integers and floats of every size and
/// notation, the words for NaN and infinity, the JavaScript limits, numerals that are
/// not ASCII, and all of it sometimes padded with whitespace.
pub fn number_text() -> BoxedStrategy<String> {
    let shape = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        edge_f64().prop_map(|x| x.to_string()),
        edge_f64().prop_map(|x| format!("{x:e}")),
        (-2000i64..=2000).prop_map(|n| n.to_string()),
        select(
            &[
                "",
                "0",
                "-0",
                "+0",
                "00",
                "007",
                "+5",
                "1e3",
                "1E-3",
                ".5",
                "5.",
                "-.5",
                "NaN",
                "nan",
                "-NaN",
                "inf",
                "-inf",
                "+inf",
                "infinity",
                "-Infinity",
                "1e309",
                "-1e309",
                "4.9e-324",
                "1e-400",
                "1_000",
                "0x10",
                "0b1",
                "1,5",
                "1.2.3",
                "١",
                "９",
                "1 000",
                "--1",
                "+-1",
                "e5",
                "1e",
                "9007199254740991",
                "9007199254740992",
                "-9007199254740991",
                "-9007199254740992",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "18446744073709551616",
                "1000",
                "1001",
                "999",
                "1000000",
                "1000000.0000001",
                "90",
                "90.0000000001",
                "-90",
                "180",
                "-180.0",
                "180.00000000000003",
            ][..],
        )
        .prop_map(str::to_owned),
    ];
    let padding = select(&["", "", "", " ", "\t", "\n", "\u{a0}", "\u{3000}"][..]);
    (padding.clone(), shape, padding)
        .prop_map(|(before, number, after)| format!("{before}{number}{after}"))
        .boxed()
}

/// Any double, biased to NaN, the infinities, zeros, the extremes and the coordinate
/// bounds with their nearest neighbours.
pub fn edge_f64() -> BoxedStrategy<f64> {
    let bounds = [90.0_f64, 180.0, 1_000_000.0];
    let mut edges = vec![
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::EPSILON,
        5e-324,
        f64::MAX,
        f64::MIN,
        9_007_199_254_740_992.0,
    ];
    for bound in bounds {
        for value in [bound, -bound] {
            edges.extend([value, value.next_up(), value.next_down()]);
        }
    }
    prop_oneof![
        any::<f64>(),
        select(edges),
        -200.0..200.0_f64,
        -1e7..1e7_f64,
    ]
    .boxed()
}

/// A JSON number: any integer, or any finite double (JSON has no NaN or infinity).
pub fn json_number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        edge_f64().prop_filter_map("JSON numbers are finite", |x| {
            Number::from_f64(x).map(Value::Number)
        }),
    ]
    .boxed()
}

/// A JSON scalar.
pub fn json_leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        edge_text(8).prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ]
    .boxed()
}

/// Any JSON value: scalars, and arrays and objects nested a few levels deep.
pub fn json_value() -> BoxedStrategy<Value> {
    json_leaf()
        .prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..6).prop_map(Value::Array),
                btree_map(json_key(), inner, 0..6).prop_map(object),
            ]
        })
        .boxed()
}

/// Object keys: any text, or the names the API reads and near-misses of them.
pub fn json_key() -> BoxedStrategy<String> {
    let near_misses = ["nombe", "Nombre", " nombre", "nombre "];
    let geojson = [
        "type",
        "features",
        "geometry",
        "coordinates",
        "properties",
        "",
    ];
    let names: Vec<&str> = FIELDS.iter().map(|field| field.name).collect();
    prop_oneof![
        2 => select([names, near_misses.to_vec(), geojson.to_vec()].concat())
            .prop_map(str::to_owned),
        1 => edge_text(6),
        1 => any::<String>(),
    ]
    .boxed()
}

fn object(fields: BTreeMap<String, Value>) -> Value {
    Value::Object(fields.into_iter().collect())
}

/// JSON nested `depth` levels deep (arrays and objects alternating at random), as text:
/// beyond what a recursive parser may follow.
pub fn deep_json_text() -> BoxedStrategy<String> {
    (1usize..2000, any::<u64>(), any::<bool>())
        .prop_map(|(depth, mut bits, closed)| {
            let mut opening = String::new();
            let mut closing = Vec::new();
            for _ in 0..depth {
                if bits & 1 == 0 {
                    opening.push('[');
                    closing.push(']');
                } else {
                    opening.push_str("{\"nombre\":");
                    closing.push('}');
                }
                bits = bits.rotate_right(1);
            }
            opening.push('1');
            if closed {
                opening.extend(closing.iter().rev());
            }
            opening
        })
        .boxed()
}

/// Bodies as a client might send them: any bytes, any JSON (compact or pretty, whole or
/// cut short), numbers JSON cannot hold, duplicate keys, a byte-order mark, whitespace
/// JSON does not allow, and nesting deeper than the parser follows.
pub fn body_bytes() -> BoxedStrategy<Vec<u8>> {
    let json = json_value();
    prop_oneof![
        vec(any::<u8>(), 0..64),
        any::<String>().prop_map(String::into_bytes),
        json.clone()
            .prop_map(|value| value.to_string().into_bytes()),
        json.clone()
            .prop_map(|value| serde_json::to_vec_pretty(&value).expect("JSON serializes")),
        (json, any::<prop::sample::Index>()).prop_map(|(value, cut)| {
            let text = value.to_string().into_bytes();
            let at = cut.index(text.len() + 1);
            text[..at].to_vec()
        }),
        select(
            &[
                "",
                " ",
                "\n\t\r ",
                "\u{c}",
                "\u{c}{}",
                "\u{feff}{}",
                "{}",
                "[]",
                "null",
                "1",
                "\"x\"",
                "{\"nombre\": 1e400}",
                "{\"longitud\": -1e400}",
                "{\"nombre\": \"a\", \"nombre\": \"b\"}",
                "{\"x\": 1, \"x\": 2}",
                "{,}",
                "{\"nombre\": \"\\ud800\"}",
                "{\"nombre\": \"a\u{0}\"}",
                "{\"latitud\": NaN}",
                "{\"latitud\": Infinity}",
                "{\"latitud\": 0x10}",
                "{\"latitud\": 01}",
                "[{\"nombre\": }]",
            ][..],
        )
        .prop_map(|text| text.as_bytes().to_vec()),
        deep_json_text().prop_map(String::into_bytes),
    ]
    .boxed()
}

/// `(field, type)` of errors located at a body field (`["body", ..., field]`), the field
/// being the last name of the `loc`.
pub fn field_problems(errors: &[FieldError]) -> Vec<(String, &'static str)> {
    errors
        .iter()
        .map(|error| {
            let loc = loc(error);
            let field = loc
                .as_array()
                .and_then(|items| items.last())
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            (field, error.kind().code())
        })
        .collect()
}
