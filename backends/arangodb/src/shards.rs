//! Shard placement, counts and sizes, read from ArangoDB and assembled into the port's
//! [`ShardMap`].
//!
//! Shard groups: every collection of the SmartGraph follows the graph's *initial*
//! collection (`distributeShardsLike`), and ArangoDB pairs shards by their order: the i-th
//! shard (by shard number) of every collection sits on the servers of the i-th shard of the
//! initial collection. So group `i` is the position of a shard in its collection's list
//! sorted by shard number, and the initial collection's i-th shard is the one a move names.
//! The initial collection is the `initial` attribute of the graph (`GET /_api/gharial/<g>`):
//! the first vertex collection of the first edge definition.
//!
//! Sizes: ArangoDB reports no per-shard byte size on a Coordinator, only per-collection
//! figures. A shard's `bytes` is its collection's `figures.documentsSize` shared out in
//! proportion to the shard's document count (`count?details=true`); with no per-shard
//! counts, evenly. Index sizes are left out: a moved shard's indexes are rebuilt, not copied.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use scaleout_domain::port::{
    CollectionShards, SchemaSpec, ServerHealth, ServerInfo, ShardGroup, ShardInfo, ShardMap,
};
use scaleout_domain::TenantId;

use crate::topology::SINGLE_SERVER_NAME;

/// Where one shard's replicas are meant to be (Plan) and are (Current), by short name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub plan_leader: String,
    pub plan_followers: Vec<String>,
    pub current_leader: Option<String>,
    pub current_followers: Vec<String>,
}

impl Placement {
    /// Current has the planned leader and every planned follower.
    pub fn in_sync(&self) -> bool {
        self.current_leader.as_deref() == Some(self.plan_leader.as_str())
            && self
                .plan_followers
                .iter()
                .all(|f| self.current_followers.contains(f))
    }

    /// A leader serves the shard and its server has not failed.
    pub fn available(&self, health: &BTreeMap<&str, ServerHealth>) -> bool {
        let leader = self
            .current_leader
            .as_deref()
            .filter(|l| !l.is_empty())
            .unwrap_or(&self.plan_leader);
        !leader.is_empty() && health.get(leader) != Some(&ServerHealth::Failed)
    }
}

/// collection name -> shard id -> placement.
pub type Distribution = BTreeMap<String, BTreeMap<String, Placement>>;

fn names(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Reads `GET /_db/<db>/_admin/cluster/shardDistribution`:
/// `{"results":{"<collection>":{"Plan":{"<shard>":{"leader","followers"}},"Current":{...}}}}`.
pub fn parse_shard_distribution(v: &Value) -> Result<Distribution, String> {
    let results = v
        .get("results")
        .and_then(Value::as_object)
        .ok_or("no results object in the answer")?;
    let mut out = Distribution::new();
    for (collection, entry) in results {
        let mut shards: BTreeMap<String, Placement> = BTreeMap::new();
        if let Some(plan) = entry.get("Plan").and_then(Value::as_object) {
            for (shard, p) in plan {
                let slot = shards.entry(shard.clone()).or_default();
                slot.plan_leader = p
                    .get("leader")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                slot.plan_followers = names(p.get("followers"));
            }
        }
        if let Some(current) = entry.get("Current").and_then(Value::as_object) {
            for (shard, c) in current {
                // A shard only in Current is being dropped: not part of the placement.
                if let Some(slot) = shards.get_mut(shard) {
                    slot.current_leader = c
                        .get("leader")
                        .and_then(Value::as_str)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned);
                    slot.current_followers = names(c.get("followers"));
                }
            }
        }
        out.insert(collection.clone(), shards);
    }
    Ok(out)
}

/// Reads `GET /_api/collection/<c>/shards?details=true`: shard -> [leader id, follower
/// ids...]. Without `details` ArangoDB sends a plain list, read as shards with no servers.
pub fn parse_shards_details(v: &Value) -> Result<BTreeMap<String, Vec<String>>, String> {
    match v.get("shards") {
        Some(Value::Object(map)) => Ok(map
            .iter()
            .map(|(shard, servers)| (shard.clone(), names(Some(servers))))
            .collect()),
        Some(Value::Array(list)) => Ok(list
            .iter()
            .filter_map(Value::as_str)
            .map(|s| (s.to_owned(), Vec::new()))
            .collect()),
        _ => Err("no shards in the answer".into()),
    }
}

