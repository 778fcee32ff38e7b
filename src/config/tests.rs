use super::*;

#[test]
fn a_retention_is_a_whole_number_of_days_of_at_least_one() {
    assert_eq!(parse_retention_days("90"), Ok(90));
    assert_eq!(parse_retention_days(" 1 "), Ok(1));
    for wrong in ["0", "-3", "1.5", "ninety", ""] {
        assert!(
            parse_retention_days(wrong)
                .unwrap_err()
                .contains("CHANGES_RETENTION_DAYS"),
            "{wrong}"
        );
    }
}
