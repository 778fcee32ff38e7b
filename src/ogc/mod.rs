//! OGC API - Features over the segments, for GIS clients: GDAL's OAPIF driver, QGIS,
//! OWSLib. Part 1 (Core, with the GeoJSON and OpenAPI 3.0 conformance classes) reads: the
//! segments are the one collection, `segmentos`; its items are the v1 list's rows, read
//! with the list's filters, order, keyset cursors and SQL (`query` turns the standard's
//! parameters into the list's query). Part 4 (`edit`) writes them with the v1 API's
//! rules and SQL.

pub mod datetime;
pub mod edit;
pub mod handlers;
pub mod query;
pub mod resources;

#[cfg(test)]
pub mod openapi;

/// The collection's id, in every path under `/collections`.
pub const COLLECTION_ID: &str = "segmentos";

/// The collection's items: the route table's path, and what an idempotent create's key
/// is bound to.
pub const ITEMS_PATH: &str = "/collections/segmentos/items";

/// The media type of the OpenAPI 3.0 document (the `service-desc` link's `type`).
pub const OPENAPI_MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.0";

/// Where the OpenAPI 3.0 document is served: a static asset, with its media type set in
/// `public/_headers`.
pub const OPENAPI_PATH: &str = "/ogc/openapi.json";

/// Where the document is rendered for people (`service-doc`): a static page.
pub const DOCS_PATH: &str = "/ogc/docs";

/// The scheme and authority of `url` (`https://example.com`): every link the resources
/// carry is absolute, as GDAL 3.6 joins a relative one onto the whole base URL.
pub fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    url[after_scheme..]
        .find('/')
        .map_or(url, |at| &url[..after_scheme + at])
}

#[cfg(test)]
mod tests;
