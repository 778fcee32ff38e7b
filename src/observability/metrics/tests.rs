use super::*;

fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|line| line.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix}:\n{text}"))
}

#[test]
fn requests_are_counted_by_route_method_and_status() {
    let mut metrics = Metrics::default();
    metrics.record_request("segmentos", "GET", 200, 3.0);
    metrics.record_request("segmentos", "GET", 200, 4.0);
    metrics.record_request("segmentos", "POST", 422, 1.0);

    let text = metrics.render("iso-1", 12.5);

    assert_eq!(
        line(&text, "recway_requests_total{isolate=\"iso-1\",route=\"segmentos\",method=\"GET\""),
        "recway_requests_total{isolate=\"iso-1\",route=\"segmentos\",method=\"GET\",status=\"200\"} 2"
    );
    assert!(text.contains("method=\"POST\",status=\"422\"} 1"));
    assert!(text.contains("recway_isolate_uptime_seconds{isolate=\"iso-1\"} 12.5"));
}

#[test]
fn histogram_buckets_are_cumulative_and_end_with_inf() {
    let mut metrics = Metrics::default();
    metrics.record_request("health", "GET", 200, 4.0);
    metrics.record_request("health", "GET", 200, 40.0);
    metrics.record_request("health", "GET", 200, 60_000.0);

    let text = metrics.render("i", 0.0);
    let bucket = |le: &str| {
        line(
            &text,
            &format!(
                "recway_request_duration_seconds_bucket{{isolate=\"i\",route=\"health\",le=\"{le}\"}}"
            ),
        )
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned()
    };

    assert_eq!(bucket("0.005"), "1");
    assert_eq!(bucket("0.05"), "2");
    assert_eq!(bucket("10"), "2");
    assert_eq!(bucket("+Inf"), "3");
    assert!(
        text.contains("recway_request_duration_seconds_count{isolate=\"i\",route=\"health\"} 3")
    );
    assert!(
        text.contains("recway_request_duration_seconds_sum{isolate=\"i\",route=\"health\"} 60.044")
    );
}

fn usage(round_trips: &[f64], rows_read: u64, rows_written: u64) -> Usage {
    Usage {
        round_trips: round_trips.to_vec(),
        rows_read,
        rows_written,
        ..Usage::default()
    }
}

#[test]
fn d1_round_trips_have_their_own_histogram() {
    let mut metrics = Metrics::default();
    metrics.record_d1("segmentos", &usage(&[2.0, f64::NAN], 0, 0));

    let text = metrics.render("i", 0.0);

    assert!(text.contains("recway_d1_query_duration_seconds_bucket{isolate=\"i\",le=\"0.0025\"} 2"));
    assert!(text.contains("recway_d1_query_duration_seconds_count{isolate=\"i\"} 2"));
}

#[test]
fn rows_read_and_written_are_counted_by_route() {
    let mut metrics = Metrics::default();
    metrics.record_d1("segmentos", &usage(&[1.0], 101, 0));
    metrics.record_d1("segmentos", &usage(&[1.0, 1.0], 3, 12));
    metrics.record_d1("segmento", &usage(&[1.0], 1, 0));

    let text = metrics.render("i", 0.0);

    for line in [
        "recway_d1_rows_read_total{isolate=\"i\",route=\"segmentos\"} 104",
        "recway_d1_rows_written_total{isolate=\"i\",route=\"segmentos\"} 12",
        "recway_d1_rows_read_total{isolate=\"i\",route=\"segmento\"} 1",
        "recway_d1_rows_written_total{isolate=\"i\",route=\"segmento\"} 0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
}

#[test]
fn a_route_that_never_reaches_d1_has_no_row_series() {
    let mut metrics = Metrics::default();
    metrics.record_d1("health", &Usage::default());

    assert!(!metrics.render("i", 0.0).contains("route=\"health\""));
}

#[test]
fn every_family_is_typed_and_described() {
    let text = Metrics::default().render("i", 0.0);
    for family in [
        "recway_requests_total counter",
        "recway_request_duration_seconds histogram",
        "recway_d1_query_duration_seconds histogram",
        "recway_d1_rows_read_total counter",
        "recway_d1_rows_written_total counter",
        "recway_isolate_uptime_seconds gauge",
    ] {
        assert!(text.contains(&format!("# TYPE {family}")), "{family}");
    }
    assert_eq!(text.matches("# HELP").count(), 6);
    assert_eq!(text.matches("(per-isolate)").count(), 6);
}

#[test]
fn server_timing_sums_the_d1_round_trips_and_their_rows_and_gives_the_total() {
    assert_eq!(
        server_timing(&usage(&[3.0, 4.5], 102, 9), 9.0),
        "d1;dur=7.5;desc=\"2 D1 round trips, 102 rows read, 9 rows written\", total;dur=9"
    );
    assert_eq!(
        server_timing(&Usage::default(), 1.0),
        "d1;dur=0;desc=\"0 D1 round trips, 0 rows read, 0 rows written\", total;dur=1"
    );
    assert_eq!(
        server_timing(&usage(&[2.0], 1, 0), 2.0),
        "d1;dur=2;desc=\"1 D1 round trip, 1 rows read, 0 rows written\", total;dur=2"
    );
}

#[test]
fn label_values_are_escaped() {
    assert_eq!(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}
