//! The road segment: what clients send, what may be stored, and what they get back.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::field_error::FieldError;
use super::input::{finite, integer_in_range, not_blank, Checker, Field, MAX_SAFE_INTEGER};

/// Fields the server owns: accepted in a body (clients echo whole segments back) and ignored.
const SERVER_FIELDS: [&str; 4] = ["id_segmento", "created_at", "updated_at", "version"];

/// A stored segment, as D1 returns it and as the API sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(utoipa::ToSchema))]
pub struct Segmento {
    pub id_segmento: i64,
    pub nombre: String,
    pub descripcion: Option<String>,
    pub longitud: f64,
    pub latitud: f64,
    pub ubicacion: Option<String>,
    /// RFC 3339 UTC, set by the database.
    pub created_at: String,
    /// RFC 3339 UTC, set by the database.
    pub updated_at: String,
    /// 1 when created, one more after each update; the `ETag` is made from it.
    #[cfg_attr(test, schema(minimum = 1))]
    pub version: i64,
}

#[cfg(test)]
impl Segmento {
    /// A stored segment in Córdoba, for tests of what is built from segments.
    pub fn sample(id_segmento: i64) -> Self {
        Self {
            id_segmento,
            nombre: "Av. Colón".into(),
            descripcion: None,
            longitud: -64.18,
            latitud: -31.41,
            ubicacion: Some("Córdoba".into()),
            created_at: "2026-11-22T10:00:00.000Z".into(),
            updated_at: "2026-11-22T10:00:00.000Z".into(),
            version: 1,
        }
    }
}

/// The `{id}` of `/api/v1/segmentos/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentoId(i64);

impl SegmentoId {
    /// Name of the path parameter in error locations.
    pub const PARAM: &'static str = "id_segmento";

    /// Any integer a D1 binding can carry exactly; ids that cannot exist (0, negatives)
    /// are simply not found, as in the original API.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        integer_in_range(raw, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
            .map(Self)
            .map_err(|kind| FieldError::path(Self::PARAM, kind))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// The JSON body of a create or an update, exactly as sent. Every field tolerates any
/// JSON value so that all problems are found in one pass (see [`super::input`]).
#[derive(Debug, Default, Deserialize, Validate)]
#[cfg_attr(
    test,
    derive(utoipa::ToSchema),
    schema(
        as = SegmentoCreate,
        description = "A new segment. Unknown fields are refused (422); `id_segmento`, \
            `created_at`, `updated_at` and `version` are accepted and ignored, as the server sets \
            them."
    )
)]
pub struct SegmentoPayload {
    /// Name of the segment; not blank.
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "not_blank"))]
    #[cfg_attr(test, schema(value_type = String, required = true, min_length = 1, max_length = 200))]
    nombre: Field<String>,
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[cfg_attr(test, schema(value_type = Option<String>, max_length = 2000))]
    descripcion: Field<String>,
    /// Degrees east, WGS 84.
    #[serde(default)]
    #[validate(range(min = -180.0, max = 180.0), custom(function = "finite"))]
    #[cfg_attr(test, schema(value_type = f64, required = true, minimum = -180, maximum = 180))]
    longitud: Field<f64>,
    /// Degrees north, WGS 84.
    #[serde(default)]
    #[validate(range(min = -90.0, max = 90.0), custom(function = "finite"))]
    #[cfg_attr(test, schema(value_type = f64, required = true, minimum = -90, maximum = 90))]
    latitud: Field<f64>,
    /// Where the segment is (a city, a district).
    #[serde(default)]
    #[validate(length(max = 200))]
    #[cfg_attr(test, schema(value_type = Option<String>, max_length = 200))]
    ubicacion: Field<String>,
    /// Every other key, reported as unknown unless it is a server-owned field.
    #[serde(flatten)]
    #[cfg_attr(test, schema(ignore))]
    other: BTreeMap<String, IgnoredAny>,
}

