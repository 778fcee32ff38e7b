//! Generators shared by the property tests (the `properties` module at the end of each
//! file): fully arbitrary and edge-biased text, numbers and JSON, and the oracle that says
//! which problems a segment body must be reported with.

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Number, Value};

use super::field_error::FieldError;
use super::segmento::NewSegmento;

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
    prop_oneof![
        2 => select(&[
            "nombre", "descripcion", "longitud", "latitud", "ubicacion", "id_segmento",
            "created_at", "updated_at", "version", "nombe", "Nombre", " nombre", "nombre ",
            "type", "features", "geometry", "coordinates", "properties", "",
        ][..]).prop_map(str::to_owned),
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

/// Which write a segment body is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// `POST`: `nombre`, `longitud` and `latitud` are required.
    Create,
    /// `PATCH` and `PUT`: only the fields sent change.
    Patch,
}

/// A segment body's rule for one text field.
struct TextRule {
    name: &'static str,
    max_chars: usize,
    required: bool,
    nullable: bool,
    not_blank: bool,
}

const TEXT_RULES: [TextRule; 3] = [
    TextRule {
        name: "nombre",
        max_chars: 200,
        required: true,
        nullable: false,
        not_blank: true,
    },
    TextRule {
        name: "descripcion",
        max_chars: 2000,
        required: false,
        nullable: true,
        not_blank: false,
    },
    TextRule {
        name: "ubicacion",
        max_chars: 200,
        required: false,
        nullable: true,
        not_blank: false,
    },
];

/// `(name, min, max)` of the coordinates; both are required and not nullable.
const NUMBER_RULES: [(&str, f64, f64); 2] = [("longitud", -180.0, 180.0), ("latitud", -90.0, 90.0)];

/// Fields the server owns: accepted in a body and ignored.
pub const SERVER_FIELDS: [&str; 4] = ["id_segmento", "created_at", "updated_at", "version"];

/// Every field a segment body may carry.
pub const BODY_FIELDS: [&str; 9] = [
    "nombre",
    "descripcion",
    "longitud",
    "latitud",
    "ubicacion",
    "id_segmento",
    "created_at",
    "updated_at",
    "version",
];

/// The oracle: `(field, type)` of every problem a segment object must be reported with,
/// in the order the API reports them (the fields in table order, then unknown keys in
/// sorted order). Written from the documented rules, independently of the validator.
pub fn segment_problems(body: &Map<String, Value>, write: Write) -> Vec<(String, &'static str)> {
    let mut problems = Vec::new();
    let mut report = |field: &str, code: &'static str| problems.push((field.to_owned(), code));
    let text =
        |rule: &TextRule, report: &mut dyn FnMut(&str, &'static str)| match body.get(rule.name) {
            None if rule.required && write == Write::Create => report(rule.name, "missing"),
            None => {}
            Some(Value::Null) if rule.nullable => {}
            Some(Value::String(text)) => {
                if text.chars().count() > rule.max_chars {
                    report(rule.name, "string_too_long");
                }
                if rule.not_blank && text.trim().is_empty() {
                    report(rule.name, "string_blank");
                }
            }
            Some(_) => report(rule.name, "string_type"),
        };
    text(&TEXT_RULES[0], &mut report);
    text(&TEXT_RULES[1], &mut report);
    for (name, min, max) in NUMBER_RULES {
        match body.get(name) {
            None if write == Write::Create => report(name, "missing"),
            None => {}
            Some(Value::Number(number)) => {
                let number = number.as_f64().expect("a JSON number is a double");
                if number < min {
                    report(name, "greater_than_equal");
                } else if number > max {
                    report(name, "less_than_equal");
                }
            }
            Some(_) => report(name, "float_type"),
        }
    }
    text(&TEXT_RULES[2], &mut report);
    let mut unknown: Vec<&String> = body
        .keys()
        .filter(|key| !BODY_FIELDS.contains(&key.as_str()))
        .collect();
    unknown.sort();
    for key in unknown {
        report(key, "extra_forbidden");
    }
    problems
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

/// A value for one field of a segment body: usually of the right type and near its
/// limits, sometimes `null` or of any other JSON type.
fn field_value(name: &'static str) -> BoxedStrategy<Value> {
    let right_type = match name {
        "nombre" | "ubicacion" => text(200).prop_map(Value::String).boxed(),
        "descripcion" => prop_oneof![text(2000), text(12)]
            .prop_map(Value::String)
            .boxed(),
        "longitud" | "latitud" => json_number(),
        _ => json_value(),
    };
    prop_oneof![
        6 => right_type,
        1 => Just(Value::Null),
        1 => json_value(),
        1 => number_text().prop_map(Value::String),
    ]
    .boxed()
}

/// A segment body: each field present or not with a value from [`field_value`], server
/// fields now and then, and sometimes keys the API does not know.
pub fn segment_object() -> BoxedStrategy<Map<String, Value>> {
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = BODY_FIELDS
        .iter()
        .map(|name| {
            let present = if SERVER_FIELDS.contains(name) {
                0.2
            } else {
                0.8
            };
            prop::option::weighted(present, field_value(name))
                .prop_map(move |value| value.map(|value| ((*name).to_owned(), value)))
                .boxed()
        })
        .collect();
    let extra = prop_oneof![
        4 => Just(BTreeMap::new()),
        1 => btree_map(json_key(), json_leaf(), 0..3),
    ];
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut body: Map<String, Value> = extra.into_iter().collect();
            body.extend(fields.into_iter().flatten());
            body
        })
        .boxed()
}

