//! Read-only views of the cluster for people: servers with what they hold,
//! shard groups with their tenants, the tenant list with placement.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use scaleout_domain::port::{ServerRole, ShardMap};
pub use scaleout_domain::views::{
    GroupRow, ServerLoad, ServerReport, ShardReport, TenantRef, TenantRow, TenantSlice,
};
use scaleout_domain::{tenant_weight, TenantId};

use crate::console::Console;
use crate::error::ServiceError;
use crate::store::TenantRecord;

/// How data stored under a tenant id the registry does not know is named.
pub(crate) const UNREGISTERED: &str = "(unregistered)";

/// A registered tenant's name and scale factor (its size: 1,095 documents a unit).
struct Known {
    name: String,
    scale: u32,
}

fn known(console: &Console) -> Result<BTreeMap<TenantId, Known>, ServiceError> {
    Ok(console
        .store()
        .tenants()?
        .into_iter()
        .map(|r| {
            let known = Known {
                name: r.tenant.name.as_str().to_string(),
                scale: r.tenant.scale_factor.get(),
            };
            (r.tenant.id, known)
        })
        .collect())
}

/// Largest first, so that a list folded after a few names still shows the tenants
/// that weigh on a server; then by name. Unregistered data comes last.
fn refs(ids: &[TenantId], known: &BTreeMap<TenantId, Known>) -> Vec<TenantRef> {
    let mut sized: Vec<(u32, TenantRef)> = ids
        .iter()
        .map(|id| {
            let (scale, name) = known
                .get(id)
                .map_or((0, UNREGISTERED), |k| (k.scale, k.name.as_str()));
            (
                scale,
                TenantRef {
                    id: *id,
                    name: name.to_string(),
                },
            )
        })
        .collect();
    sized.sort_by_cached_key(|(scale, r)| (Reverse(*scale), r.name.to_lowercase()));
    sized.into_iter().map(|(_, r)| r).collect()
}

pub async fn servers(console: &Console) -> Result<ServerReport, ServiceError> {
    let backend = console.backend();
    let overview = backend.overview().await?;
    let map = backend.shard_map().await?;
    let known = known(console)?;
    let mut slices = tenant_weight::by_server(&map, &backend.tenant_weights().await?);
    let servers = overview
        .servers
        .iter()
        .map(|s| {
            let mut load = ServerLoad {
                id: s.id.clone(),
                short_name: s.short_name.clone(),
                role: s.role,
                health: s.health,
                shard_groups: Vec::new(),
                leaders: 0,
                followers: 0,
                bytes: 0,
                documents: 0,
                tenants: Vec::new(),
                weights: slices
                    .remove(&s.short_name)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|slice| TenantSlice {
                        id: slice.tenant,
                        name: known
                            .get(&slice.tenant)
                            .map_or(UNREGISTERED, |k| k.name.as_str())
                            .to_string(),
                        bytes: slice.bytes,
                        share: slice.share,
                    })
                    .collect(),
            };
            let mut tenants = Vec::new();
            for g in &map.groups {
                let leads = g.leader == s.short_name;
                let follows = g.followers.contains(&s.short_name);
                if leads || follows {
                    load.shard_groups.push(g.index);
                    load.leaders += u32::from(leads);
                    load.followers += u32::from(follows);
                    load.bytes += g.bytes;
                    load.documents += g.documents;
                    tenants.extend(g.tenants.iter().copied());
                }
            }
            load.tenants = refs(&tenants, &known);
            load
        })
        .collect();
    Ok(ServerReport {
        backend: console.backend_info(),
        mode: overview.mode,
        version: overview.version,
        edition: overview.edition,
        servers,
    })
}

fn shard_report(map: ShardMap, known: &BTreeMap<TenantId, Known>) -> ShardReport {
    ShardReport {
        number_of_shards: map.number_of_shards,
        replication_factor: map.replication_factor,
        groups: map
            .groups
            .iter()
            .map(|g| GroupRow {
                index: g.index,
                leader: g.leader.clone(),
                followers: g.followers.clone(),
                documents: g.documents,
                bytes: g.bytes,
                tenants: refs(&g.tenants, known),
                in_sync: g.in_sync,
                available: g.available,
            })
            .collect(),
        collections: map.collections,
    }
}

pub async fn shards(console: &Console) -> Result<ShardReport, ServiceError> {
    let map = console.backend().shard_map().await?;
    Ok(shard_report(map, &known(console)?))
}

pub async fn tenants(console: &Console) -> Result<Vec<TenantRow>, ServiceError> {
    let records: Vec<TenantRecord> = console.store().tenants()?;
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let backend = console.backend();
    let map = backend.shard_map().await?;
    let weights = tenant_weight::weigh(&map, &backend.tenant_weights().await?);
    Ok(records
        .into_iter()
        .map(|r| {
            let group = map.groups.iter().find(|g| g.tenants.contains(&r.tenant.id));
            let weight = weights.get(&r.tenant.id).cloned().unwrap_or_default();
            TenantRow {
                id: r.tenant.id,
                name: r.tenant.name.as_str().to_string(),
                scale_factor: r.tenant.scale_factor.get(),
                naming: r.naming,
                status: format!("{:?}", r.tenant.status).to_lowercase(),
                created_at: r.tenant.created_at,
                documents: weight.documents,
                expected_documents: r.tenant.document_count(),
                shard_group: group.map(|g| g.index),
                leader: group.map(|g| g.leader.clone()),
                followers: group.map(|g| g.followers.clone()).unwrap_or_default(),
                placement: console
                    .store()
                    .placement(r.tenant.id)
                    .ok()
                    .flatten()
                    .map(|p| p.why),
                bytes: weight.bytes,
                neighbours: weight.neighbours,
                group_share: weight.group_share,
                server_shares: weight.servers,
            }
        })
        .collect())
}

/// Data servers only (what the planner balances).
pub fn is_data_server(role: ServerRole) -> bool {
    role.holds_data()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_are_listed_largest_first_then_by_name() {
        let known: BTreeMap<TenantId, Known> = [
            (1, "small b", 1),
            (2, "Huge", 1000),
            (3, "Small a", 1),
            (4, "Mid", 5),
        ]
        .into_iter()
        .map(|(seed, name, scale)| {
            let k = Known {
                name: name.into(),
                scale,
            };
            (TenantId::from_seed(seed), k)
        })
        .collect();
        let stranger = TenantId::from_seed(9);
        let ids: Vec<TenantId> = [1, 9, 3, 4, 2].map(TenantId::from_seed).to_vec();
        let names: Vec<String> = refs(&ids, &known).into_iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            ["Huge", "Mid", "Small a", "small b", "(unregistered)"]
        );
        assert_eq!(refs(&[stranger], &known)[0].id, stranger);
    }
}
