//! How many segments there are, read from one row instead of counted (migration 0007).
//!
//! `segment_count` holds a count that was exact when the highest id was `through_id` and
//! the highest tombstone `through_seq`. Ids only grow and every delete leaves a tombstone,
//! so what changed since is found by two index ranges: the segments above `through_id`,
//! and the tombstones above `through_seq` of segments the count already held. Every
//! insert and delete of this version folds that back into the row in its own batch, so
//! both ranges are empty again after it; writes of a version that does not know the row
//! (a gradual deploy) stay exact too, read one by one until the next fold.

use crate::db::Statement;

/// The number of segments now, as an SQL expression over `segment_count`'s row. Both
/// ranges are primary-key ranges; `+id_segmento` keeps the planner off the tombstones'
/// id index, whose range (every id up to `through_id`) holds every tombstone kept.
macro_rules! total_now {
    () => {
        "counted \
         + (SELECT count(*) FROM segmentos WHERE id_segmento > through_id) \
         - (SELECT count(*) FROM segment_tombstones \
            WHERE seq > through_seq AND +id_segmento <= through_id)"
    };
}

/// The number of segments, as `total`: the row and two index seeks when nothing is
/// pending.
pub const TOTAL: &str = concat!("SELECT ", total_now!(), " AS total FROM segment_count");

/// Folds what changed since the row was last exact into it. Goes in the batch of every
/// write that inserts or deletes segments, after them.
const FOLD: &str = concat!(
    "UPDATE segment_count SET counted = ",
    total_now!(),
    ", through_id = max(through_id, coalesce((SELECT max(id_segmento) FROM segmentos), 0)), \
     through_seq = max(through_seq, coalesce((SELECT max(seq) FROM segment_tombstones), 0))"
);

/// The statement that folds the changes into the count.
pub fn fold<'a>() -> Statement<'a> {
    Statement::new(FOLD, Vec::new())
}

#[cfg(test)]
mod tests;
