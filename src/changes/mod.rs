//! The changes feed (`GET /api/v1/segmentos/changes`): what a client that keeps its own
//! copy of the segments needs to bring it up to date, from a token of where it was.
//!
//! Every write numbers what it wrote in one sequence, in the statement that writes, and a
//! delete leaves a tombstone (`segments::store`); the feed lists, after a token's
//! position, each segment at its latest state and each tombstone, in sequence order
//! (`feed`). Tokens are signed (`token`); the cron job purges tombstones past their
//! retention and moves the feed's horizon past them (`purge`), and a token below the
//! horizon gets `410 Gone`.

pub mod feed;
pub mod handler;
pub mod purge;
pub mod token;

/// The feed's path: its start, without `since`.
pub const CHANGES_PATH: &str = "/api/v1/segmentos/changes";

#[cfg(test)]
mod tests;