impl SegmentoPayload {
    /// A create: `nombre`, `longitud` and `latitud` are required.
    pub fn into_new(self) -> Result<NewSegmento, Vec<FieldError>> {
        let mut check = Checker::new(self.validate());
        let nombre = check.required("nombre", self.nombre);
        let descripcion = check.nullable("descripcion", self.descripcion).flatten();
        let longitud = check.required("longitud", self.longitud);
        let latitud = check.required("latitud", self.latitud);
        let ubicacion = check.nullable("ubicacion", self.ubicacion).flatten();
        check.no_unknown_fields(self.other.keys(), &SERVER_FIELDS);
        check.finish(|| {
            Some(NewSegmento {
                nombre: nombre?,
                descripcion,
                longitud: longitud?,
                latitud: latitud?,
                ubicacion,
            })
        })
    }

    /// A partial update: only the fields sent change; `descripcion` and `ubicacion` may be
    /// cleared with `null`, the required fields may not.
    pub fn into_patch(self) -> Result<SegmentoPatch, Vec<FieldError>> {
        let mut check = Checker::new(self.validate());
        let patch = SegmentoPatch {
            nombre: check.optional("nombre", self.nombre),
            descripcion: check.nullable("descripcion", self.descripcion),
            longitud: check.optional("longitud", self.longitud),
            latitud: check.optional("latitud", self.latitud),
            ubicacion: check.nullable("ubicacion", self.ubicacion),
        };
        check.no_unknown_fields(self.other.keys(), &SERVER_FIELDS);
        check.finish(|| Some(patch))
    }
}

/// A valid segment that is not stored yet. Only [`SegmentoPayload::into_new`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSegmento {
    nombre: String,
    descripcion: Option<String>,
    longitud: f64,
    latitud: f64,
    ubicacion: Option<String>,
}

impl NewSegmento {
    pub fn nombre(&self) -> &str {
        &self.nombre
    }
    pub fn descripcion(&self) -> Option<&str> {
        self.descripcion.as_deref()
    }
    pub fn longitud(&self) -> f64 {
        self.longitud
    }
    pub fn latitud(&self) -> f64 {
        self.latitud
    }
    pub fn ubicacion(&self) -> Option<&str> {
        self.ubicacion.as_deref()
    }
}

/// A valid partial update. `None` leaves a field as it is; for the nullable fields
/// `Some(None)` clears it. Only [`SegmentoPayload::into_patch`] makes one.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    test,
    derive(utoipa::ToSchema),
    schema(
        as = SegmentoUpdate,
        description = "Changes to a segment: only the fields sent change; `descripcion` and \
            `ubicacion` may be `null` to clear them. Unknown fields are refused (422)."
    )
)]
pub struct SegmentoPatch {
    #[cfg_attr(test, schema(value_type = String, min_length = 1, max_length = 200))]
    nombre: Option<String>,
    #[cfg_attr(test, schema(value_type = Option<String>, max_length = 2000))]
    descripcion: Option<Option<String>>,
    #[cfg_attr(test, schema(value_type = f64, minimum = -180, maximum = 180))]
    longitud: Option<f64>,
    #[cfg_attr(test, schema(value_type = f64, minimum = -90, maximum = 90))]
    latitud: Option<f64>,
    #[cfg_attr(test, schema(value_type = Option<String>, max_length = 200))]
    ubicacion: Option<Option<String>>,
}

/// A value a patch writes into one column.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchValue<'a> {
    Text(Option<&'a str>),
    Number(f64),
}

impl SegmentoPatch {
    /// The columns this patch changes, in table order, with their new values.
    pub fn changes(&self) -> Vec<(&'static str, PatchValue<'_>)> {
        [
            (
                "nombre",
                self.nombre
                    .as_deref()
                    .map(|text| PatchValue::Text(Some(text))),
            ),
            ("descripcion", nullable_text(&self.descripcion)),
            ("longitud", self.longitud.map(PatchValue::Number)),
            ("latitud", self.latitud.map(PatchValue::Number)),
            ("ubicacion", nullable_text(&self.ubicacion)),
        ]
        .into_iter()
        .filter_map(|(column, value)| Some((column, value?)))
        .collect()
    }
}

