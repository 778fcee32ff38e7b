//! `GET /api/v1/segmentos`: its parameters, order, keyset cursor, paging, SQL and handler.

pub mod cursor;
pub mod handler;
pub mod instant;
pub mod item;
pub mod page;
pub mod params;
pub mod sort;
pub mod sql;
