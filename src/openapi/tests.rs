use serde_json::{json, Value};

use super::*;
use crate::router::Api;
use crate::segments::fields::{Place, FIELDS};

#[test]
fn the_published_document_is_what_the_code_generates() {
    crate::testing::assert_published(PUBLISHED, &document());
}

#[test]
fn the_document_is_openapi_3_1_and_documents_every_route_of_the_table_with_its_methods() {
    let document: serde_json::Value = serde_json::from_str(&document()).unwrap();

    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    let routes: Vec<_> = ROUTES.iter().filter(|route| route.api == Api::V1).collect();
    assert_eq!(paths.len(), routes.len());
    for route in routes {
        let item = paths[route.path].as_object().unwrap();
        let mut documented: Vec<String> = item.keys().map(|m| m.to_ascii_uppercase()).collect();
        // HEAD is GET without its body; OPTIONS (CORS) is answered on every path.
        let mut allowed: Vec<&str> = route.allow.split(", ").filter(|m| *m != "HEAD").collect();
        documented.sort_unstable();
        allowed.sort_unstable();
        assert_eq!(documented, allowed, "{}", route.path);
    }
}

/// `schema` as OpenAPI 3.0 says it: a nullable type with `nullable`, not a type list.
fn as_3_0(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some([kind, null]) = schema["type"].as_array().map(Vec::as_slice) {
        assert_eq!(null, "null", "{schema}");
        let kind = kind.clone();
        schema["type"] = kind;
        schema["nullable"] = json!(true);
    }
    schema
}

#[test]
fn both_documents_state_every_field_s_constraints_identically() {
    let v1: Value = serde_json::from_str(&document()).unwrap();
    let ogc: Value = serde_json::from_str(&crate::ogc::openapi::document()).unwrap();
    let (v1, ogc) = (&v1["components"]["schemas"], &ogc["components"]["schemas"]);
    // What each document calls a stored segment, a create's and an update's properties.
    let pairs = [
        (&v1["Segmento"], &ogc["Feature"]["properties"]["properties"]),
        (
            &v1["SegmentoCreate"],
            &ogc["FeatureInput"]["properties"]["properties"],
        ),
        (
            &v1["SegmentoUpdate"],
            &ogc["FeaturePatch"]["properties"]["properties"],
        ),
    ];

    for field in FIELDS {
        for (v1, ogc) in pairs {
            let in_ogc = &ogc["properties"][field.name];
            // A feature carries its position in `geometry`, and a write's body ignores
            // the server's fields.
            if in_ogc.is_null() && (field.place != Place::Property || !field.is_client()) {
                continue;
            }
            assert_eq!(
                as_3_0(&v1["properties"][field.name]),
                *in_ogc,
                "{}",
                field.name
            );
        }
    }
    for (v1, ogc) in pairs {
        assert_eq!(required_of(v1, ogc), required_of(ogc, ogc), "{v1}");
    }
}

#[test]
fn both_documents_describe_the_parameters_they_share_identically() {
    let v1: Value = serde_json::from_str(&document()).unwrap();
    let ogc: Value = serde_json::from_str(&crate::ogc::openapi::document()).unwrap();
    // Every parameter of the v1 list and of the OGC items, by its name in lower case.
    let of = |parameters: &Value| -> std::collections::BTreeMap<String, Value> {
        let parameters = parameters.as_array().cloned().unwrap_or_default();
        parameters
            .into_iter()
            .map(|parameter| {
                let parameter = match parameter["$ref"].as_str() {
                    Some(reference) => {
                        let name = reference.rsplit('/').next().unwrap();
                        ogc["components"]["parameters"][name].clone()
                    }
                    None => parameter,
                };
                let name = parameter["name"].as_str().unwrap().to_ascii_lowercase();
                (name, parameter)
            })
            .collect()
    };
    let list = of(&v1["paths"]["/api/v1/segmentos"]["get"]["parameters"]);
    let items = of(&ogc["paths"]["/collections/segmentos/items"]["get"]["parameters"]);

    // The ones that mean the same in both; `limit` and `bbox` differ on purpose (OGC
    // clamps its limit, and takes heights in a box).
    for name in ["cursor", "prefer", "ubicacion"] {
        let (v1, ogc) = (&list[name], &items[name]);
        assert_eq!(v1["description"], ogc["description"], "{name}");
        assert_eq!(as_3_0(&v1["schema"]), ogc["schema"], "{name}");
    }
}

/// The properties `schema` requires of those `like` has.
fn required_of(schema: &Value, like: &Value) -> Vec<String> {
    let names = schema["required"].as_array().cloned().unwrap_or_default();
    names
        .iter()
        .filter_map(Value::as_str)
        .filter(|name| !like["properties"][name].is_null())
        .map(str::to_owned)
        .collect()
}
