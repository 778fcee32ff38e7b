//! `q` in SQL: through the text index (`segments::text`, migration 0009) for the segments
//! it holds, and in the table, with `instr`, for those it does not hold yet and for a text
//! too short to have trigrams.
//!
//! Alone (no box, no circle), a search reads the index's matches in the list's order when
//! that order is the id's (FTS5 walks its rowids either way, and stops when the page is
//! full), and every match otherwise; the segments not yet indexed are a second select,
//! paged alike, and the two pages are merged. With a box or a circle, `q` is one more
//! condition on the rows the spatial plan reads.

use super::{page_of, where_clause, Window};
use crate::db::{Param, Statement};
use crate::segments::fields::COLUMNS;
use crate::segments::text::{self, PENDING, PENDING_IDS};

/// `q`, bound: the text in ASCII lower case for `instr`, and the phrase for FTS5 when the
/// text has trigrams.
pub(super) struct Search {
    needle: String,
    phrase: Option<String>,
}

impl Search {
    pub fn bind<'a>(statement: &mut Statement<'a>, text: &'a str) -> Self {
        Self {
            needle: statement.bind(Param::Text(Some(text))),
            phrase: text::indexed(text)
                .then(|| statement.bind(Param::OwnedText(text::phrase(text)))),
        }
    }

    /// The match in the table: a substring of `nombre`, `descripcion` or `ubicacion`, ASCII
    /// case folded (SQLite's `lower()`). instr, not LIKE: no wildcards to escape, and no
    /// limit on the pattern's length.
    fn in_table(&self) -> String {
        let needle = &self.needle;
        format!(
            "(instr(lower(nombre), {needle}) > 0 OR instr(lower(descripcion), {needle}) > 0 \
             OR instr(lower(ubicacion), {needle}) > 0)"
        )
    }

    /// `q` as a condition on a row of segmentos, for the plans that read rows another way.
    pub fn condition(&self) -> String {
        match &self.phrase {
            Some(phrase) => format!(
                "(id_segmento IN (SELECT rowid FROM segment_text WHERE segment_text MATCH \
                 {phrase}) AND NOT {PENDING} OR {PENDING} AND {})",
                self.in_table()
            ),
            None => self.in_table(),
        }
    }

    /// The index's matches and the table's not yet indexed ones, as two selects of
    /// `columns` (a segment's, without `distance_m`) that meet `conditions`; none when the
    /// text is too short for the index.
    pub fn sources(&self, conditions: &[String]) -> Option<[String; 2]> {
        let phrase = self.phrase.as_ref()?;
        // The id is the index's rowid, so that an order by id is the index's own.
        let columns = COLUMNS.replacen("id_segmento", "segment_text.rowid AS id_segmento", 1);
        let mut indexed = vec![
            format!("segment_text MATCH {phrase}"),
            format!("NOT {PENDING}"),
        ];
        indexed.extend_from_slice(conditions);
        let mut pending = vec![PENDING_IDS.to_owned(), self.in_table()];
        pending.extend_from_slice(conditions);
        Some([
            format!(
                "SELECT {columns} FROM segment_text JOIN segmentos \
                 ON segmentos.id_segmento = segment_text.rowid{}",
                where_clause(&indexed)
            ),
            format!(
                "SELECT {} FROM segmentos{}",
                *COLUMNS,
                where_clause(&pending)
            ),
        ])
    }
}

/// A page of two disjoint sources: each paged to the `need` rows the page could take from
/// it, then the two merged and paged.
pub(super) fn page_of_both(
    sources: &[String; 2],
    outer: &[String],
    order: &str,
    window: &Window,
) -> String {
    let each = Window::first(window.need);
    let [indexed, pending] = sources
        .each_ref()
        .map(|rows| page_of(rows, outer, order, &each, None));
    page_of(
        &format!("SELECT * FROM ({indexed}) UNION ALL SELECT * FROM ({pending})"),
        &[],
        order,
        window,
        None,
    )
}

#[cfg(test)]
mod tests;