/// Document counts of a collection, per shard when ArangoDB gave them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: u64,
    pub per_shard: BTreeMap<String, u64>,
}

/// Reads `GET /_api/collection/<c>/count[?details=true]`. The plain form has `"count": n`;
/// with details a Coordinator sends `"count": {"<shard>": n, ...}`. Both are accepted, and a
/// per-shard value may also be an object with a `count`.
pub fn parse_count(v: &Value) -> Result<Counts, String> {
    match v.get("count") {
        Some(Value::Object(map)) => {
            let per_shard: BTreeMap<String, u64> = map
                .iter()
                .filter_map(|(shard, n)| {
                    let n = n
                        .as_u64()
                        .or_else(|| n.get("count").and_then(Value::as_u64))?;
                    Some((shard.clone(), n))
                })
                .collect();
            Ok(Counts {
                total: per_shard.values().sum(),
                per_shard,
            })
        }
        Some(n) => n
            .as_u64()
            .map(|total| Counts {
                total,
                per_shard: BTreeMap::new(),
            })
            .ok_or_else(|| format!("count is not a number: {n}")),
        None => Err("no count in the answer".into()),
    }
}

/// The parts of `GET /_api/collection/<c>/figures` the adapter uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Bytes of stored documents (RocksDB's estimate).
    pub documents_size: u64,
    pub indexes_size: u64,
}

pub fn parse_figures(v: &Value) -> Result<Figures, String> {
    let f = v.get("figures").ok_or("no figures in the answer")?;
    Ok(Figures {
        documents_size: f.get("documentsSize").and_then(Value::as_u64).unwrap_or(0),
        indexes_size: f
            .get("indexes")
            .and_then(|i| i.get("size"))
            .and_then(Value::as_u64)
            .unwrap_or(0),
    })
}

/// Reads `PUT /_api/collection/<c>/responsibleShard`: `{"shardId":"s..."}`.
pub fn parse_responsible_shard(v: &Value) -> Result<String, String> {
    v.get("shardId")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "no shardId in the answer".into())
}

/// Shard ids by number (`s99` before `s100`), which is how ArangoDB pairs shards of
/// collections that follow one another.
pub fn sorted_shards<'a>(ids: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut v: Vec<String> = ids.into_iter().cloned().collect();
    v.sort_by_key(|id| {
        let digits: String = id.chars().filter(char::is_ascii_digit).collect();
        (digits.len(), digits, id.clone())
    });
    v
}

/// One collection of the graph as read from ArangoDB.
#[derive(Debug, Clone, Default)]
pub struct CollectionData {
    /// The collection's name in the graph (`hasConnection`, not `_local_hasConnection`).
    pub name: String,
    pub shards: BTreeMap<String, Placement>,
    pub counts: Counts,
    pub figures: Figures,
}

fn shard_bytes(data: &CollectionData, shard_docs: u64, shards: usize) -> u64 {
    let size = u128::from(data.figures.documents_size);
    if data.counts.per_shard.is_empty() {
        return (size / shards.max(1) as u128) as u64;
    }
    let total = u128::from(data.counts.total);
    if total == 0 {
        return 0;
    }
    (size * u128::from(shard_docs) / total) as u64
}

/// A server as shardDistribution names it, as the rest of the console does: its short
/// name. While a leader resigns (a leader move), ArangoDB's Plan writes it as `"_" + id`,
/// and shardDistribution reports `_PRMR-...` for a few seconds; like ArangoDB's own
/// rebalancer, one leading `_` is dropped, and an id becomes its short name.
pub fn server_name(raw: &str, servers: &[ServerInfo]) -> String {
    let bare = raw.strip_prefix('_').unwrap_or(raw);
    servers
        .iter()
        .find(|s| s.id == bare || s.short_name == bare)
        .map(|s| s.short_name.clone())
        .unwrap_or_else(|| bare.to_owned())
}

