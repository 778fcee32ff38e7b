//! Types and rules of the RecWay API. Nothing here touches `worker`, so every rule is
//! covered by fast native unit tests.

#[cfg(test)]
pub(crate) mod arbitrary;
pub mod bulk;
pub mod consistency;
pub mod field_error;
pub mod geo;
pub mod geojson;
pub mod health;
pub mod idempotency;
pub mod input;
pub mod listing;
pub mod pagination;
pub mod precondition;
pub mod segmento;

pub use field_error::{ErrorKind, FieldError};
pub use listing::{Format, ListParams, ListQuery, Listed};
pub use segmento::{NewSegmento, Segmento, SegmentoId, SegmentoPatch, SegmentoPayload};
