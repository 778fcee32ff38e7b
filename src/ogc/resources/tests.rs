use serde_json::{json, to_value, Value};

use super::*;
use crate::segments::geojson::{Feature, FeatureCollection};
use crate::segments::list::item::ListItem;

const ORIGIN: &str = "https://api.example.com";

/// `rel` → `[href, type]` of each link.
fn links(resource: &Value) -> Vec<(String, [String; 2])> {
    resource["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| {
            let text = |key: &str| link[key].as_str().unwrap().to_owned();
            (text("rel"), [text("href"), text("type")])
        })
        .collect()
}

fn link(rel: &str, href: &str, media_type: &str) -> (String, [String; 2]) {
    (rel.to_owned(), [href.to_owned(), media_type.to_owned()])
}

fn bounds() -> Bounds {
    Bounds {
        west: Some(-64.5),
        south: Some(-31.5),
        east: Some(-64.1),
        north: Some(-31.2),
        first_update: Some("2026-11-01T10:00:00.000Z".into()),
        last_update: Some("2026-11-20T10:00:00.000Z".into()),
    }
}

#[test]
fn the_landing_page_links_every_resource_absolutely_each_with_its_media_type() {
    let page = to_value(LandingPage::new(ORIGIN)).unwrap();

    assert_eq!(
        links(&page),
        [
            link("self", "https://api.example.com/", "application/json"),
            link(
                "service-desc",
                "https://api.example.com/ogc/openapi.json",
                "application/vnd.oai.openapi+json;version=3.0"
            ),
            link(
                "service-doc",
                "https://api.example.com/ogc/docs",
                "text/html"
            ),
            link(
                "conformance",
                "https://api.example.com/conformance",
                "application/json"
            ),
            link(
                "data",
                "https://api.example.com/collections",
                "application/json"
            ),
        ]
    );
    assert!(page["title"].is_string());
}

#[test]
fn the_conformance_declaration_lists_part_1_s_three_classes_and_part_4_s_three_and_nothing_else() {
    assert_eq!(
        to_value(Conformance::default()).unwrap(),
        json!({"conformsTo": [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
            "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
            "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
        ]})
    );
}

#[test]
fn the_collection_is_the_same_alone_and_in_the_list_of_collections() {
    let alone = to_value(Collection::new(ORIGIN, &bounds())).unwrap();
    let list = to_value(Collections::new(ORIGIN, &bounds())).unwrap();

    assert_eq!(list["collections"], json!([alone]));
    assert_eq!(
        links(&list),
        [link(
            "self",
            "https://api.example.com/collections",
            "application/json"
        )]
    );
}

#[test]
fn the_collection_says_its_item_type_and_links_its_items_as_geojson() {
    let collection = to_value(Collection::new(ORIGIN, &bounds())).unwrap();

    assert_eq!(collection["id"], "segmentos");
    assert_eq!(collection["itemType"], "feature");
    assert_eq!(
        links(&collection),
        [
            link(
                "items",
                "https://api.example.com/collections/segmentos/items",
                "application/geo+json"
            ),
            link(
                "self",
                "https://api.example.com/collections/segmentos",
                "application/json"
            ),
            link(
                "alternate",
                "https://api.example.com/api/v1/segmentos",
                "application/json"
            ),
        ]
    );
}

#[test]
fn the_extent_holds_every_position_and_every_update() {
    let collection = to_value(Collection::new(ORIGIN, &bounds())).unwrap();

    assert_eq!(
        collection["extent"],
        json!({
            "spatial": {"bbox": [[-64.5, -31.5, -64.1, -31.2]], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
            "temporal": {
                "interval": [["2026-11-01T10:00:00.000Z", "2026-11-20T10:00:00.000Z"]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            },
        })
    );
}

#[test]
fn a_collection_without_segments_has_no_extent() {
    let collection = to_value(Collection::new(ORIGIN, &Bounds::default())).unwrap();

    assert!(collection.get("extent").is_none());
}

#[test]
fn an_item_links_itself_its_v1_segment_and_its_collection() {
    let row = ListItem::sample(42, "Ruta 9", None);
    let item = to_value(Feature::new(&row).linked(item_links(ORIGIN, 42))).unwrap();

    assert_eq!(
        links(&item),
        [
            link(
                "self",
                "https://api.example.com/collections/segmentos/items/42",
                "application/geo+json"
            ),
            link(
                "alternate",
                "https://api.example.com/api/v1/segmentos/42",
                "application/json"
            ),
            link(
                "collection",
                "https://api.example.com/collections/segmentos",
                "application/json"
            ),
        ]
    );
}

#[test]
fn a_v1_feature_and_page_carry_neither_links_nor_a_time_stamp() {
    let row = ListItem::sample(42, "Ruta 9", None);
    let rows = [row.clone()];

    let feature = to_value(Feature::new(&row)).unwrap();
    let page = to_value(FeatureCollection::new(
        &rows,
        Some(1),
        "https://x/".into(),
        None,
    ))
    .unwrap();
    let stamped = to_value(
        FeatureCollection::new(&rows, Some(1), "https://x/".into(), None).stamped("t".into()),
    )
    .unwrap();

    assert!(feature.get("links").is_none());
    assert!(page.get("timeStamp").is_none());
    assert_eq!(stamped["timeStamp"], "t");
}

fn bounds_of(db: &rusqlite::Connection) -> Bounds {
    let rows =
        crate::testing::sqlite::rows_json(db, &crate::db::Statement::new(BOUNDS_SQL, Vec::new()));
    crate::db::rows_of::<Bounds>(&rows).unwrap().remove(0)
}

#[test]
fn the_bounds_are_the_lowest_and_highest_of_each_column_or_none_without_segments() {
    let db = crate::testing::sqlite::database();
    assert_eq!(bounds_of(&db), Bounds::default());

    for (lon, lat, updated_at) in [
        (-64.1, -31.4, "2026-02-01T00:00:00.000Z"),
        (-58.4, -34.6, "2025-01-01T00:00:00.000Z"),
        (-68.8, -32.9, "2026-11-30T00:00:00.000Z"),
    ] {
        db.execute(
            "INSERT INTO segmentos (nombre, longitud, latitud, updated_at) VALUES ('r', ?1, ?2, ?3)",
            (lon, lat, updated_at),
        )
        .unwrap();
    }

    assert_eq!(
        bounds_of(&db),
        Bounds {
            west: Some(-68.8),
            south: Some(-34.6),
            east: Some(-58.4),
            north: Some(-31.4),
            first_update: Some("2025-01-01T00:00:00.000Z".into()),
            last_update: Some("2026-11-30T00:00:00.000Z".into()),
        }
    );
}

#[test]
fn the_bounds_are_six_index_lookups_and_never_a_scan_of_the_table() {
    let db = crate::testing::sqlite::database();
    let steps =
        crate::testing::sqlite::plan(&db, &crate::db::Statement::new(BOUNDS_SQL, Vec::new()));

    let lookups: Vec<_> = steps
        .iter()
        .filter(|step| step.starts_with("SEARCH segmentos USING COVERING INDEX"))
        .collect();
    assert_eq!(lookups.len(), 6, "{steps:?}");
    assert!(
        !steps.iter().any(|step| step.starts_with("SCAN segmentos")),
        "{steps:?}"
    );
}
