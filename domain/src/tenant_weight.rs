//! What each tenant weighs and who it shares its servers with.
//!
//! A Disjoint SmartGraph keeps a tenant's data in one shard group, and a group
//! lives on the servers holding its replicas: a tenant's neighbours are the
//! tenants of its group, and a server's load is the sum of the tenants of every
//! group it holds. Sizes are the tenants' own stored figures (documents, and
//! bytes of their documents as stored JSON), never estimates from the scale
//! factor, so a tenant with a long configuration history weighs what it holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::port::ShardMap;
use crate::TenantId;

/// One tenant's data as the cluster stores it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    pub documents: u64,
    pub bytes: u64,
}

/// A tenant's part of what one server holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerShare {
    pub server: String,
    /// 0 to 1.
    pub share: f64,
}

/// A tenant among its neighbours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Weight {
    pub documents: u64,
    pub bytes: u64,
    pub group: Option<u32>,
    /// The other tenants with data in its shard group.
    pub neighbours: u32,
    /// Its bytes over its group's (0 to 1); none while the group holds nothing.
    pub group_share: Option<f64>,
    /// Its share of each server holding its group, the leader first.
    pub servers: Vec<ServerShare>,
}

impl Weight {
    /// "Shares shard group 7 with 3 other tenants; it is 62% of the group." What the
    /// tenant's page says, or nothing while the tenant has no group.
    pub fn sentence(&self) -> Option<String> {
        Some(sentence(self.group?, self.neighbours, self.group_share))
    }
}

/// "Shares shard group 7 with 3 other tenants; it is 62% of the group."
pub fn sentence(group: u32, neighbours: u32, group_share: Option<f64>) -> String {
    let share = group_share
        .map(|s| format!("; it is {} of the group", percent(s)))
        .unwrap_or_default();
    match neighbours {
        0 => format!("Alone in shard group {group}."),
        1 => format!("Shares shard group {group} with 1 other tenant{share}."),
        n => format!("Shares shard group {group} with {n} other tenants{share}."),
    }
}

/// A share as people read it: "62%", "<1%" for a sliver, "100%".
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 1.0 {
        "<1%".into()
    } else {
        format!("{:.0}%", p)
    }
}

/// One tenant's slice of a server (the noisy-neighbour view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slice {
    pub tenant: TenantId,
    pub bytes: u64,
    pub documents: u64,
    /// 0 to 1 of the server's tenants' bytes.
    pub share: f64,
}

/// Every tenant stored in a group of the map, weighed among its neighbours.
/// Tenants stored but in no group of the map (a map read mid-move) get their
/// sizes and no shares.
pub fn weigh(map: &ShardMap, stored: &BTreeMap<TenantId, Stored>) -> BTreeMap<TenantId, Weight> {
    let size = |t: &TenantId| stored.get(t).copied().unwrap_or_default();
    let server_totals = server_totals(map, stored);
    let mut out: BTreeMap<TenantId, Weight> = stored
        .iter()
        .map(|(t, s)| {
            let w = Weight {
                documents: s.documents,
                bytes: s.bytes,
                ..Weight::default()
            };
            (*t, w)
        })
        .collect();
    for g in &map.groups {
        let group_bytes: u64 = g.tenants.iter().map(|t| size(t).bytes).sum();
        for t in &g.tenants {
            let s = size(t);
            let servers = std::iter::once(&g.leader)
                .chain(&g.followers)
                .map(|server| ServerShare {
                    server: server.clone(),
                    share: ratio(s.bytes, server_totals.get(server).copied().unwrap_or(0)),
                })
                .collect();
            out.insert(
                *t,
                Weight {
                    documents: s.documents,
                    bytes: s.bytes,
                    group: Some(g.index),
                    neighbours: g.tenants.len().saturating_sub(1) as u32,
                    group_share: (group_bytes > 0).then(|| ratio(s.bytes, group_bytes)),
                    servers,
                },
            );
        }
    }
    out
}

/// Per server, the tenants with a replica there, largest first.
pub fn by_server(
    map: &ShardMap,
    stored: &BTreeMap<TenantId, Stored>,
) -> BTreeMap<String, Vec<Slice>> {
    let totals = server_totals(map, stored);
    let mut out: BTreeMap<String, Vec<Slice>> = BTreeMap::new();
    for g in &map.groups {
        for server in std::iter::once(&g.leader).chain(&g.followers) {
            let total = totals.get(server).copied().unwrap_or(0);
            let slices = out.entry(server.clone()).or_default();
            for t in &g.tenants {
                let s = stored.get(t).copied().unwrap_or_default();
                slices.push(Slice {
                    tenant: *t,
                    bytes: s.bytes,
                    documents: s.documents,
                    share: ratio(s.bytes, total),
                });
            }
        }
    }
    for slices in out.values_mut() {
        slices.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.tenant.cmp(&b.tenant)));
    }
    out
}

