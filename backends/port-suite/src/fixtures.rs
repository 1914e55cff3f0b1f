//! Tenants and corrupt documents the suite uses.

use scaleout_domain::port::ClusterBackend;
use scaleout_domain::{Generator, Naming, ScaleFactor, Tenant, TenantId, TenantName};
use serde_json::json;

/// A fixed creation time keeps every run's data identical.
const CREATED_AT: i64 = 1_767_225_600; // 2026-01-01

pub fn tenant(seed: u64, name: &str, scale: u32) -> Tenant {
    Tenant::new(
        TenantId::from_seed(seed),
        TenantName::parse(name).expect("a valid name"),
        ScaleFactor::new(scale).expect("a valid scale factor"),
        CREATED_AT,
    )
}

/// Loads the tenant's generated documents in batches; returns how many were created.
pub async fn load_tenant(b: &dyn ClusterBackend, tenant: &Tenant, naming: Naming) -> u64 {
    let mut created = 0;
    for batch in Generator::new(tenant, naming).batches(500) {
        created += b
            .load_batch(tenant.id, &batch.documents)
            .await
            .expect("load a batch")
            .created;
    }
    created
}

/// An edge of tenant `a` pointing into tenant `z`, and a location of `a` whose key
/// carries `z`'s prefix.
pub fn corruptions(a: TenantId, z: TenantId) -> (serde_json::Value, serde_json::Value) {
    let edge = json!({
        "_key": format!("{a}:rogue-link0:{a}"),
        "_from": format!("DeviceProxyOut/{a}:device0"),
        "_to": format!("DeviceProxyIn/{z}:device1"),
        "_fromType": "DeviceProxyOut",
        "_toType": "DeviceProxyIn",
        "connectionType": "fiber",
        "bandwidthCapacity": "10Gbps",
        "networkLatency": "1ms",
        "created": CREATED_AT,
        "expired": i64::MAX,
        "tenantId": a.as_str(),
    });
    let location = json!({
        "_key": format!("{z}:location99"),
        "name": "Rogue site",
        "streetAddress": "1 Nowhere Road",
        "geoLocation": {"type": "Point", "coordinates": [0.0, 0.0]},
        "created": CREATED_AT,
        "expired": i64::MAX,
        "tenantId": a.as_str(),
    });
    (edge, location)
}
