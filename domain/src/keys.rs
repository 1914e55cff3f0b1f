//! SmartGraph keys. A Disjoint SmartGraph shards by the smart value, so ArangoDB requires
//! vertex keys `<tenantId>:<local>` and edge keys `<fromTenant>:<local>:<toTenant>`; with
//! one tenant per smart value, both ends of an edge key are the edge's own tenant.

use std::fmt::{self, Write};

use crate::tenant::TenantId;

/// The separator between the smart value and the local part.
pub const SEPARATOR: char = ':';

/// `<tid>:` — every key a tenant owns starts with this (useful for range scans).
pub fn tenant_prefix(tenant: TenantId) -> String {
    let mut s = String::with_capacity(TenantId::LEN + 1);
    s.push_str(tenant.as_str());
    s.push(SEPARATOR);
    s
}

/// `<tid>:<local>`.
pub fn vertex_key(tenant: TenantId, local: impl fmt::Display) -> String {
    let mut s = String::with_capacity(32);
    let _ = write!(s, "{}{SEPARATOR}{local}", tenant.as_str());
    s
}

/// `<tid>:<local>:<tid>`.
pub fn edge_key(tenant: TenantId, local: impl fmt::Display) -> String {
    let mut s = String::with_capacity(48);
    let t = tenant.as_str();
    let _ = write!(s, "{t}{SEPARATOR}{local}{SEPARATOR}{t}");
    s
}

/// The smart value a key starts with (text before the first `:`), if any.
pub fn key_tenant(key: &str) -> Option<&str> {
    key.split_once(SEPARATOR).map(|(p, _)| p)
}

/// `(from tenant, local, to tenant)` of an edge key, if it has the three parts.
pub fn edge_key_parts(key: &str) -> Option<(&str, &str, &str)> {
    let (from, rest) = key.split_once(SEPARATOR)?;
    let (local, to) = rest.rsplit_once(SEPARATOR)?;
    Some((from, local, to))
}

/// The key of version `n` of an entity whose proxies have key `entity_key`:
/// `<tid>:device7` -> `<tid>:device7-3`.
pub fn version_key(entity_key: &str, n: u32) -> String {
    let mut s = String::with_capacity(entity_key.len() + 3);
    let _ = write!(s, "{entity_key}-{n}");
    s
}

/// Splits a version key into its entity (proxy) key and version number (0 = current).
pub fn split_version_key(key: &str) -> Option<(&str, u32)> {
    let (entity, n) = key.rsplit_once('-')?;
    if entity.is_empty() || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((entity, n.parse().ok()?))
}

/// Local names of generated entities (indices start at 0).
pub fn device_local(i: u64) -> String {
    format!("device{i}")
}

pub fn software_local(i: u64) -> String {
    format!("software{i}")
}

pub fn location_local(i: u64) -> String {
    format!("location{i}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tid() -> TenantId {
        TenantId::parse("0a1b2c3d4e5f").unwrap()
    }

    #[test]
    fn smartgraph_forms() {
        assert_eq!(tenant_prefix(tid()), "0a1b2c3d4e5f:");
        assert_eq!(vertex_key(tid(), "device7"), "0a1b2c3d4e5f:device7");
        assert_eq!(
            edge_key(tid(), "device1-location0"),
            "0a1b2c3d4e5f:device1-location0:0a1b2c3d4e5f"
        );
        assert_eq!(key_tenant("0a1b2c3d4e5f:device7"), Some("0a1b2c3d4e5f"));
        assert_eq!(key_tenant("device7"), None);
        assert_eq!(edge_key_parts("a:x-y:b"), Some(("a", "x-y", "b")));
        assert_eq!(edge_key_parts("a:x"), None);
    }

    #[test]
    fn version_keys() {
        let entity = vertex_key(tid(), device_local(7));
        let k = version_key(&entity, 3);
        assert_eq!(k, "0a1b2c3d4e5f:device7-3");
        assert_eq!(split_version_key(&k), Some((entity.as_str(), 3)));
        assert_eq!(split_version_key("t:device7"), None);
        assert_eq!(split_version_key("t:device7-"), None);
        assert_eq!(split_version_key("t:device7-x"), None);
        assert_eq!(split_version_key("-1"), None);
        assert_eq!(software_local(2), "software2");
        assert_eq!(location_local(0), "location0");
    }
}
