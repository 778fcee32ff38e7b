use super::*;

#[test]
fn one_fold_takes_in_as_many_writes_as_the_largest_bulk_import() {
    let [segments, tombstones, advance] = fold();

    for statement in [segments, tombstones, advance] {
        let limit = format!("LIMIT {}", crate::segments::bulk::MAX_ITEMS);
        assert!(statement.text.contains(&limit), "{}", statement.text);
    }
}

#[test]
fn a_text_is_one_phrase_with_its_quotes_doubled() {
    assert_eq!(phrase("Ruta 9"), "\"Ruta 9\"");
    assert_eq!(phrase("la \"20\" OR x*"), "\"la \"\"20\"\" OR x*\"");
}

#[test]
fn only_a_text_with_a_trigram_is_searched_through_the_index() {
    assert!(!indexed("ñá"));
    assert!(indexed("ñán"));
}
