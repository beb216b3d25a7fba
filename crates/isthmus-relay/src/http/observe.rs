//! What the relay knows and tells about its requests: who sent each (the client behind a trusted
//! proxy), a request id, a trace span named by the route's template (never the path, which can
//! name a person), and the counters `/metrics` answers with.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use tower::layer::util::Stack;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, MakeSpan, TraceLayer};
use tracing::{Level, Span};

use super::extract::{connection_peer, ClientIp};
use crate::error_code::ErrorCode;
use crate::net::client_addr::{canonical, FORWARDED_FOR};
use crate::state::RelayState;

/// The header that carries a request's id, set by the relay when the client sent none, and
/// returned on the answer so that a report can name the request.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The Prometheus text format's content type.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Puts the request's client address into its extensions, for limits and for registration.
pub async fn resolve_client(State(state): State<Arc<RelayState>>, mut request: Request, next: Next) -> Response {
    let client = connection_peer(&request).map(|peer| state.trusted_proxies.client_address(peer, request.headers()));
    request.extensions_mut().insert(ClientIp(client));
    next.run(request).await
}

pub type RequestIdLayers = Stack<PropagateRequestIdLayer, SetRequestIdLayer<MakeRequestUuid>>;

/// Sets `x-request-id` when the client did not, and copies it to the answer.
pub fn request_id_layers() -> RequestIdLayers {
    Stack::new(PropagateRequestIdLayer::new(REQUEST_ID), SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// A span per request with its method, route template and id.
#[derive(Clone, Copy, Debug, Default)]
pub struct RouteSpan;

impl<B> MakeSpan<B> for RouteSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
        let id = request.headers().get(REQUEST_ID).and_then(|value| value.to_str().ok()).unwrap_or("");
        tracing::info_span!("request", method = %request.method(), route, request_id = id)
    }
}

pub type RelayTraceLayer = TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RouteSpan>;

/// Logs each request's start and end (status, latency) at debug level inside its span.
pub fn trace_layer() -> RelayTraceLayer {
    TraceLayer::new_for_http()
        .make_span_with(RouteSpan)
        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
        .on_response(DefaultOnResponse::new().level(Level::DEBUG))
}

/// Counts every answer by route and status, and every refusal by its code.
pub async fn record(State(state): State<Arc<RelayState>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    if let Some(code) = response.extensions().get::<ErrorCode>() {
        state.metrics.refusal(*code);
    }
    state.metrics.http_request(route, response.status().as_u16(), started.elapsed());
    response
}

/// Whether this request may read `/metrics`: from this machine or an address the operator
/// allowed, never through a proxy the operator did not list (a local proxy that is not in
/// `trusted_proxies` would otherwise make the whole internet look like this machine).
fn may_read_metrics(state: &RelayState, request: &Request) -> bool {
    let Some(peer) = connection_peer(request) else {
        return false;
    };
    let forwarded = request.headers().contains_key(FORWARDED_FOR) || request.headers().contains_key(header::FORWARDED);
    if forwarded && !state.trusted_proxies.contains(peer) {
        return false;
    }
    let client = canonical(ClientIp::of(request).unwrap_or(peer));
    client.is_loopback() || state.metrics_allow.contains(client)
}

/// `GET /metrics`: the Prometheus text format, for this machine and the addresses in
/// `metrics_allow`; anyone else is answered as for an unknown route.
pub async fn metrics(State(state): State<Arc<RelayState>>, request: Request) -> Response {
    if !may_read_metrics(&state, &request) {
        return super::no_such_route().into_response();
    }
    let depth = match state.store.queue_depth().await {
        Ok(depth) => Some(depth),
        Err(error) => {
            tracing::warn!(%error, "reading the queue depth for /metrics failed");
            None
        }
    };
    let mut response = state.metrics.render(depth).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROMETHEUS_TEXT));
    response
}
