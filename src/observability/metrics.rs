//! Request and D1 metrics of one isolate, in the Prometheus text format (version 0.0.4).
//!
//! Workers run many isolates, in many places, and any of them may be evicted at any time:
//! these figures are one isolate's since it started, labelled with its id. Global figures
//! come from the Analytics Engine data points (see `observability::telemetry`).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::db::usage::Usage;

/// Upper bounds of the request-duration buckets, in seconds.
const REQUEST_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Upper bounds of the D1 round-trip buckets, in seconds.
const QUERY_BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// A cumulative histogram over fixed bucket bounds.
#[derive(Debug, Clone, PartialEq)]
struct Histogram {
    bounds: &'static [f64],
    /// Observations at or below each bound (not cumulative; summed when rendered).
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            counts: vec![0; bounds.len()],
            sum: 0.0,
            count: 0,
        }
    }

    fn observe(&mut self, seconds: f64) {
        let seconds = if seconds.is_finite() {
            seconds.max(0.0)
        } else {
            0.0
        };
        if let Some(bucket) = self.bounds.iter().position(|&bound| seconds <= bound) {
            self.counts[bucket] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let separator = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            cumulative += count;
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{separator}le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{separator}le=\"+Inf\"}} {}",
            self.count
        );
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

/// One isolate's counters. Every label value is one of a fixed set (routes, methods,
/// statuses), so the number of series stays bounded whatever clients send.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    requests: BTreeMap<(&'static str, &'static str, u16), u64>,
    request_seconds: BTreeMap<&'static str, Histogram>,
    d1_seconds: Histogram,
    /// D1 rows read and written, by route: what the route costs, as D1 bills it.
    d1_rows: BTreeMap<&'static str, RowCounts>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct RowCounts {
    read: u64,
    written: u64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: BTreeMap::new(),
            request_seconds: BTreeMap::new(),
            d1_seconds: Histogram::new(&QUERY_BUCKETS),
            d1_rows: BTreeMap::new(),
        }
    }
}

impl Metrics {
    /// A served request: its route name, method, status and duration in milliseconds.
    pub fn record_request(
        &mut self,
        route: &'static str,
        method: &'static str,
        status: u16,
        duration_ms: f64,
    ) {
        *self.requests.entry((route, method, status)).or_default() += 1;
        self.request_seconds
            .entry(route)
            .or_insert_with(|| Histogram::new(&REQUEST_BUCKETS))
            .observe(duration_ms / 1000.0);
    }

    /// A request's D1 round trips (each a query or a batch) and the rows they read and
    /// wrote. A route whose requests never reach D1 gets no row series.
    pub fn record_d1(&mut self, route: &'static str, usage: &Usage) {
        for &duration_ms in &usage.round_trips {
            self.d1_seconds.observe(duration_ms / 1000.0);
        }
        if !usage.round_trips.is_empty() {
            let rows = self.d1_rows.entry(route).or_default();
            rows.read += usage.rows_read;
            rows.written += usage.rows_written;
        }
    }

    /// The exposition text. `isolate` labels every series, so that scrapes of different
    /// isolates are never mistaken for one counter going backwards.
    pub fn render(&self, isolate: &str, uptime_seconds: f64) -> String {
        let isolate = format!("isolate=\"{}\"", escape_label(isolate));
        let mut out = String::new();

        out.push_str(
            "# HELP recway_requests_total Requests served by this isolate (per-isolate).\n\
             # TYPE recway_requests_total counter\n",
        );
        for ((route, method, status), count) in &self.requests {
            let _ = writeln!(
                out,
                "recway_requests_total{{{isolate},route=\"{route}\",method=\"{method}\",\
                 status=\"{status}\"}} {count}"
            );
        }

        out.push_str(
            "# HELP recway_request_duration_seconds Time from request to response in this \
             isolate (per-isolate).\n\
             # TYPE recway_request_duration_seconds histogram\n",
        );
        for (route, histogram) in &self.request_seconds {
            let labels = format!("{isolate},route=\"{route}\"");
            histogram.render(&mut out, "recway_request_duration_seconds", &labels);
        }

        out.push_str(
            "# HELP recway_d1_query_duration_seconds D1 round trips (one query or batch) from \
             this isolate (per-isolate).\n\
             # TYPE recway_d1_query_duration_seconds histogram\n",
        );
        self.d1_seconds
            .render(&mut out, "recway_d1_query_duration_seconds", &isolate);

        for written in [false, true] {
            let verb = if written { "written" } else { "read" };
            let _ = writeln!(
                out,
                "# HELP recway_d1_rows_{verb}_total D1 rows {verb} by the requests of each \
                 route, as D1 bills them (per-isolate).\n\
                 # TYPE recway_d1_rows_{verb}_total counter"
            );
            for (route, rows) in &self.d1_rows {
                let count = if written { rows.written } else { rows.read };
                let _ = writeln!(
                    out,
                    "recway_d1_rows_{verb}_total{{{isolate},route=\"{route}\"}} {count}"
                );
            }
        }

        out.push_str(
            "# HELP recway_isolate_uptime_seconds Time since this isolate served its first \
             request (per-isolate).\n\
             # TYPE recway_isolate_uptime_seconds gauge\n",
        );
        let _ = writeln!(
            out,
            "recway_isolate_uptime_seconds{{{isolate}}} {uptime_seconds}"
        );
        out
    }
}

/// The `Server-Timing` value of a request: its D1 time (all round trips), their count
/// and the rows they read and wrote, then its total time in the worker, in milliseconds.
/// Monitors and the benchmarks parse the `desc` text: its shape is part of the contract.
pub fn server_timing(d1: &Usage, total_ms: f64) -> String {
    let count = d1.round_trips.len();
    format!(
        "d1;dur={};desc=\"{count} D1 round trip{}, {} rows read, {} rows written\", \
         total;dur={total_ms}",
        d1.wait_ms(),
        if count == 1 { "" } else { "s" },
        d1.rows_read,
        d1.rows_written,
    )
}

/// A label value with `\`, `"` and newlines escaped, as the text format requires.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests;
