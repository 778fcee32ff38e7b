use super::*;

fn cost(rows_read: u64, rows_written: u64, sql_ms: f64) -> BatchCost {
    BatchCost {
        rows_read,
        rows_written,
        sql_ms,
        ..BatchCost::default()
    }
}

#[test]
fn round_trips_add_up_their_rows_and_times() {
    let mut usage = Usage::default();
    usage.record(3.0, cost(101, 0, 0.5));
    usage.record(1.5, cost(1, 9, 0.25));

    assert_eq!(usage.round_trips, vec![3.0, 1.5]);
    assert_eq!((usage.rows_read, usage.rows_written), (102, 9));
    assert_eq!(usage.sql_ms, 0.75);
    assert_eq!(usage.wait_ms(), 4.5);
}

#[test]
fn a_failed_round_trip_counts_its_time_and_no_rows() {
    let mut usage = Usage::default();
    usage.record(7.0, BatchCost::default());

    assert_eq!((usage.round_trips.len(), usage.rows_read), (1, 0));
}

#[test]
fn the_last_query_that_says_where_it_ran_speaks_for_the_request() {
    let mut usage = Usage::default();
    let at = |region: Option<&str>, primary: Option<bool>| BatchCost {
        served_by_region: region.map(str::to_owned),
        served_by_primary: primary,
        ..BatchCost::default()
    };
    usage.record(1.0, at(Some("WEUR"), Some(false)));
    usage.record(1.0, at(None, None));

    assert_eq!(usage.served_by_region.as_deref(), Some("WEUR"));
    assert_eq!(usage.served_by_primary, Some(false));

    usage.record(1.0, at(Some("ENAM"), Some(true)));
    assert_eq!(usage.served_by_region.as_deref(), Some("ENAM"));
}

#[test]
fn another_sessions_usage_is_absorbed_whole() {
    let mut first = Usage::default();
    first.record(2.0, cost(1, 0, 0.1));
    let mut second = Usage::default();
    second.record(4.0, cost(100, 2, 0.2));
    second.record(1.0, cost(1, 0, 0.1));

    first.absorb(second);

    assert_eq!(first.round_trips, vec![2.0, 4.0, 1.0]);
    assert_eq!((first.rows_read, first.rows_written), (102, 2));
}
