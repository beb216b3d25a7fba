//! A raw WebSocket client that speaks the frame protocol directly, for looking at what the
//! relay really carries and for sending what a well-behaved client never would.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt as _, StreamExt as _};
use isthmus_core::Engine;
use isthmus_proto::{wire, Address, Message as _};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message as WsMessage;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct RawClient {
    socket: Socket,
}

/// The bearer credentials of an account in `engine`'s profile.
pub fn bearer(engine: &Engine, address: &Address) -> Result<String> {
    let record = isthmus_core::account::load(engine.store(), address)?.context("no such account")?;
    Ok(format!("{}/{}/{}", address.name, address.device, record.secret))
}

impl RawClient {
    pub async fn connect(relay_url: &str, bearer: Option<&str>) -> Result<Self> {
        let url = format!("{}/v1/ws", relay_url.replacen("http://", "ws://", 1));
        let mut request = url.into_client_request()?;
        if let Some(bearer) = bearer {
            request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {bearer}"))?);
        }
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Self { socket })
    }

    pub async fn send_bytes(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.socket.send(WsMessage::Binary(bytes.into())).await?;
        Ok(())
    }

    pub async fn send_frame(&mut self, frame: wire::ClientFrame) -> Result<()> {
        self.send_bytes(frame.encode_to_vec()).await
    }

    /// The next protobuf frame from the relay.
    pub async fn next_frame(&mut self) -> Result<wire::ServerFrame> {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .context("no frame from the relay")?
                .context("the relay closed the socket")??;
            match message {
                WsMessage::Binary(bytes) => return Ok(wire::ServerFrame::decode(bytes.as_ref())?),
                WsMessage::Close(frame) => bail!("closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// Reads pushes until the queue-empty marker; acks nothing.
    pub async fn drain_without_ack(&mut self) -> Result<Vec<wire::Envelope>> {
        let mut envelopes = Vec::new();
        loop {
            match self.next_frame().await?.frame {
                Some(wire::server_frame::Frame::Push(envelope)) => envelopes.push(envelope),
                Some(wire::server_frame::Frame::QueueEmpty(_)) => return Ok(envelopes),
                _ => {}
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
