//! One problem with one input value, in the shape FastAPI (pydantic v2) gives it, because
//! RecWay clients parse `{"type", "loc", "msg", "ctx"}` entries of a `422` `detail` list.

use std::borrow::Cow;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

/// What is wrong with a value. Each kind has pydantic's `type` code and message.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// A required value is absent.
    Missing,
    /// Not a JSON string (or `null` where a string is required).
    StringType,
    /// Not a JSON number (or `null` where a number is required).
    NumberType,
    /// A query or path parameter that is not an integer.
    IntParsing,
    /// A query parameter that is not a number.
    FloatParsing,
    /// A query parameter that is not an RFC 3339 instant; `error` says why.
    DatetimeParsing { error: &'static str },
    /// A value that is not one of a fixed set of words.
    LiteralError { expected: &'static [&'static str] },
    /// A string longer than `max` characters.
    StringTooLong { max: u64 },
    /// A string that is empty once surrounding whitespace is trimmed.
    Blank,
    /// A number below the inclusive minimum.
    GreaterThanEqual { min: f64 },
    /// A number at or below the exclusive minimum.
    GreaterThan { min: f64 },
    /// A number above the inclusive maximum.
    LessThanEqual { max: f64 },
    /// NaN or an infinity.
    NotFinite,
    /// A body field the resource does not have (a typo such as `nombe`).
    ExtraForbidden,
    /// A body that is not valid JSON; `error` says why.
    JsonInvalid { error: String },
    /// A JSON body that is valid but not an object.
    ObjectType,
    /// A value that should be a JSON array.
    ListType,
    /// An array with fewer than `min` items.
    TooShort { min: usize, actual: usize },
    /// An array with more than `max` items.
    TooLong { max: usize, actual: usize },
    /// A value refused by a rule with no more specific kind (a schema CHECK, a malformed
    /// `bbox`); `reason` says which rule.
    ValueError { reason: Cow<'static, str> },
}

impl ErrorKind {
    /// pydantic's machine-readable `type` code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::StringType => "string_type",
            Self::NumberType => "float_type",
            Self::IntParsing => "int_parsing",
            Self::FloatParsing => "float_parsing",
            Self::DatetimeParsing { .. } => "datetime_parsing",
            Self::LiteralError { .. } => "literal_error",
            Self::StringTooLong { .. } => "string_too_long",
            Self::Blank => "string_blank",
            Self::GreaterThanEqual { .. } => "greater_than_equal",
            Self::GreaterThan { .. } => "greater_than",
            Self::LessThanEqual { .. } => "less_than_equal",
            Self::NotFinite => "finite_number",
            Self::ExtraForbidden => "extra_forbidden",
            Self::JsonInvalid { .. } => "json_invalid",
            Self::ObjectType => "model_attributes_type",
            Self::ListType => "list_type",
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::ValueError { .. } => "value_error",
        }
    }

    /// The human-readable `msg`.
    pub fn message(&self) -> String {
        match self {
            Self::Missing => "Field required".into(),
            Self::StringType => "Input should be a valid string".into(),
            Self::NumberType => "Input should be a valid number".into(),
            Self::IntParsing => {
                "Input should be a valid integer, unable to parse string as an integer".into()
            }
            Self::FloatParsing => {
                "Input should be a valid number, unable to parse string as a number".into()
            }
            Self::DatetimeParsing { error } => {
                format!("Input should be a valid datetime, {error}")
            }
            Self::LiteralError { expected } => {
                format!("Input should be {}", quoted_alternatives(expected))
            }
            Self::StringTooLong { max } => format!(
                "String should have at most {max} character{}",
                if *max == 1 { "" } else { "s" }
            ),
            Self::Blank => "String should not be blank".into(),
            Self::GreaterThanEqual { min } => {
                format!("Input should be greater than or equal to {}", number(*min))
            }
            Self::GreaterThan { min } => {
                format!("Input should be greater than {}", number(*min))
            }
            Self::LessThanEqual { max } => {
                format!("Input should be less than or equal to {}", number(*max))
            }
            Self::NotFinite => "Input should be a finite number".into(),
            Self::ExtraForbidden => "Extra inputs are not permitted".into(),
            Self::JsonInvalid { .. } => "JSON decode error".into(),
            Self::ObjectType => {
                "Input should be a valid dictionary or object to extract fields from".into()
            }
            Self::ListType => "Input should be a valid list".into(),
            Self::TooShort { min, actual } => format!(
                "List should have at least {min} item{} after validation, not {actual}",
                plural(*min)
            ),
            Self::TooLong { max, actual } => format!(
                "List should have at most {max} item{} after validation, not {actual}",
                plural(*max)
            ),
            Self::ValueError { reason } => format!("Value error, {reason}"),
        }
    }

    /// pydantic's `ctx`: the limit or reason behind the message, for clients that want it.
    fn context(&self) -> Option<Value> {
        match self {
            Self::StringTooLong { max } => Some(json!({ "max_length": max })),
            Self::GreaterThanEqual { min } => Some(json!({ "ge": number(*min) })),
            Self::GreaterThan { min } => Some(json!({ "gt": number(*min) })),
            Self::DatetimeParsing { error } => Some(json!({ "error": error })),
            Self::LiteralError { expected } => {
                Some(json!({ "expected": quoted_alternatives(expected) }))
            }
            Self::ValueError { reason } => Some(json!({ "error": reason })),
            Self::LessThanEqual { max } => Some(json!({ "le": number(*max) })),
            Self::JsonInvalid { error } => Some(json!({ "error": error })),
            Self::TooShort { min, actual } => {
                Some(json!({ "field_type": "List", "min_length": min, "actual_length": actual }))
            }
            Self::TooLong { max, actual } => {
                Some(json!({ "field_type": "List", "max_length": max, "actual_length": actual }))
            }
            _ => None,
        }
    }
}

