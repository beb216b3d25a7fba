//! A failover load balancer in front of the nodes of one network, as an operator's TCP load
//! balancer would be: each new connection goes to the first node on its list that accepts it.
//! When a node dies its connections close, and the clients' reconnects land on the next node.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::RelayAt;

/// How long the balancer tries one node before it moves to the next.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Balancer {
    address: SocketAddr,
    task: JoinHandle<()>,
}

/// `host:port` of a relay URL such as `http://127.0.0.1:7701`.
pub fn socket_of(url: &str) -> Result<SocketAddr> {
    let host = url.trim_start_matches("http://").trim_start_matches("https://").trim_end_matches('/');
    host.parse().with_context(|| format!("{url} is not http://ip:port"))
}

async fn forward(mut client: TcpStream, nodes: &[SocketAddr]) {
    for node in nodes {
        if let Ok(Ok(mut upstream)) = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(node)).await {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            return;
        }
    }
    // No node answers: the client sees its connection closed, as behind a real balancer.
}

impl Balancer {
    /// Listens on a free loopback port, in front of `nodes` in order of preference.
    pub async fn start(nodes: Vec<SocketAddr>) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let nodes = nodes.clone();
                tokio::spawn(async move { forward(client, &nodes).await });
            }
        });
        Ok(Self { address, task })
    }
}

impl RelayAt for Balancer {
    fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