/// A segment body that passes every rule of a create.
pub fn valid_segment_object() -> BoxedStrategy<Map<String, Value>> {
    let nombre = any::<String>()
        .prop_filter("not blank", |text| !text.trim().is_empty())
        .prop_map(|text| text.chars().take(200).collect::<String>());
    let optional_text = |max: usize| {
        prop::option::of(prop::option::of(
            any::<String>().prop_map(move |text| text.chars().take(max).collect::<String>()),
        ))
    };
    (
        nombre,
        optional_text(2000),
        -180.0..=180.0_f64,
        -90.0..=90.0_f64,
        optional_text(200),
    )
        .prop_map(|(nombre, descripcion, longitud, latitud, ubicacion)| {
            let mut body = Map::new();
            body.insert("nombre".into(), nombre.into());
            body.insert("longitud".into(), longitud.into());
            body.insert("latitud".into(), latitud.into());
            for (name, value) in [("descripcion", descripcion), ("ubicacion", ubicacion)] {
                if let Some(value) = value {
                    body.insert(name.into(), value.map_or(Value::Null, Value::String));
                }
            }
            body
        })
        .boxed()
}

/// Checks that an accepted segment holds only valid values, and exactly those of `body`.
pub fn check_segment(
    segment: &NewSegmento,
    body: &Map<String, Value>,
) -> Result<(), TestCaseError> {
    let nombre = segment.nombre();
    prop_assert!(!nombre.trim().is_empty() && nombre.chars().count() <= 200);
    prop_assert!(segment
        .descripcion()
        .is_none_or(|text| text.chars().count() <= 2000));
    prop_assert!(segment
        .ubicacion()
        .is_none_or(|text| text.chars().count() <= 200));
    let (longitud, latitud) = (segment.longitud(), segment.latitud());
    prop_assert!(longitud.is_finite() && (-180.0..=180.0).contains(&longitud));
    prop_assert!(latitud.is_finite() && (-90.0..=90.0).contains(&latitud));
    prop_assert_eq!(Some(nombre), body["nombre"].as_str());
    prop_assert_eq!(Some(longitud), body["longitud"].as_f64());
    prop_assert_eq!(Some(latitud), body["latitud"].as_f64());
    let text = |name: &str| body.get(name).and_then(Value::as_str);
    prop_assert_eq!(segment.descripcion(), text("descripcion"));
    prop_assert_eq!(segment.ubicacion(), text("ubicacion"));
    Ok(())
}
