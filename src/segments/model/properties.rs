use super::*;
use crate::segments::oracle::{
    check_changes, check_segment, is_body_field, segment_object, segment_problems,
    valid_segment_object, Write,
};
use crate::testing::arbitrary::{body_bytes, config, field_problems, loc, number_text};
use crate::validation::input::parse_json;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn payload(body: &Map<String, Value>) -> SegmentPayload {
    parse_json(Value::Object(body.clone()).to_string().as_bytes()).expect("an object")
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
                check_changes(&patch.changes(), &body)?;
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
        let errors = match parse_json::<SegmentPayload>(&body) {
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
                    is_body_field(field) || value.get(field).is_some(),
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
        match SegmentId::parse(&raw) {
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
        prop_assert_eq!(SegmentId::parse(&id.to_string()).map(SegmentId::get), Ok(id));
    }
}