/// The tenants' bytes on each server, counting every replica it holds.
fn server_totals(map: &ShardMap, stored: &BTreeMap<TenantId, Stored>) -> BTreeMap<String, u64> {
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    for g in &map.groups {
        let bytes: u64 = g
            .tenants
            .iter()
            .map(|t| stored.get(t).map_or(0, |s| s.bytes))
            .sum();
        for server in std::iter::once(&g.leader).chain(&g.followers) {
            *totals.entry(server.clone()).or_default() += bytes;
        }
    }
    totals
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::port::ShardGroup;
    use proptest::prelude::*;

    fn group(index: u32, leader: &str, followers: &[&str], tenants: &[TenantId]) -> ShardGroup {
        ShardGroup {
            index,
            leader: leader.into(),
            followers: followers.iter().map(|s| s.to_string()).collect(),
            documents: 0,
            bytes: 0,
            tenants: tenants.to_vec(),
            in_sync: true,
            available: true,
        }
    }

    fn id(n: u64) -> TenantId {
        TenantId::from_seed(n)
    }

    #[test]
    fn a_tenant_is_weighed_against_its_group_and_its_servers() {
        let map = ShardMap {
            number_of_shards: 2,
            replication_factor: 2,
            collections: Vec::new(),
            groups: vec![
                group(0, "A", &["B"], &[id(1), id(2), id(3), id(4)]),
                group(1, "B", &["C"], &[id(5)]),
            ],
        };
        let stored: BTreeMap<_, _> = [(1, 620), (2, 200), (3, 100), (4, 80), (5, 1000)]
            .into_iter()
            .map(|(n, bytes)| {
                (
                    id(n),
                    Stored {
                        documents: bytes / 10,
                        bytes,
                    },
                )
            })
            .collect();
        let w = weigh(&map, &stored);
        let big = &w[&id(1)];
        assert_eq!((big.group, big.neighbours, big.documents), (Some(0), 3, 62));
        assert_eq!(
            big.sentence().unwrap(),
            "Shares shard group 0 with 3 other tenants; it is 62% of the group."
        );
        // A holds group 0 only; B holds both groups (2,000 bytes).
        assert_eq!(big.servers[0].server, "A");
        assert!((big.servers[0].share - 0.62).abs() < 1e-9);
        assert!((big.servers[1].share - 0.31).abs() < 1e-9);
        assert_eq!(w[&id(5)].sentence().unwrap(), "Alone in shard group 1.");

        let on_b = &by_server(&map, &stored)["B"];
        assert_eq!(
            on_b.iter().map(|s| s.tenant).collect::<Vec<_>>(),
            [id(5), id(1), id(2), id(3), id(4)]
        );
        assert!((on_b[0].share - 0.5).abs() < 1e-9);
    }

    #[test]
    fn percentages_read_as_people_write_them() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.004), "<1%");
        assert_eq!(percent(0.6249), "62%");
        assert_eq!(percent(1.0), "100%");
    }

    proptest! {
        /// Shares of a group, and of a server, add up to all of it.
        #[test]
        fn shares_add_up(sizes in prop::collection::vec((0u32..6, 0u64..1_000_000), 1..40)) {
            let servers = ["A", "B", "C", "D"];
            let mut groups: Vec<ShardGroup> = (0..6u32)
                .map(|g| group(g, servers[g as usize % 4], &[servers[(g as usize + 1) % 4]], &[]))
                .collect();
            let mut stored = BTreeMap::new();
            for (n, (g, bytes)) in sizes.iter().enumerate() {
                let t = id(n as u64 + 1);
                groups[*g as usize].tenants.push(t);
                stored.insert(t, Stored { documents: bytes / 100, bytes: *bytes });
            }
            let map = ShardMap { number_of_shards: 6, replication_factor: 2, collections: Vec::new(), groups };
            let w = weigh(&map, &stored);
            for g in &map.groups {
                let shares: Vec<f64> = g.tenants.iter().filter_map(|t| w[t].group_share).collect();
                if !shares.is_empty() {
                    prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                }
                for t in &g.tenants {
                    prop_assert_eq!(w[t].neighbours as usize, g.tenants.len() - 1);
                    prop_assert_eq!(w[t].servers.len(), 2);
                }
            }
            for slices in by_server(&map, &stored).values() {
                let total: u64 = slices.iter().map(|s| s.bytes).sum();
                if total > 0 {
                    prop_assert!((slices.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-9);
                }
                prop_assert!(slices.windows(2).all(|p| p[0].bytes >= p[1].bytes));
            }
        }
    }
}
