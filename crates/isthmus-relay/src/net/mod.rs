//! The relay's listener: plain TCP on loopback, or TLS the relay terminates itself; caps on open
//! connections; timeouts for a TLS handshake, a request's headers, an idle keep-alive connection
//! and a write that makes no progress; a graceful stop with a bound.
//!
//! axum-server runs the accept loop and hyper's connections; this module chooses the settings.

pub mod caps;
pub mod client_addr;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use axum_server::Handle;
use tokio::task::JoinHandle;

use caps::{CappedAcceptor, ConnectionCaps};

/// How long the relay gives connections and their parts.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub tls_handshake: Duration,
    /// The whole head of a request, and also how long a keep-alive connection may sit idle
    /// before its next request (hyper uses the one setting for both).
    pub header_read: Duration,
    /// One write to a client that makes no progress.
    pub write: Duration,
}

/// A listener that is serving.
pub struct Listening {
    pub local_addr: SocketAddr,
    /// The certificate in use, when the relay terminates TLS; reloading swaps it for new
    /// connections while open ones keep theirs.
    pub tls: Option<RustlsConfig>,
    pub handle: Handle<SocketAddr>,
    pub task: JoinHandle<()>,
}

/// Serves `app` on `listener` until `handle` is told to stop.
pub fn serve(
    listener: std::net::TcpListener,
    app: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    timeouts: Timeouts,
    caps: Arc<ConnectionCaps>,
) -> std::io::Result<Listening> {
    let local_addr = listener.local_addr()?;
    let handle = Handle::new();
    let server = axum_server::from_tcp(listener)?.handle(handle.clone());
    let capped = CappedAcceptor::new(caps, timeouts.write);
    let make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    let rustls = tls.map(RustlsConfig::from_config);
    let task = match rustls.clone() {
        Some(config) => {
            let acceptor = RustlsAcceptor::new(config).handshake_timeout(timeouts.tls_handshake).acceptor(capped);
            let mut server = server.acceptor(acceptor).first_request_timeout(timeouts.header_read);
            configure(server.http_builder(), timeouts);
            tokio::spawn(async move {
                if let Err(error) = server.serve(make_service).await {
                    tracing::error!(%error, "the server failed");
                }
            })
        }
        None => {
            let mut server = server.acceptor(capped).first_request_timeout(timeouts.header_read);
            configure(server.http_builder(), timeouts);
            tokio::spawn(async move {
                if let Err(error) = server.serve(make_service).await {
                    tracing::error!(%error, "the server failed");
                }
            })
        }
    };
    Ok(Listening { local_addr, tls: rustls, handle, task })
}

fn configure(builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>, timeouts: Timeouts) {
    builder.http1().header_read_timeout(timeouts.header_read).keep_alive(true);
}