fn nullable_text(value: &Option<Option<String>>) -> Option<PatchValue<'_>> {
    value.as_ref().map(|text| PatchValue::Text(text.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::parse_json;
    use crate::domain::ErrorKind;
    use serde_json::{json, Value};

    fn payload(body: Value) -> SegmentoPayload {
        parse_json(body.to_string().as_bytes()).unwrap()
    }

    fn create(body: Value) -> Result<NewSegmento, Vec<FieldError>> {
        payload(body).into_new()
    }

    fn patch(body: Value) -> Result<SegmentoPatch, Vec<FieldError>> {
        payload(body).into_patch()
    }

    fn valid() -> Value {
        json!({"nombre": "Av. Colón", "longitud": -64.18, "latitud": -31.41})
    }

    fn with(field: &str, value: Value) -> Value {
        let mut body = valid();
        body[field] = value;
        body
    }

    /// `(field, type)` of each error, for compact assertions.
    fn problems(errors: &[FieldError]) -> Vec<(String, &'static str)> {
        errors
            .iter()
            .map(|error| {
                let value = serde_json::to_value(error).unwrap();
                let field = value["loc"][1].as_str().unwrap_or_default().to_owned();
                (field, error.kind().code())
            })
            .collect()
    }

    fn only_problem(body: Value) -> (String, &'static str) {
        let errors = create(body).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        problems(&errors).remove(0)
    }

    #[test]
    fn a_minimal_valid_segment_is_accepted() {
        let segment = create(valid()).unwrap();

        assert_eq!(segment.nombre(), "Av. Colón");
        assert_eq!(segment.longitud(), -64.18);
        assert_eq!(segment.latitud(), -31.41);
        assert_eq!(segment.descripcion(), None);
        assert_eq!(segment.ubicacion(), None);
    }

    #[test]
    fn a_full_segment_keeps_every_field() {
        let body = json!({
            "nombre": "Ruta 9", "descripcion": "Baches", "longitud": 10,
            "latitud": 20, "ubicacion": "Córdoba"
        });

        let segment = create(body).unwrap();

        assert_eq!(segment.descripcion(), Some("Baches"));
        assert_eq!(segment.ubicacion(), Some("Córdoba"));
        assert_eq!(segment.longitud(), 10.0);
    }

    #[test]
    fn a_missing_nombre_is_required() {
        let mut body = valid();
        body.as_object_mut().unwrap().remove("nombre");

        assert_eq!(only_problem(body), ("nombre".into(), "missing"));
    }

    #[test]
    fn a_blank_nombre_is_rejected() {
        let errors = create(with("nombre", json!(" \t\n "))).unwrap_err();

        assert_eq!(problems(&errors), [("nombre".into(), "string_blank")]);
    }

    #[test]
    fn an_empty_nombre_is_rejected_as_blank() {
        assert_eq!(
            only_problem(with("nombre", json!(""))),
            ("nombre".into(), "string_blank")
        );
    }

    #[test]
    fn a_nombre_of_200_characters_is_accepted() {
        assert!(create(with("nombre", json!("ñ".repeat(200)))).is_ok());
    }

    #[test]
    fn a_nombre_of_201_characters_is_rejected() {
        assert_eq!(
            only_problem(with("nombre", json!("a".repeat(201)))),
            ("nombre".into(), "string_too_long")
        );
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        // 200 two-byte characters are 400 bytes but only 200 characters.
        assert!(create(with("descripcion", json!("é".repeat(2000)))).is_ok());
        assert!(create(with("ubicacion", json!("é".repeat(200)))).is_ok());
    }

    #[test]
    fn a_descripcion_over_2000_characters_is_rejected() {
        assert_eq!(
            only_problem(with("descripcion", json!("a".repeat(2001)))),
            ("descripcion".into(), "string_too_long")
        );
    }

    #[test]
    fn a_ubicacion_over_200_characters_is_rejected() {
        assert_eq!(
            only_problem(with("ubicacion", json!("a".repeat(201)))),
            ("ubicacion".into(), "string_too_long")
        );
    }

    #[test]
    fn a_longitude_above_180_is_rejected() {
        let errors = create(with("longitud", json!(180.0001))).unwrap_err();

        assert_eq!(
            errors,
            [FieldError::body_field(
                "longitud",
                ErrorKind::LessThanEqual { max: 180.0 }
            )]
        );
    }

    #[test]
    fn a_longitude_below_minus_180_is_rejected() {
        let errors = create(with("longitud", json!(-181))).unwrap_err();

        assert_eq!(
            errors,
            [FieldError::body_field(
                "longitud",
                ErrorKind::GreaterThanEqual { min: -180.0 }
            )]
        );
    }

    #[test]
    fn a_latitude_above_90_is_rejected() {
        assert_eq!(
            only_problem(with("latitud", json!(90.5))),
            ("latitud".into(), "less_than_equal")
        );
    }

    #[test]
    fn a_latitude_below_minus_90_is_rejected() {
        assert_eq!(
            only_problem(with("latitud", json!(-90.5))),
            ("latitud".into(), "greater_than_equal")
        );
    }

    #[test]
    fn the_exact_coordinate_bounds_are_accepted() {
        for (longitud, latitud) in [(180, 90), (-180, -90), (0, 0)] {
            let body = json!({"nombre": "x", "longitud": longitud, "latitud": latitud});
            assert!(create(body).is_ok(), "{longitud},{latitud}");
        }
    }

    #[test]
    fn a_nan_coordinate_is_rejected_though_json_cannot_carry_one() {
        let payload = SegmentoPayload {
            nombre: Field::Value("x".into()),
            longitud: Field::Value(f64::NAN),
            latitud: Field::Value(f64::INFINITY),
            ..SegmentoPayload::default()
        };

        let errors = payload.into_new().unwrap_err();

        assert_eq!(
            problems(&errors),
            [
                ("longitud".into(), "finite_number"),
                ("latitud".into(), "less_than_equal"),
                ("latitud".into(), "finite_number"),
            ]
        );
    }

    #[test]
    fn a_numeric_string_for_a_coordinate_is_a_type_error() {
        assert_eq!(
            only_problem(with("latitud", json!("12.5"))),
            ("latitud".into(), "float_type")
        );
    }

    #[test]
    fn a_number_for_nombre_is_a_type_error() {
        assert_eq!(
            only_problem(with("nombre", json!(42))),
            ("nombre".into(), "string_type")
        );
    }

    #[test]
    fn null_for_a_required_field_is_a_type_error() {
        assert_eq!(
            only_problem(with("longitud", Value::Null)),
            ("longitud".into(), "float_type")
        );
    }

    #[test]
    fn null_clears_nothing_on_create_for_optional_text() {
        let segment = create(with("descripcion", Value::Null)).unwrap();

        assert_eq!(segment.descripcion(), None);
    }

    #[test]
    fn every_invalid_field_is_listed_at_once_in_field_order() {
        let body = json!({
            "nombe": "typo", "nombre": "", "descripcion": 7, "longitud": "x",
            "latitud": 100, "ubicacion": ["no"]
        });

        let errors = create(body).unwrap_err();

        assert_eq!(
            problems(&errors),
            [
                ("nombre".into(), "string_blank"),
                ("descripcion".into(), "string_type"),
                ("longitud".into(), "float_type"),
                ("latitud".into(), "less_than_equal"),
                ("ubicacion".into(), "string_type"),
                ("nombe".into(), "extra_forbidden"),
            ]
        );
    }

    #[test]
    fn an_empty_object_lists_every_required_field() {
        let errors = create(json!({})).unwrap_err();

        assert_eq!(
            problems(&errors),
            [
                ("nombre".into(), "missing"),
                ("longitud".into(), "missing"),
                ("latitud".into(), "missing"),
            ]
        );
    }

    #[test]
    fn a_repeated_key_is_invalid_json_not_a_silent_overwrite() {
        let error = parse_json::<SegmentoPayload>(br#"{"nombre": "a", "nombre": "b"}"#)
            .err()
            .unwrap();

        assert_eq!(error.kind().code(), "json_invalid");
    }

    #[test]
    fn an_unknown_field_is_named() {
        assert_eq!(
            only_problem(with("nombe", json!("x"))),
            ("nombe".into(), "extra_forbidden")
        );
    }

    #[test]
    fn server_owned_fields_in_a_body_are_ignored() {
        let mut body = valid();
        body["id_segmento"] = json!(999);
        body["created_at"] = json!("1999-01-01T00:00:00Z");
        body["updated_at"] = json!(null);

        assert!(create(body.clone()).is_ok());
        assert!(patch(body).is_ok());
    }

    #[test]
    fn an_empty_patch_changes_nothing() {
        assert!(patch(json!({})).unwrap().changes().is_empty());
    }

    #[test]
    fn a_patch_lists_only_the_fields_sent_in_table_order() {
        let update = patch(json!({"latitud": 1.5, "nombre": "Nuevo"})).unwrap();

        assert_eq!(
            update.changes(),
            [
                ("nombre", PatchValue::Text(Some("Nuevo"))),
                ("latitud", PatchValue::Number(1.5)),
            ]
        );
    }

    #[test]
    fn a_patch_may_clear_descripcion_and_ubicacion_with_null() {
        let update = patch(json!({"descripcion": null, "ubicacion": null})).unwrap();

        assert_eq!(
            update.changes(),
            [
                ("descripcion", PatchValue::Text(None)),
                ("ubicacion", PatchValue::Text(None)),
            ]
        );
    }

    #[test]
    fn a_patch_may_not_null_a_required_field() {
        let errors = patch(json!({"nombre": null, "latitud": null})).unwrap_err();

        assert_eq!(
            problems(&errors),
            [
                ("nombre".into(), "string_type"),
                ("latitud".into(), "float_type")
            ]
        );
    }

    #[test]
    fn a_patch_is_validated_like_a_create() {
        let errors = patch(json!({"nombre": "  ", "longitud": 500, "extra": 1})).unwrap_err();

        assert_eq!(
            problems(&errors),
            [
                ("nombre".into(), "string_blank"),
                ("longitud".into(), "less_than_equal"),
                ("extra".into(), "extra_forbidden"),
            ]
        );
    }

    #[test]
    fn an_id_must_be_an_integer() {
        let error = SegmentoId::parse("abc").unwrap_err();

        assert_eq!(
            error,
            FieldError::path("id_segmento", ErrorKind::IntParsing)
        );
        assert_eq!(SegmentoId::parse("42").unwrap().get(), 42);
    }

    #[test]
    fn an_id_beyond_javascript_precision_is_rejected() {
        assert!(SegmentoId::parse("9007199254740991").is_ok());
        assert_eq!(
            SegmentoId::parse("9007199254740992")
                .unwrap_err()
                .kind()
                .code(),
            "less_than_equal"
        );
    }

    #[test]
    fn a_segment_serializes_with_the_v1_field_names() {
        let segment = Segmento {
            id_segmento: 1,
            nombre: "a".into(),
            descripcion: None,
            longitud: 1.5,
            latitud: -2.0,
            ubicacion: Some("b".into()),
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-01-01T00:00:00.000Z".into(),
            version: 3,
        };

        let value = serde_json::to_value(&segment).unwrap();

        assert_eq!(
            value,
            json!({
                "id_segmento": 1, "nombre": "a", "descripcion": null, "longitud": 1.5,
                "latitud": -2.0, "ubicacion": "b",
                "created_at": "2026-01-01T00:00:00.000Z",
                "updated_at": "2026-01-01T00:00:00.000Z", "version": 3
            })
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::arbitrary::{
        body_bytes, check_segment, config, field_problems, loc, number_text, segment_object,
        segment_problems, valid_segment_object, Write, BODY_FIELDS,
    };
    use crate::domain::input::parse_json;
    use proptest::prelude::*;
    use serde_json::{json, Map, Value};

    fn payload(body: &Map<String, Value>) -> SegmentoPayload {
        parse_json(Value::Object(body.clone()).to_string().as_bytes()).expect("an object")
    }

    /// Checks a patch's changes against its body: each field sent, in table order, with
    /// its value; the nullable ones cleared by `null`.
    fn check_patch(patch: &SegmentoPatch, body: &Map<String, Value>) -> Result<(), TestCaseError> {
        let expected: Vec<(&str, PatchValue<'_>)> =
            ["nombre", "descripcion", "longitud", "latitud", "ubicacion"]
                .into_iter()
                .filter_map(|name| {
                    let value = body.get(name)?;
                    Some(match value {
                        Value::Number(number) => (name, PatchValue::Number(number.as_f64()?)),
                        _ => (name, PatchValue::Text(value.as_str())),
                    })
                })
                .collect();
        prop_assert_eq!(patch.changes(), expected);
        if let Some(nombre) = patch.nombre.as_deref() {
            prop_assert!(!nombre.trim().is_empty() && nombre.chars().count() <= 200);
        }
        prop_assert!(patch
            .longitud
            .is_none_or(|x| x.is_finite() && (-180.0..=180.0).contains(&x)));
        prop_assert!(patch
            .latitud
            .is_none_or(|x| x.is_finite() && (-90.0..=90.0).contains(&x)));
        Ok(())
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn a_create_body_is_accepted_only_when_valid_and_every_problem_names_its_field(
            body in segment_object()
        ) {
            let expected = segment_problems(&body, Write::Create);
            match payload(&body).into_new() {
                Ok(segment) => {
                    prop_assert_eq!(expected, vec![]);
                    check_segment(&segment, &body)?;
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for error in &errors {
                        prop_assert_eq!(loc(error).as_array().map(Vec::len), Some(2));
                        prop_assert_eq!(&loc(error)[0], "body");
                    }
                    prop_assert_eq!(field_problems(&errors), expected);
                }
            }
        }

        #[test]
        fn a_patch_or_put_body_is_accepted_only_when_valid_and_every_problem_names_its_field(
            body in segment_object()
        ) {
            let expected = segment_problems(&body, Write::Patch);
            match payload(&body).into_patch() {
                Ok(patch) => {
                    prop_assert_eq!(expected, vec![]);
                    check_patch(&patch, &body)?;
                }
                Err(errors) => {
                    for error in &errors {
                        prop_assert_eq!(&loc(error)[0], "body");
                    }
                    prop_assert_eq!(field_problems(&errors), expected);
                }
            }
        }

        #[test]
        fn a_valid_segment_is_created_with_exactly_its_values(body in valid_segment_object()) {
            let segment = payload(&body).into_new();

            prop_assert!(segment.is_ok(), "{:?}", segment);
            check_segment(&segment.unwrap(), &body)?;
        }

        #[test]
        fn an_arbitrary_body_never_panics_and_is_refused_in_the_body(body in body_bytes()) {
            let errors = match parse_json::<SegmentoPayload>(&body) {
                Ok(payload) => match payload.into_new() {
                    Ok(segment) => {
                        let value: Value = serde_json::from_slice(&body).expect("JSON");
                        return check_segment(&segment, value.as_object().expect("an object"));
                    }
                    Err(errors) => errors,
                },
                Err(error) => vec![error],
            };
            prop_assert!(!errors.is_empty());
            for error in &errors {
                let loc = loc(error);
                prop_assert_eq!(&loc[0], "body");
                if let Some(field) = loc[1].as_str() {
                    let value: Value = serde_json::from_slice(&body).expect("fields are named in JSON");
                    prop_assert!(
                        BODY_FIELDS.contains(&field) || value.get(field).is_some(),
                        "{field:?} named but not sent"
                    );
                }
            }
        }

        #[test]
        fn a_path_id_is_a_safe_integer_or_refused_on_its_parameter(
            raw in prop_oneof![number_text(), any::<String>()]
        ) {
            let parsed = raw.trim().parse::<i64>().ok();
            match SegmentoId::parse(&raw) {
                Ok(id) => {
                    prop_assert_eq!(Some(id.get()), parsed);
                    prop_assert!(id.get().unsigned_abs() <= MAX_SAFE_INTEGER as u64);
                }
                Err(error) => {
                    prop_assert!(parsed.is_none_or(|n| n.unsigned_abs() > MAX_SAFE_INTEGER as u64), "{raw:?}");
                    prop_assert_eq!(loc(&error), json!(["path", "id_segmento"]));
                }
            }
        }

        #[test]
        fn a_safe_integer_id_round_trips_through_the_path(
            id in -MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER
        ) {
            prop_assert_eq!(SegmentoId::parse(&id.to_string()).map(SegmentoId::get), Ok(id));
        }
    }
}
