//! What an operator scrapes from `GET /metrics`, in the Prometheus text format.
//!
//! Every relay has a recorder of its own instead of the process-wide one the `metrics` macros use
//! by default: tests and the sandbox run several relays in one process, and each must report only
//! its own traffic. Metric names and labels are fixed strings; nothing here names a person.

use std::time::Duration;

use metrics::{counter, gauge, histogram, with_local_recorder};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

use crate::error_code::ErrorCode;
use crate::net::caps::Refusal;

pub const OPEN_CONNECTIONS: &str = "isthmus_open_connections";
pub const REFUSED_CONNECTIONS: &str = "isthmus_refused_connections_total";
pub const DELIVERIES: &str = "isthmus_deliveries_total";
pub const REFUSALS: &str = "isthmus_refusals_total";
pub const QUEUE_DEPTH: &str = "isthmus_queue_depth";
pub const STORE_FLUSH_SECONDS: &str = "isthmus_store_flush_seconds";
pub const FEDERATION_REQUESTS: &str = "isthmus_federation_requests_total";
pub const MEDIA_BYTES: &str = "isthmus_media_bytes_total";
pub const HTTP_REQUESTS: &str = "isthmus_http_requests_total";
pub const HTTP_REQUEST_SECONDS: &str = "isthmus_http_request_seconds";

/// Bucket bounds for every `_seconds` histogram: from an fsync on a fast disk to a stalled peer.
const SECONDS_BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Where a delivery came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A `Send` frame from one of this relay's clients.
    Client,
    /// A batch from a peered relay.
    Federation,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Client => "client",
            Source::Federation => "federation",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

pub struct RelayMetrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Default for RelayMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl RelayMetrics {
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        let metrics = Self { recorder, handle };
        metrics.describe();
        metrics
    }

    fn record<T>(&self, f: impl FnOnce() -> T) -> T {
        with_local_recorder(&self.recorder, f)
    }

    fn describe(&self) {
        self.record(|| {
            metrics::describe_gauge!(OPEN_CONNECTIONS, "TCP connections open now, upgraded WebSockets included");
            metrics::describe_counter!(REFUSED_CONNECTIONS, "connections turned away by a cap, by cap");
            metrics::describe_counter!(DELIVERIES, "envelopes offered for delivery, by source and outcome");
            metrics::describe_counter!(REFUSALS, "error answers to clients and peers, by code");
            metrics::describe_gauge!(QUEUE_DEPTH, "envelopes waiting in device queues, read at scrape time");
            metrics::describe_histogram!(
                STORE_FLUSH_SECONDS,
                metrics::Unit::Seconds,
                "time for queued envelopes to become durable"
            );
            metrics::describe_counter!(
                FEDERATION_REQUESTS,
                "requests between peered relays, by direction, route and outcome"
            );
            metrics::describe_counter!(MEDIA_BYTES, "media bytes uploaded (in) and served (out)");
            metrics::describe_counter!(HTTP_REQUESTS, "HTTP requests, by route template and status");
            metrics::describe_histogram!(
                HTTP_REQUEST_SECONDS,
                metrics::Unit::Seconds,
                "time to answer, by route template"
            );
        });
    }

    pub fn connection_opened(&self) {
        self.record(|| gauge!(OPEN_CONNECTIONS).increment(1.0));
    }

    pub fn connection_closed(&self) {
        self.record(|| gauge!(OPEN_CONNECTIONS).decrement(1.0));
    }

    pub fn connection_refused(&self, refusal: Refusal) {
        self.record(|| counter!(REFUSED_CONNECTIONS, "cap" => refusal.as_str()).increment(1));
    }

    /// One envelope's fate: queued, or refused with a code.
    pub fn delivery(&self, source: Source, outcome: Result<(), ErrorCode>) {
        let outcome = match outcome {
            Ok(()) => "queued",
            Err(code) => code.as_str(),
        };
        self.record(|| counter!(DELIVERIES, "source" => source.as_str(), "outcome" => outcome).increment(1));
    }

    /// An error answered to a client or a peer, over HTTP or in a frame.
    pub fn refusal(&self, code: ErrorCode) {
        self.record(|| counter!(REFUSALS, "code" => code.as_str()).increment(1));
    }

    pub fn store_flush(&self, took: Duration) {
        self.record(|| histogram!(STORE_FLUSH_SECONDS).record(took.as_secs_f64()));
    }

    /// A federation request, sent (`Out`) or answered (`In`); `outcome` is `ok` or a code.
    pub fn federation_request(&self, direction: Direction, route: &'static str, outcome: &'static str) {
        self.record(|| {
            counter!(FEDERATION_REQUESTS, "direction" => direction.as_str(), "route" => route, "outcome" => outcome)
                .increment(1);
        });
    }

    pub fn media_bytes(&self, direction: Direction, bytes: u64) {
        self.record(|| counter!(MEDIA_BYTES, "direction" => direction.as_str()).increment(bytes));
    }

    /// One answered HTTP request; `route` is the route's template (`/v1/keys/{address}`), never
    /// the path, which can name a person.
    pub fn http_request(&self, route: String, status: u16, took: Duration) {
        self.record(|| {
            counter!(HTTP_REQUESTS, "route" => route.clone(), "status" => status.to_string()).increment(1);
            histogram!(HTTP_REQUEST_SECONDS, "route" => route).record(took.as_secs_f64());
        });
    }

    /// The text a scrape answers; `queue_depth` is read from the store just before.
    pub fn render(&self, queue_depth: Option<u64>) -> String {
        if let Some(depth) = queue_depth {
            // The gauge takes an f64; queue lengths stay far below 2^53.
            #[allow(clippy::cast_precision_loss)]
            self.record(|| gauge!(QUEUE_DEPTH).set(depth as f64));
        }
        self.handle.render()
    }

    /// Folds buffered histogram samples into their buckets, so memory stays flat between scrapes.
    pub fn upkeep(&self) {
        self.handle.run_upkeep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_relay_reports_only_its_own_traffic() {
        let meadow = RelayMetrics::new();
        let harbor = RelayMetrics::new();
        meadow.delivery(Source::Client, Ok(()));
        meadow.delivery(Source::Federation, Err(ErrorCode::RecipientBusy));
        meadow.refusal(ErrorCode::RateLimited);
        let text = meadow.render(Some(7));
        assert!(text.contains("isthmus_deliveries_total{source=\"client\",outcome=\"queued\"} 1"), "{text}");
        assert!(text.contains("outcome=\"recipient_busy\"} 1"), "{text}");
        assert!(text.contains("isthmus_refusals_total{code=\"rate_limited\"} 1"), "{text}");
        assert!(text.contains("isthmus_queue_depth 7"), "{text}");
        assert!(!harbor.render(None).contains("outcome=\"queued\""), "two relays in one process must not mix");
    }

    #[test]
    fn histograms_have_buckets() {
        let metrics = RelayMetrics::new();
        metrics.store_flush(Duration::from_millis(3));
        let text = metrics.render(None);
        assert!(text.contains("isthmus_store_flush_seconds_bucket{le=\"0.005\"} 1"), "{text}");
    }
}
