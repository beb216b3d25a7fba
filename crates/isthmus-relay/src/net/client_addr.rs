//! Who a request comes from: the peer of the TCP connection, or, when that peer is a proxy the
//! operator listed in `trusted_proxies`, the client that proxy names in `X-Forwarded-For`.
//!
//! Limits key on [`IpKey`], not on the address itself: an IPv6 host usually owns a whole /64, so
//! counting per address would let one host take as many buckets as it likes.

use std::net::{IpAddr, Ipv6Addr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The header proxies append the address they received a request from to.
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// The networks whose connections are proxies the operator runs, from the configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<IpNet>,
}

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self { networks }
    }

    /// Parses entries such as `10.0.0.0/8`, `192.0.2.7` or `2001:db8::/32`.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        let networks = entries
            .iter()
            .map(|entry| {
                let entry = entry.as_ref().trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("trusted_proxies: {entry:?} is not an address or a network"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { networks })
    }

    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.networks.iter().any(|network| network.contains(&address))
    }

    /// The client's address. `X-Forwarded-For` is read right to left (each proxy appends the
    /// address it saw), skipping the operator's own proxies; the first other address is the
    /// client. A connection from anything but a listed proxy is its own client, whatever its
    /// headers say, so nobody can pick the bucket they are counted in.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers.get_all(FORWARDED_FOR).iter().filter_map(|value| value.to_str().ok());
        let mut entries: Vec<&str> = hops.flat_map(|value| value.split(',')).collect();
        while let Some(entry) = entries.pop() {
            let Some(address) = parse_hop(entry) else {
                // A hop that is not an address: nothing left of it can be trusted.
                return client;
            };
            client = canonical(address);
            if !self.contains(client) {
                return client;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port or in brackets.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(address) = entry.parse::<IpAddr>() {
        return Some(address);
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    entry.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).and_then(|inner| inner.parse().ok())
}

/// An IPv4 address mapped into IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports) is
/// the IPv4 address.
pub fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// What per-address limits count: an IPv4 address, or the /64 an IPv6 address is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpKey(IpAddr);

impl IpKey {
    pub fn of(address: IpAddr) -> Self {
        match canonical(address) {
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                Self(IpAddr::V6(Ipv6Addr::from(prefix)))
            }
            v4 => Self(v4),
        }
    }
}

impl std::fmt::Display for IpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V6(prefix) => write!(f, "{prefix}/64"),
            v4 => write!(f, "{v4}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("a test address")
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(FORWARDED_FOR, HeaderValue::from_str(value).expect("ascii"));
        }
        headers
    }

    #[test]
    fn an_untrusted_peer_is_its_own_client_whatever_it_claims() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8"]).expect("valid");
        let headers = forwarded(&["198.51.100.9"]);
        assert_eq!(
            proxies.client_address(ip("203.0.113.5"), &headers),
            ip("203.0.113.5"),
            "a client that writes its own X-Forwarded-For must not choose the bucket it is counted in"
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let proxies = TrustedProxies::parse(&["10.0.0.1", "10.0.1.0/24"]).expect("valid");
        let headers = forwarded(&["198.51.100.9, 203.0.113.5, 10.0.1.7"]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.1"), &headers),
            ip("203.0.113.5"),
            "read right to left, skipping the operator's proxies; what the client put further left is not trusted"
        );
        let split = forwarded(&["203.0.113.5", "10.0.1.7"]);
        assert_eq!(proxies.client_address(ip("10.0.0.1"), &split), ip("203.0.113.5"), "repeated headers are one list");
        assert_eq!(proxies.client_address(ip("10.0.0.1"), &HeaderMap::new()), ip("10.0.0.1"), "no header: the proxy");
        let garbage = forwarded(&["unknown, 10.0.1.7"]);
        assert_eq!(proxies.client_address(ip("10.0.0.1"), &garbage), ip("10.0.1.7"), "a bad hop ends the walk");
        let ported = forwarded(&["[2001:db8::1]:443"]);
        assert_eq!(proxies.client_address(ip("10.0.0.1"), &ported), ip("2001:db8::1"), "ports are dropped");
    }

    #[test]
    fn ipv6_is_limited_per_64() {
        assert_eq!(IpKey::of(ip("2001:db8:1:2::1")), IpKey::of(ip("2001:db8:1:2:ffff::9")), "one /64, one key");
        assert_ne!(IpKey::of(ip("2001:db8:1:2::1")), IpKey::of(ip("2001:db8:1:3::1")), "another /64, another key");
        assert_eq!(IpKey::of(ip("::ffff:192.0.2.1")), IpKey::of(ip("192.0.2.1")), "mapped IPv4 is IPv4");
        assert_ne!(IpKey::of(ip("192.0.2.1")), IpKey::of(ip("192.0.2.2")), "IPv4 addresses are counted one by one");
        assert_eq!(IpKey::of(ip("2001:db8:1:2::1")).to_string(), "2001:db8:1:2::/64");
    }

    #[test]
    fn bad_entries_are_refused() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33"]).is_err());
        assert!(TrustedProxies::parse(&["proxy.example"]).is_err(), "names would need a resolver; addresses only");
    }
}
