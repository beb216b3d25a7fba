//! Caps on open connections, in all and per client address, checked when a connection is
//! accepted and before anything is read from it (a TLS handshake included).
//!
//! A connection from one of the operator's proxies carries many clients, so proxies are held only
//! to the total; their clients are limited per request by the rate limits instead.

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_io_timeout::TimeoutStream;

use super::client_addr::{IpKey, TrustedProxies};
use crate::metrics::RelayMetrics;

/// Why a connection was turned away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The relay holds `max_connections` already.
    Full,
    /// The client's address (its /64 for IPv6) holds `max_connections_per_ip` already.
    TooManyFromAddress,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Full => "total",
            Refusal::TooManyFromAddress => "per_address",
        }
    }
}

#[derive(Default)]
struct Open {
    total: usize,
    per_address: HashMap<IpKey, usize>,
}

pub struct ConnectionCaps {
    max_total: usize,
    max_per_address: usize,
    proxies: TrustedProxies,
    open: Mutex<Open>,
    metrics: Arc<RelayMetrics>,
}

/// Held for as long as its connection is open (an upgraded WebSocket included).
pub struct ConnectionPermit {
    caps: Arc<ConnectionCaps>,
    address: Option<IpKey>,
}

impl ConnectionCaps {
    pub fn new(max_total: usize, max_per_address: usize, proxies: TrustedProxies, metrics: Arc<RelayMetrics>) -> Self {
        Self { max_total, max_per_address, proxies, open: Mutex::default(), metrics }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().expect("the connection count lock is never poisoned")
    }

    /// Admits a connection from `peer`, or says why not.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Result<ConnectionPermit, Refusal> {
        let address = (!self.proxies.contains(peer)).then(|| IpKey::of(peer));
        let mut open = self.lock();
        if open.total >= self.max_total {
            return Err(Refusal::Full);
        }
        if let Some(key) = address {
            let count = open.per_address.entry(key).or_default();
            if *count >= self.max_per_address {
                return Err(Refusal::TooManyFromAddress);
            }
            *count += 1;
        }
        open.total += 1;
        self.metrics.connection_opened();
        Ok(ConnectionPermit { caps: self.clone(), address })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.lock().total
    }
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        let mut open = self.caps.lock();
        open.total = open.total.saturating_sub(1);
        if let Some(key) = self.address {
            if let Some(count) = open.per_address.get_mut(&key) {
                *count -= 1;
                if *count == 0 {
                    open.per_address.remove(&key);
                }
            }
        }
        self.caps.metrics.connection_closed();
    }
}

/// A TCP stream that holds its connection's permit.
pub struct Counted {
    stream: TcpStream,
    _permit: ConnectionPermit,
}

impl AsyncRead for Counted {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// What every accepted connection becomes: counted, and cut off when a write makes no progress
/// for `write_timeout` (a client that stops reading holds nothing for long, a download included).
pub type GuardedStream = Pin<Box<TimeoutStream<Counted>>>;

/// The first acceptor of every connection: admits it under the caps, or drops it at once.
#[derive(Clone)]
pub struct CappedAcceptor {
    caps: Arc<ConnectionCaps>,
    write_timeout: Duration,
}

impl CappedAcceptor {
    pub fn new(caps: Arc<ConnectionCaps>, write_timeout: Duration) -> Self {
        Self { caps, write_timeout }
    }

    fn guard(&self, stream: TcpStream) -> io::Result<GuardedStream> {
        let peer = stream.peer_addr()?.ip();
        let permit = self.caps.admit(peer).map_err(|refusal| {
            self.caps.metrics.connection_refused(refusal);
            io::Error::other(format!("connection refused: {} cap reached", refusal.as_str()))
        })?;
        // Frames are small and answers wait on them: no Nagle delay.
        stream.set_nodelay(true)?;
        let mut guarded = TimeoutStream::new(Counted { stream, _permit: permit });
        guarded.set_write_timeout(Some(self.write_timeout));
        Ok(Box::pin(guarded))
    }
}

impl<S> Accept<TcpStream, S> for CappedAcceptor {
    type Stream = GuardedStream;
    type Service = S;
    type Future = Ready<io::Result<(Self::Stream, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        ready(self.guard(stream).map(|stream| (stream, service)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(total: usize, per_address: usize, proxies: &[&str]) -> Arc<ConnectionCaps> {
        let proxies = TrustedProxies::parse(proxies).expect("valid");
        Arc::new(ConnectionCaps::new(total, per_address, proxies, Arc::new(RelayMetrics::new())))
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("a test address")
    }

    #[test]
    fn one_address_cannot_take_every_connection() {
        let caps = caps(10, 2, &[]);
        let first = caps.admit(ip("192.0.2.1")).expect("room");
        let _second = caps.admit(ip("192.0.2.1")).expect("room");
        assert_eq!(caps.admit(ip("192.0.2.1")).err(), Some(Refusal::TooManyFromAddress));
        assert!(caps.admit(ip("192.0.2.2")).is_ok(), "another address still gets in");
        assert_eq!(caps.admit(ip("2001:db8::1")).map(drop), Ok(()));
        assert_eq!(caps.admit(ip("2001:db8::2")).map(drop), Ok(()), "the permits above were dropped");
        drop(first);
        assert!(caps.admit(ip("192.0.2.1")).is_ok(), "a closed connection frees its place");
    }

    #[test]
    fn ipv6_hosts_share_their_64() {
        let caps = caps(10, 1, &[]);
        let _held = caps.admit(ip("2001:db8:0:1::1")).expect("room");
        assert_eq!(caps.admit(ip("2001:db8:0:1::2")).err(), Some(Refusal::TooManyFromAddress), "same /64");
    }

    #[test]
    fn the_total_cap_holds_for_proxies_too() {
        let caps = caps(2, 1, &["10.0.0.1"]);
        let _a = caps.admit(ip("10.0.0.1")).expect("room");
        let _b = caps.admit(ip("10.0.0.1")).expect("a proxy is not held to the per-address cap");
        assert_eq!(caps.admit(ip("192.0.2.1")).err(), Some(Refusal::Full));
        assert_eq!(caps.open(), 2);
    }
}