impl ErrorKind {
    /// A [`Self::ValueError`] with its reason.
    pub fn value_error(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::ValueError {
            reason: reason.into(),
        }
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// `'a', 'b' or 'c'`, as pydantic lists the values a literal accepts.
fn quoted_alternatives(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// Whole numbers print without a fraction (`-180`, not `-180.0`), as pydantic does.
pub(crate) fn number(value: f64) -> Value {
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGER_LIMIT {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// One element of a `loc` path: a name, or a position (a byte offset into a bad body).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum LocItem {
    Name(String),
    Index(usize),
}

/// One invalid value and where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    loc: Vec<LocItem>,
    kind: ErrorKind,
}

impl FieldError {
    /// A problem with the body as a whole (`loc: ["body"]`).
    pub fn body(kind: ErrorKind) -> Self {
        Self::at(vec![LocItem::Name("body".into())], kind)
    }

    /// A problem with one body field (`loc: ["body", "nombre"]`).
    pub fn body_field(field: &str, kind: ErrorKind) -> Self {
        Self::at(named("body", field), kind)
    }

    /// Unparseable JSON at a byte offset into the body (`loc: ["body", 12]`).
    pub fn body_position(position: usize, kind: ErrorKind) -> Self {
        Self::at(
            vec![LocItem::Name("body".into()), LocItem::Index(position)],
            kind,
        )
    }

    /// A problem with a query parameter (`loc: ["query", "limit"]`).
    pub fn query(name: &str, kind: ErrorKind) -> Self {
        Self::at(named("query", name), kind)
    }

    /// A problem with the query string as a whole (`loc: ["query"]`).
    pub fn query_string(kind: ErrorKind) -> Self {
        Self::at(vec![LocItem::Name("query".into())], kind)
    }

    /// A problem with a request header (`loc: ["header", "if-match"]`).
    pub fn header(name: &str, kind: ErrorKind) -> Self {
        Self::at(named("header", name), kind)
    }

    /// The same problem found inside a part of a larger input: `path` goes between the
    /// source and the rest of the location (`["body", "nombre"]` within item 3 of a list
    /// is `["body", 3, "nombre"]`).
    pub fn within(mut self, path: impl IntoIterator<Item = LocItem>) -> Self {
        let rest = self.loc.split_off(1.min(self.loc.len()));
        self.loc.extend(path);
        self.loc.extend(rest);
        self
    }

    /// The body field this error is about, if it is about one (`["body", "nombre"]`).
    pub fn body_field_name(&self) -> Option<&str> {
        match self.loc.as_slice() {
            [LocItem::Name(source), LocItem::Name(field)] if source == "body" => Some(field),
            _ => None,
        }
    }

    /// The same problem at another location in the body (`["body", ...path]`).
    pub fn moved_in_body(self, path: impl IntoIterator<Item = LocItem>) -> Self {
        let mut loc = vec![LocItem::Name("body".into())];
        loc.extend(path);
        Self::at(loc, self.kind)
    }

    /// Whether the problem is with the query string or one of its parameters.
    pub fn in_query(&self) -> bool {
        matches!(self.loc.first(), Some(LocItem::Name(source)) if source == "query")
    }

    /// A problem with a path parameter (`loc: ["path", "id_segmento"]`).
    pub fn path(name: &str, kind: ErrorKind) -> Self {
        Self::at(named("path", name), kind)
    }

    fn at(loc: Vec<LocItem>, kind: ErrorKind) -> Self {
        Self { loc, kind }
    }

    #[cfg(test)]
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

fn named(source: &str, name: &str) -> Vec<LocItem> {
    vec![LocItem::Name(source.into()), LocItem::Name(name.into())]
}

impl Serialize for FieldError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let context = self.kind.context();
        let mut map = serializer.serialize_map(Some(3 + usize::from(context.is_some())))?;
        map.serialize_entry("type", self.kind.code())?;
        map.serialize_entry("loc", &self.loc)?;
        map.serialize_entry("msg", &self.kind.message())?;
        if let Some(context) = context {
            map.serialize_entry("ctx", &context)?;
        }
        map.end()
    }
}

/// The schema of the custom serialization above, for the OpenAPI document.
#[cfg(test)]
impl utoipa::PartialSchema for FieldError {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
        let text = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(description))
        };
        let loc_item = OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            );
        ObjectBuilder::new()
            .description(Some("One problem with one input value."))
            .property(
                "type",
                text("Machine-readable kind, as pydantic names it (`missing`, `string_too_long`, `value_error`, ...)."),
            )
            .property(
                "loc",
                ArrayBuilder::new()
                    .items(loc_item)
                    .description(Some("Where: `body`, `query`, `path` or `header`, then the field, parameter or header name (a list item's index comes before its field: `[\"body\", 3, \"latitud\"]`), or a byte offset into an unreadable body.")),
            )
            .property("msg", text("For people."))
            .property(
                "ctx",
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .description(Some("The limit or reason behind the message, when there is one.")),
            )
            .required("type")
            .required("loc")
            .required("msg")
            .into()
    }
}

#[cfg(test)]
impl utoipa::ToSchema for FieldError {}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
