//! The baseline for the relay load test: a forwarder that speaks the same frame protocol and
//! keeps nothing. It knows who is connected and hands each envelope straight to its
//! destination's socket: no storage, no flush, no accounts, no limits, no federation. The
//! relay's cost is measured against this floor in the same run.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt as _, StreamExt as _};
use isthmus_proto::{wire, Message as _};
use tokio::sync::mpsc;

type Sockets = Arc<Mutex<HashMap<String, mpsc::UnboundedSender<Vec<u8>>>>>;

/// Starts the forwarder on 127.0.0.1; returns its address.
pub async fn start() -> anyhow::Result<SocketAddr> {
    let sockets: Sockets = Arc::default();
    let app = Router::new().route("/v1/ws", get(upgrade)).with_state(sockets);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(address)
}

async fn upgrade(State(sockets): State<Sockets>, headers: HeaderMap, upgrade: WebSocketUpgrade) -> Response {
    // "Bearer name/device/secret": the name is all the forwarder needs.
    let name = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|v| v.split('/').next())
        .unwrap_or_default()
        .to_owned();
    // Read like the relay reads, so the comparison is about what the relay does with a frame.
    upgrade
        .read_buffer_size(isthmus_relay::ws::READ_BUFFER_BYTES)
        .on_upgrade(move |socket| serve(socket, name, sockets))
}

async fn serve(socket: WebSocket, name: String, sockets: Sockets) {
    let (mut sink, mut stream) = socket.split();
    let (outgoing, mut queue) = mpsc::unbounded_channel::<Vec<u8>>();
    if let Ok(mut map) = sockets.lock() {
        map.insert(name.clone(), outgoing.clone());
    }
    let empty = wire::ServerFrame { frame: Some(wire::server_frame::Frame::QueueEmpty(wire::QueueEmpty {})) };
    let _ = outgoing.send(empty.encode_to_vec());
    let writer = tokio::spawn(async move {
        while let Some(bytes) = queue.recv().await {
            if sink.send(WsMessage::Binary(bytes.into())).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(message)) = stream.next().await {
        let WsMessage::Binary(bytes) = message else { continue };
        let Ok(frame) = wire::ClientFrame::decode(bytes.as_ref()) else { continue };
        if let Some(wire::client_frame::Frame::Send(send)) = frame.frame {
            let destination = send.envelope.as_ref().and_then(|e| e.destination.as_ref()).map(|d| d.name.clone());
            let target = destination.and_then(|d| sockets.lock().ok().and_then(|map| map.get(&d).cloned()));
            if let (Some(target), Some(envelope)) = (target, send.envelope) {
                let push = wire::ServerFrame { frame: Some(wire::server_frame::Frame::Push(envelope)) };
                let _ = target.send(push.encode_to_vec());
            }
            let result = wire::ServerFrame {
                frame: Some(wire::server_frame::Frame::SendResult(wire::SendResult {
                    request_id: send.request_id,
                    ..Default::default()
                })),
            };
            let _ = outgoing.send(result.encode_to_vec());
        }
    }
    writer.abort();
    if let Ok(mut map) = sockets.lock() {
        map.remove(&name);
    }
}