/// `p` with every server named by [`server_name`].
fn named(p: &Placement, name: impl Fn(&str) -> String) -> Placement {
    Placement {
        plan_leader: name(&p.plan_leader),
        plan_followers: p.plan_followers.iter().map(|f| name(f)).collect(),
        current_leader: p.current_leader.as_deref().map(&name),
        current_followers: p.current_followers.iter().map(|f| name(f)).collect(),
    }
}

/// The shard groups whose hidden edge clones (`_from_<E>`, `_to_<E>`: not among the
/// graph's named collections) are not all in sync. A leader switch waits in ToDo until
/// every clone of the shard is (moves.md), so such a group is not in sync either.
pub fn lagging_hidden_clones(distribution: &Distribution) -> BTreeSet<u32> {
    distribution
        .iter()
        .filter(|(name, _)| name.starts_with("_from_") || name.starts_with("_to_"))
        .flat_map(|(_, shards)| {
            sorted_shards(shards.keys())
                .into_iter()
                .enumerate()
                .filter(|(_, id)| !shards[id].in_sync())
                .map(|(group, _)| group as u32)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The shard map of a cluster. `initial` is the graph's initial collection (one of
/// `collections`), `tenants` the tenants of each group.
pub fn build_cluster_map(
    spec: &SchemaSpec,
    initial: &str,
    collections: &[CollectionData],
    servers: &[ServerInfo],
    tenants: &BTreeMap<u32, BTreeSet<TenantId>>,
) -> ShardMap {
    let health: BTreeMap<&str, ServerHealth> = servers
        .iter()
        .map(|s| (s.short_name.as_str(), s.health))
        .collect();
    let name = |raw: &str| server_name(raw, servers);
    let collections_out: Vec<CollectionShards> = collections
        .iter()
        .map(|data| {
            let order = sorted_shards(data.shards.keys());
            let shards = order
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let p = &named(&data.shards[id], name);
                    let documents = data.counts.per_shard.get(id).copied().unwrap_or(0);
                    ShardInfo {
                        id: id.clone(),
                        group: i as u32,
                        leader: p.plan_leader.clone(),
                        followers: p.plan_followers.clone(),
                        documents,
                        bytes: shard_bytes(data, documents, order.len()),
                        in_sync: p.in_sync(),
                        available: p.available(&health),
                    }
                })
                .collect();
            CollectionShards {
                name: data.name.clone(),
                shards,
            }
        })
        .collect();
    let groups = collections_out
        .iter()
        .find(|c| c.name == initial)
        .map(|init| {
            init.shards
                .iter()
                .map(|first| {
                    let members = collections_out
                        .iter()
                        .filter_map(|c| c.shards.iter().find(|s| s.group == first.group));
                    let (mut documents, mut bytes) = (0, 0);
                    let (mut in_sync, mut available) = (true, true);
                    for s in members {
                        documents += s.documents;
                        bytes += s.bytes;
                        in_sync &= s.in_sync;
                        available &= s.available;
                    }
                    ShardGroup {
                        index: first.group,
                        leader: first.leader.clone(),
                        followers: first.followers.clone(),
                        documents,
                        bytes,
                        tenants: tenants
                            .get(&first.group)
                            .map(|t| t.iter().copied().collect())
                            .unwrap_or_default(),
                        in_sync,
                        available,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    ShardMap {
        number_of_shards: spec.number_of_shards,
        replication_factor: spec.replication_factor,
        collections: collections_out,
        groups,
    }
}

/// The shard map of a single server: no shards, so each collection shows as one shard
/// named after it, all in group 0 on the one server.
pub fn build_single_map(
    spec: &SchemaSpec,
    collections: &[CollectionData],
    tenants: &BTreeSet<TenantId>,
) -> ShardMap {
    let collections_out: Vec<CollectionShards> = collections
        .iter()
        .map(|data| CollectionShards {
            name: data.name.clone(),
            shards: vec![ShardInfo {
                id: data.name.clone(),
                group: 0,
                leader: SINGLE_SERVER_NAME.to_owned(),
                followers: Vec::new(),
                documents: data.counts.total,
                bytes: data.figures.documents_size,
                in_sync: true,
                available: true,
            }],
        })
        .collect();
    let group = ShardGroup {
        index: 0,
        leader: SINGLE_SERVER_NAME.to_owned(),
        followers: Vec::new(),
        documents: collections_out.iter().map(|c| c.shards[0].documents).sum(),
        bytes: collections_out.iter().map(|c| c.shards[0].bytes).sum(),
        tenants: tenants.iter().copied().collect(),
        in_sync: true,
        available: true,
    };
    ShardMap {
        number_of_shards: spec.number_of_shards,
        replication_factor: spec.replication_factor,
        collections: collections_out,
        groups: vec![group],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::port::ServerRole;
    use serde_json::json;

    fn placement(leader: &str, followers: &[&str]) -> Placement {
        Placement {
            plan_leader: leader.into(),
            plan_followers: followers.iter().map(|s| s.to_string()).collect(),
            current_leader: Some(leader.into()),
            current_followers: followers.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn distribution_plan_and_current() {
        let v = json!({"error": false, "results": {"Device": {
            "Plan": {"s10": {"leader": "DBServer0001", "followers": ["DBServer0002"]},
                     "s9": {"leader": "DBServer0002", "followers": ["DBServer0003"]}},
            "Current": {"s10": {"leader": "DBServer0001", "followers": []},
                        "s9": {"leader": "DBServer0002", "followers": ["DBServer0003"]},
                        "s8": {"leader": "DBServer0002", "followers": []}}}}});
        let d = parse_shard_distribution(&v).unwrap();
        let device = &d["Device"];
        assert_eq!(device.len(), 2, "a shard only in Current is ignored");
        assert!(!device["s10"].in_sync(), "follower still syncing");
        assert!(device["s9"].in_sync());
        assert_eq!(sorted_shards(device.keys()), ["s9", "s10"]);
    }

    #[test]
    fn a_lagging_hidden_edge_clone_marks_its_group() {
        let v = json!({"error": false, "results": {
            "_local_Connects": {"Plan": {"s1": {"leader": "A", "followers": ["B"]}, "s2": {"leader": "B", "followers": ["A"]}},
                                "Current": {"s1": {"leader": "A", "followers": ["B"]}, "s2": {"leader": "B", "followers": ["A"]}}},
            "_from_Connects": {"Plan": {"s3": {"leader": "A", "followers": ["B"]}, "s4": {"leader": "B", "followers": ["A"]}},
                               "Current": {"s3": {"leader": "A", "followers": ["B"]}, "s4": {"leader": "B", "followers": []}}},
            "_to_Connects": {"Plan": {"s5": {"leader": "A", "followers": ["B"]}, "s6": {"leader": "B", "followers": ["A"]}},
                             "Current": {"s5": {"leader": "A", "followers": ["B"]}, "s6": {"leader": "B", "followers": ["A"]}}}}});
        let d = parse_shard_distribution(&v).unwrap();
        // s4 is the second shard of _from_Connects: group 1.
        assert_eq!(lagging_hidden_clones(&d), BTreeSet::from([1]));
    }

    #[test]
    fn counts_in_both_shapes() {
        assert_eq!(parse_count(&json!({"count": 100})).unwrap().total, 100);
        let detailed = parse_count(&json!({"count": {"s1": 3, "s2": {"count": 4}}})).unwrap();
        assert_eq!(detailed.total, 7);
        assert_eq!(detailed.per_shard["s2"], 4);
        assert!(parse_count(&json!({"count": "x"})).is_err());
        assert!(parse_count(&json!({})).is_err());
    }

    #[test]
    fn groups_follow_the_initial_collection() {
        let spec = SchemaSpec {
            number_of_shards: 2,
            ..SchemaSpec::default()
        };
        let mk = |name: &str, ids: [&str; 2], docs: [u64; 2], size: u64| CollectionData {
            name: name.into(),
            shards: BTreeMap::from([
                (
                    ids[0].to_string(),
                    placement("DBServer0001", &["DBServer0002"]),
                ),
                (
                    ids[1].to_string(),
                    placement("DBServer0002", &["DBServer0003"]),
                ),
            ]),
            counts: Counts {
                total: docs[0] + docs[1],
                per_shard: BTreeMap::from([
                    (ids[0].to_string(), docs[0]),
                    (ids[1].to_string(), docs[1]),
                ]),
            },
            figures: Figures {
                documents_size: size,
                indexes_size: 0,
            },
        };
        let collections = vec![
            mk("DeviceProxyOut", ["s100", "s99"], [1, 3], 400),
            mk("Device", ["s200", "s201"], [2, 2], 100),
        ];
        let servers: Vec<ServerInfo> = (1..=3)
            .map(|i| ServerInfo {
                id: format!("PRMR-{i}"),
                short_name: format!("DBServer000{i}"),
                role: ServerRole::DbServer,
                health: if i == 3 {
                    ServerHealth::Failed
                } else {
                    ServerHealth::Good
                },
            })
            .collect();
        let t = TenantId::from_seed(1);
        let tenants = BTreeMap::from([(1u32, BTreeSet::from([t]))]);
        let map = build_cluster_map(&spec, "DeviceProxyOut", &collections, &servers, &tenants);
        assert_eq!(map.groups.len(), 2);
        // s99 sorts before s100: group 0 is s99.
        assert_eq!(map.collections[0].shards[0].id, "s99");
        assert_eq!(map.collections[0].shards[0].documents, 3);
        assert_eq!(map.collections[0].shards[0].bytes, 300);
        assert_eq!(map.groups[0].documents, 3 + 2);
        assert_eq!(map.groups[0].bytes, 300 + 50);
        assert_eq!(map.groups[1].tenants, vec![t]);
        assert!(map.groups.iter().all(|g| g.available && g.in_sync));
        assert_eq!(map.number_of_shards, 2);
    }

    #[test]
    fn a_resigning_leader_keeps_its_short_name() {
        let servers: Vec<ServerInfo> = (1..=2)
            .map(|i| ServerInfo {
                id: format!("PRMR-0000000{i}-aaaa"),
                short_name: format!("DBServer000{i}"),
                role: ServerRole::DbServer,
                health: ServerHealth::Good,
            })
            .collect();
        // What shardDistribution says for a few seconds of a leader move.
        assert_eq!(server_name("_PRMR-00000001-aaaa", &servers), "DBServer0001");
        assert_eq!(server_name("PRMR-00000002-aaaa", &servers), "DBServer0002");
        assert_eq!(server_name("DBServer0002", &servers), "DBServer0002");
        // Only one `_` goes, as in ArangoDB's rebalancer; an unknown server keeps its name.
        assert_eq!(server_name("__x", &servers), "_x");
        let raw = serde_json::json!({"results": {"c": {
            "Plan": {"s1": {"leader": "_PRMR-00000001-aaaa", "followers": ["DBServer0002"]}},
            "Current": {"s1": {"leader": "_PRMR-00000001-aaaa", "followers": ["DBServer0002"]}}}}});
        let dist = parse_shard_distribution(&raw).unwrap();
        let p = named(&dist["c"]["s1"], |n| server_name(n, &servers));
        assert_eq!(p.plan_leader, "DBServer0001");
        assert!(p.in_sync());
    }

    #[test]
    fn single_server_is_one_group() {
        let spec = SchemaSpec::default();
        let data = CollectionData {
            name: "Device".into(),
            counts: Counts {
                total: 5,
                per_shard: BTreeMap::new(),
            },
            figures: Figures {
                documents_size: 50,
                indexes_size: 1,
            },
            ..Default::default()
        };
        let map = build_single_map(&spec, &[data], &BTreeSet::new());
        assert_eq!(map.groups.len(), 1);
        assert_eq!(map.groups[0].leader, SINGLE_SERVER_NAME);
        assert_eq!(map.collections[0].shards[0].documents, 5);
        assert_eq!(map.number_of_shards, spec.number_of_shards);
    }
}
