//! The text index of `q` (migration 0009): FTS5 trigrams of `nombre`, `descripcion` and
//! `ubicacion`, keyed by the segment's id, and which segments it holds as they are now.
//!
//! The index holds a segment as it is when the segment's place in the change sequence
//! (`seq`) is one the index has taken in: up to `backfilled_seq` (the rows that were there
//! before the migration, taken in by `npm run db:backfill`), or after `started_seq` up to
//! `through_seq` (every write since, folded in by the batch that made it, or by a later
//! one). A write moves a segment's `seq` past `through_seq`, so a changed segment is never
//! read from a stale entry: it is read from the table until a fold takes it in again. A
//! search reads the index for the indexed segments and the table for the rest
//! ([`PENDING`]), through segmentos_by_seq: nothing the index does not know is missed,
//! whoever wrote it.

use crate::db::Statement;

/// Trigrams: a shorter text has none, and is searched in the table (ASCII case folded).
pub const MIN_CHARS: usize = 3;

macro_rules! state {
    ($column:literal) => {
        concat!("(SELECT ", $column, " FROM segment_text_state)")
    };
}

/// The condition that the segment with this `seq` is read from the table, not the index:
/// two ranges of segmentos_by_seq, both empty once the backfill and the folds are done,
/// and the rows with no `seq`, which only a write from outside the API leaves (an
/// `INSERT` through `wrangler d1 execute`).
macro_rules! pending {
    ($seq:literal) => {
        concat!(
            "(",
            $seq,
            " IS NULL OR ",
            $seq,
            " > ",
            state!("backfilled_seq"),
            " AND ",
            $seq,
            " <= ",
            state!("started_seq"),
            " OR ",
            $seq,
            " > ",
            state!("through_seq"),
            ")"
        )
    };
}

/// See [`pending!`].
pub const PENDING: &str = pending!("seq");

/// The ids of the segments [`PENDING`] holds, from the two ranges of segmentos_by_seq
/// (a condition on `seq` alone lets the planner walk the table in a list's order instead).
pub const PENDING_IDS: &str = concat!(
    "id_segmento IN (SELECT id_segmento FROM segmentos WHERE seq > ",
    state!("backfilled_seq"),
    " AND seq <= ",
    state!("started_seq"),
    " UNION ALL SELECT id_segmento FROM segmentos WHERE seq > ",
    state!("through_seq"),
    " UNION ALL SELECT id_segmento FROM segmentos WHERE seq IS NULL)"
);

/// The number up to which this fold takes writes in: the 1,000th write after
/// `through_seq`, in sequence order, or the last. A bulk import's own writes are at most
/// as many (`bulk::MAX_ITEMS`, tested), so every write of this version leaves its own rows
/// indexed, and takes in some of what others left. The same number in every statement of
/// the fold, which changes no `seq`.
macro_rules! fold_through {
    () => {
        concat!(
            "coalesce((SELECT max(seq) FROM (SELECT seq FROM (\
             SELECT seq FROM segmentos WHERE seq > ",
            state!("through_seq"),
            " UNION ALL SELECT seq FROM segment_tombstones WHERE seq > ",
            state!("through_seq"),
            ") ORDER BY seq LIMIT 1000)), ",
            state!("through_seq"),
            ")"
        )
    };
}

const FOLD_SEGMENTS: &str = concat!(
    "INSERT OR REPLACE INTO segment_text (rowid, en_nombre, en_descripcion, en_ubicacion) \
     SELECT id_segmento, nombre, descripcion, ubicacion FROM segmentos WHERE seq > ",
    state!("through_seq"),
    " AND seq <= ",
    fold_through!()
);

const FOLD_TOMBSTONES: &str = concat!(
    "DELETE FROM segment_text WHERE rowid IN (SELECT id_segmento FROM segment_tombstones \
     WHERE seq > ",
    state!("through_seq"),
    " AND seq <= ",
    fold_through!(),
    ")"
);

const FOLD_ADVANCE: &str = concat!(
    "UPDATE segment_text_state SET through_seq = ",
    fold_through!()
);

/// The statements that fold the writes after `through_seq` into the index: the segments
/// as they are now, the deleted ones out, and the mark moved past them. They go in the
/// batch of every write, after it.
pub fn fold<'a>() -> [Statement<'a>; 3] {
    [FOLD_SEGMENTS, FOLD_TOMBSTONES, FOLD_ADVANCE].map(|text| Statement::new(text, Vec::new()))
}

/// `q` as an FTS5 query: one phrase, so that its characters are matched as one substring
/// (quotes doubled, every other character literal).
pub fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Whether `text` is searched through the index: it has at least one trigram.
pub fn indexed(text: &str) -> bool {
    text.chars().count() >= MIN_CHARS
}

#[cfg(test)]
mod tests;
