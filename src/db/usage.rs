//! What a request's D1 queries cost: D1's own `meta` (rows read and written, SQL time,
//! where they ran), summed over every round trip. D1 bills by rows read and written, so
//! these are what a request costs; `Server-Timing`, the request log, `/metrics` and the
//! Analytics Engine data point all report them.

/// One round trip's cost, as `d1.js` sums it over the results of a batch.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BatchCost {
    pub rows_read: u64,
    pub rows_written: u64,
    /// SQLite's time on the statements, in milliseconds.
    pub sql_ms: f64,
    pub served_by_region: Option<String>,
    pub served_by_primary: Option<bool>,
}

/// Every D1 round trip of one request, and what they cost together.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Usage {
    /// How long the worker waited for each round trip, in milliseconds (D1's latency
    /// histogram).
    pub round_trips: Vec<f64>,
    pub rows_read: u64,
    pub rows_written: u64,
    /// SQLite's time on the request's statements, in milliseconds, as D1 reports it.
    pub sql_ms: f64,
    /// Where the last query ran, when D1 says (not locally).
    pub served_by_region: Option<String>,
    pub served_by_primary: Option<bool>,
}

impl Usage {
    /// A round trip that took `wall_ms` and cost `cost` (nothing, when it failed).
    pub fn record(&mut self, wall_ms: f64, cost: BatchCost) {
        self.round_trips.push(wall_ms);
        self.add(cost);
    }

    /// Adds another session's round trips (a request's key lookup and its handler, or the
    /// health check's own query).
    pub fn absorb(&mut self, other: Usage) {
        self.round_trips.extend(other.round_trips);
        self.add(BatchCost {
            rows_read: other.rows_read,
            rows_written: other.rows_written,
            sql_ms: other.sql_ms,
            served_by_region: other.served_by_region,
            served_by_primary: other.served_by_primary,
        });
    }

    fn add(&mut self, cost: BatchCost) {
        self.rows_read += cost.rows_read;
        self.rows_written += cost.rows_written;
        self.sql_ms += cost.sql_ms;
        // The last query that says where it ran speaks for the request.
        if cost.served_by_region.is_some() {
            self.served_by_region = cost.served_by_region;
        }
        if cost.served_by_primary.is_some() {
            self.served_by_primary = cost.served_by_primary;
        }
    }

    /// The time spent waiting on D1, in milliseconds.
    pub fn wait_ms(&self) -> f64 {
        // Not `sum()`: an empty float sum is -0.0, which prints as "-0".
        self.round_trips.iter().fold(0.0, |sum, ms| sum + ms)
    }
}

#[cfg(test)]
mod tests;
