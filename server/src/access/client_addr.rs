//! Who is calling: the socket's address, or, when the socket is a trusted proxy, the
//! client it names in `X-Forwarded-For`. Rate limits and logs count per client, so behind
//! a proxy one person's wrong passwords lock out only that person. The header is ignored
//! unless the peer is trusted: anyone can write it.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address: the peer, or (peer trusted) the right-most address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer.to_string();
    }
    // Each proxy appends the address it got the request from: read from the right, past
    // our own proxies, to the first address they did not add themselves.
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|a| a.trim().parse::<IpAddr>().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(forwarded.first())
        .unwrap_or(&peer)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn without_a_trusted_proxy_the_header_is_ignored() {
        let peer = Some("198.51.100.7".parse().unwrap());
        assert_eq!(
            client_address(peer, &headers(&["203.0.113.5"]), &[]),
            "198.51.100.7"
        );
        let other = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(peer, &headers(&["203.0.113.5"]), &other),
            "198.51.100.7"
        );
    }

    #[test]
    fn behind_trusted_proxies_the_forwarded_client_counts() {
        let peer = Some("10.0.0.2".parse().unwrap());
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(peer, &headers(&["203.0.113.5"]), &trusted),
            "203.0.113.5"
        );
        // A client that writes its own header cannot pick its address: the proxy appended
        // the real one last.
        assert_eq!(
            client_address(peer, &headers(&["1.2.3.4, 203.0.113.5"]), &trusted),
            "203.0.113.5"
        );
        // Two proxies of ours in a row.
        assert_eq!(
            client_address(peer, &headers(&["203.0.113.5, 10.0.0.9"]), &trusted),
            "203.0.113.5"
        );
        assert_eq!(
            client_address(peer, &headers(&["203.0.113.5", "10.0.0.9"]), &trusted),
            "203.0.113.5"
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(client_address(peer, &headers(&[]), &trusted), "10.0.0.2");
        assert_eq!(
            client_address(peer, &headers(&["not an address"]), &trusted),
            "10.0.0.2"
        );
        assert_eq!(client_address(None, &headers(&[]), &trusted), "unknown");
        let v6 = Some("::1".parse().unwrap());
        assert_eq!(
            client_address(v6, &headers(&["2001:db8::1"]), &nets(&["::1/128"])),
            "2001:db8::1"
        );
    }
}
