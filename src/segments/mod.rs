//! Road segments, the API's one resource: the model and its rules, bulk and GeoJSON
//! imports and exports, the list and its query, the handlers and the SQL.

pub mod bulk;
pub mod count;
pub mod create;
pub mod fields;
pub mod geo;
pub mod geojson;
pub mod handlers;
pub mod list;
pub mod model;
#[cfg(test)]
pub mod oracle;
pub mod store;
pub mod text;
