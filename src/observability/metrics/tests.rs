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

#[test]
fn d1_round_trips_have_their_own_histogram() {
    let mut metrics = Metrics::default();
    metrics.record_query(2.0);
    metrics.record_query(f64::NAN);

    let text = metrics.render("i", 0.0);

    assert!(text.contains("recway_d1_query_duration_seconds_bucket{isolate=\"i\",le=\"0.0025\"} 2"));
    assert!(text.contains("recway_d1_query_duration_seconds_count{isolate=\"i\"} 2"));
}

#[test]
fn every_family_is_typed_and_described() {
    let text = Metrics::default().render("i", 0.0);
    for family in [
        "recway_requests_total counter",
        "recway_request_duration_seconds histogram",
        "recway_d1_query_duration_seconds histogram",
        "recway_isolate_uptime_seconds gauge",
    ] {
        assert!(text.contains(&format!("# TYPE {family}")), "{family}");
    }
    assert_eq!(text.matches("# HELP").count(), 4);
    assert_eq!(text.matches("(per-isolate)").count(), 4);
}

#[test]
fn server_timing_sums_the_d1_round_trips_and_gives_the_total() {
    assert_eq!(
        server_timing(&[3.0, 4.5], 9.0),
        "d1;dur=7.5;desc=\"2 D1 round trips\", total;dur=9"
    );
    assert_eq!(
        server_timing(&[], 1.0),
        "d1;dur=0;desc=\"0 D1 round trips\", total;dur=1"
    );
    assert_eq!(
        server_timing(&[2.0], 2.0),
        "d1;dur=2;desc=\"1 D1 round trip\", total;dur=2"
    );
}

#[test]
fn label_values_are_escaped() {
    assert_eq!(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}
