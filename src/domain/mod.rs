//! Types and rules of the RecWay API. Nothing here touches `worker`, so every rule is
//! covered by fast native unit tests.

pub mod access;
#[cfg(test)]
pub(crate) mod arbitrary;
pub mod bulk;
pub mod consistency;
pub mod cors;
pub mod field_error;
pub mod geo;
pub mod geojson;
pub mod health;
pub mod idempotency;
pub mod input;
pub mod limits;
pub mod listing;
pub mod metrics;
pub mod pagination;
pub mod precondition;
pub mod segmento;

pub use field_error::{ErrorKind, FieldError};
pub use listing::{Format, ListParams, ListQuery, Listed};
pub use segmento::{NewSegmento, Segmento, SegmentoId, SegmentoPatch, SegmentoPayload};
