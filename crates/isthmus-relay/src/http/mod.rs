//! The HTTP side of the relay: the control plane for clients, the WebSocket upgrade, the
//! federation routes and `/healthz`, with the limits every route shares.

pub(crate) mod accounts;
pub(crate) mod consent;
pub(crate) mod directory;
pub mod extract;
pub(crate) mod groups;
pub(crate) mod identity;
pub(crate) mod interop;
mod key_bodies;
pub(crate) mod keys;
pub mod media;
mod observe;
pub(crate) mod reports;

use isthmus_proto::api;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use tower_http::timeout::RequestBodyTimeoutLayer;

use isthmus_proto::api::{Health, Networks};

use crate::coordination::Bucket;
use crate::error_code::ApiError;
use crate::federation::{inbound, FederationRoute};
use crate::net::client_addr::IpKey;
use crate::state::RelayState;
use extract::ClientIp;

/// Every route of the relay.
pub fn router(state: Arc<RelayState>) -> Router {
    let client_routes = Router::new()
        .route("/v1/accounts", post(accounts::register))
        .route("/v1/keys", put(keys::upload))
        .route("/v1/keys/count", get(keys::count))
        .route("/v1/keys/{address}", get(keys::bundle))
        .route("/v1/directory/{address}", get(directory::lookup))
        .route("/v1/account/interop", get(interop::get).put(interop::set))
        .route("/v1/networks", get(networks))
        .route("/v1/account/identity", put(identity::reset))
        .route("/v1/account/blocks", get(consent::list_blocks))
        .route("/v1/account/blocks/{address}", put(consent::block).delete(consent::unblock))
        .route("/v1/account/contacts/{address}", put(consent::add_contact))
        .route("/v1/account/requests", get(consent::list_requests))
        .route("/v1/account/discoverability", get(consent::get_discoverability).put(consent::set_discoverability))
        .route("/v1/account/requests/{address}", delete(consent::delete_request))
        .route("/v1/account/groups/adds", get(groups::get_adds).put(groups::set_adds))
        .route("/v1/account/groups/networks", get(groups::get_networks).put(groups::set_networks))
        .route("/v1/account/groups/{group_id}", put(groups::join).delete(groups::leave))
        .route("/v1/reports", post(reports::create))
        // Media bodies are read as raw streams, which `DefaultBodyLimit` does not cover: the
        // upload checks `max_media_bytes` itself.
        .route("/v1/media", post(media::upload))
        .route("/v1/media/{network}/{id}", get(media::download))
        .route("/v1/ws", get(crate::ws::upgrade))
        .layer(DefaultBodyLimit::max(state.limits.max_json_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), limit_by_ip));
    // Checked before a byte of the body is read: who claims to send it, and how big it says it is.
    let federation_routes = Router::new()
        .route(FederationRoute::Deliver.path(), post(inbound::deliver))
        .route(FederationRoute::Bundle.path(), post(inbound::bundle))
        .route(FederationRoute::Directory.path(), post(inbound::directory))
        .route(FederationRoute::Media.path(), get(crate::federation::media::serve))
        .layer(middleware::from_fn_with_state(state.clone(), inbound::check_before_body))
        .layer(middleware::from_fn_with_state(state.clone(), limit_by_ip));
    let body_timeout = Duration::from_millis(state.limits.request_body_timeout_ms.max(1));
    Router::new()
        .route("/healthz", get(health))
        .route("/metrics", get(observe::metrics))
        .merge(client_routes)
        .merge(federation_routes)
        .fallback(|| async { no_such_route() })
        .layer(RequestBodyTimeoutLayer::new(body_timeout))
        .layer(middleware::from_fn_with_state(state.clone(), observe::record))
        .layer(observe::trace_layer())
        .layer(observe::request_id_layers())
        .layer(middleware::from_fn_with_state(state.clone(), observe::resolve_client))
        .with_state(state)
}

/// What every unknown path answers (and `/metrics` to those who may not read it).
pub fn no_such_route() -> ApiError {
    ApiError::bad_request("no such route")
}

/// `GET /v1/networks` (auth): this network and the networks it is peered with, so a client can
/// offer exactly those to its user (interop with any other network could never carry a message).
#[utoipa::path(
    operation_id = "relay_networks",
    get,
    path = "/v1/networks",
    tag = "accounts",
    summary = "This network and the networks it is peered with (the ones interop can be offered for)",
    responses(
        (status = 200, description = "The network and its peers", body = api::Networks),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub(crate) async fn networks(State(state): State<Arc<RelayState>>, _auth: extract::Authenticated) -> Json<Networks> {
    let peers = state.peer_domains().iter().map(ToString::to_string).collect();
    Json(Networks { network: state.domain.to_string(), peers })
}

#[utoipa::path(
    operation_id = "relay_health",
    get,
    path = "/healthz",
    tag = "health",
    summary = "Liveness and the network's name",
    security(()),
    responses(
        (status = 200, description = "The relay is serving", body = api::Health),
    )
)]
pub(crate) async fn health(State(state): State<Arc<RelayState>>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        network: state.domain.to_string(),
        protocol: isthmus_proto::PROTOCOL_VERSION,
        features: vec![isthmus_proto::api::FEATURE_SEND_TO_MEMBERS.to_owned()],
    })
}

/// Takes a token from the client address's bucket before any client or federation route runs.
async fn limit_by_ip(State(state): State<Arc<RelayState>>, request: Request, next: Next) -> Response {
    if let Some(address) = ClientIp::of(&request) {
        match state.coordination.take_token(Bucket::Ip, &IpKey::of(address).to_string()).await {
            Ok(Ok(())) => {}
            Ok(Err(retry_after)) => return ApiError::rate_limited(retry_after).into_response(),
            Err(error) => return ApiError::from(error).into_response(),
        }
    }
    next.run(request).await
}
