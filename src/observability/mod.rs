//! What the worker tells about itself: health checks, this isolate's metrics, Analytics
//! Engine data points and structured log lines.

pub mod health;
pub mod health_report;
pub mod log;
pub mod metrics;
pub mod telemetry;
