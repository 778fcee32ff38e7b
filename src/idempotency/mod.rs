//! Idempotent retries of `POST` (Stripe's idempotency keys, the IETF `Idempotency-Key`
//! draft): the key and its rules, their storage, the flow a create runs through, and the
//! purge job.

mod flow;
pub mod key;
pub mod purge;
pub mod store;

pub use flow::{create_once, Creation};
