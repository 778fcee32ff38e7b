-- Migration number: 0009
-- Text search that scales (issue 26): `q` finds its matches in an index, not by reading
-- the table.
--
-- 1. The index: FTS5 with the trigram tokenizer, which matches any substring of three
--    characters or more, folding case (Unicode, not only ASCII) and diacritics:
--    "senalizacion" finds "Señalización", "CÓRDOBA" finds "Córdoba". Contentless
--    (content=''): the text stays in segmentos only, and a segment's entry is found by its
--    rowid, which is its id. Its columns are named apart from segmentos' so that a join of
--    the two needs no qualification.
CREATE VIRTUAL TABLE segment_text USING fts5(
    en_nombre, en_descripcion, en_ubicacion,
    content = '', contentless_delete = 1,
    tokenize = 'trigram remove_diacritics 1'
);

-- 2. Which segments the index holds as they are now, by their place in the change
--    sequence (migration 0006: every write gives the segment, or its tombstone, the next
--    number). A virtual table cannot be kept in step by triggers here (remote D1
--    migrations have split trigger bodies at their semicolons), so every write of this
--    version folds the writes after `through_seq` into the index in its own batch
--    (src/segments/text.rs), the previous version's during a gradual deploy too. The
--    segments that were there before this migration, up to `started_seq`, are the
--    backfill's (`npm run db:backfill`), in sequence order up to `backfilled_seq`, in
--    statements D1's 30 s can hold. Until both have caught up, a search reads the
--    segments not yet indexed from the table, through segmentos_by_seq.
CREATE TABLE segment_text_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    backfilled_seq INTEGER NOT NULL CHECK (backfilled_seq >= 0),
    started_seq    INTEGER NOT NULL CHECK (started_seq >= backfilled_seq),
    through_seq    INTEGER NOT NULL CHECK (through_seq >= started_seq)
) STRICT;

INSERT INTO segment_text_state (id, backfilled_seq, started_seq, through_seq)
SELECT 1, 0, s, s FROM (SELECT max(
    coalesce((SELECT max(seq) FROM segmentos), 0),
    coalesce((SELECT max(seq) FROM segment_tombstones), 0),
    (SELECT horizon FROM change_feed)) AS s);
