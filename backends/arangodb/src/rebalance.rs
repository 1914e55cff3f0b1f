//! ArangoDB's own rebalancing plan (`POST /_admin/cluster/rebalance`, compute only), so the
//! console can show it beside its own. ArangoDB scores imbalance counting every shard
//! replica as 1 MiB (real sizes are ignored), so its plan and the console's differ.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use scaleout_domain::port::{ServerInfo, ShardMap};

/// What ArangoDB may plan; `Default` is the body the console sends (leader changes only,
/// as ArangoDB's web UI does by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RebalanceOptions {
    /// At most 5000 (ArangoDB's limit).
    pub maximum_number_of_moves: u32,
    pub leader_changes: bool,
    pub move_leaders: bool,
    pub move_followers: bool,
    pub exclude_system_collections: bool,
    /// Weight of the leader-duplication term; sent explicitly, as its default changed.
    pub pi_factor: f64,
    pub databases_excluded: Vec<String>,
}

impl Default for RebalanceOptions {
    fn default() -> Self {
        RebalanceOptions {
            maximum_number_of_moves: 1000,
            leader_changes: true,
            move_leaders: false,
            move_followers: false,
            // A SmartGraph's hidden `_local_`, `_from_` and `_to_` collections are "system"
            // collections: excluded, the graph would be under-weighted (moves.md).
            exclude_system_collections: false,
            pi_factor: 256e6,
            databases_excluded: Vec::new(),
        }
    }
}

impl RebalanceOptions {
    pub const MAX_MOVES: u32 = 5000;

    /// The request body (`version` must be 1).
    pub fn body(&self) -> Value {
        json!({
            "version": 1,
            "maximumNumberOfMoves": self.maximum_number_of_moves.min(Self::MAX_MOVES),
            "leaderChanges": self.leader_changes,
            "moveLeaders": self.move_leaders,
            "moveFollowers": self.move_followers,
            "excludeSystemCollections": self.exclude_system_collections,
            "piFactor": self.pi_factor,
            "databasesExcluded": self.databases_excluded,
        })
    }
}

/// ArangoDB's imbalance scores (lower is better).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Imbalance {
    /// Leader imbalance, including the leader-duplication term times `piFactor`.
    pub leader: f64,
    /// Sum over servers of (replicas held - target)^2, a replica counting 1 MiB.
    pub shards: f64,
}

/// One move of ArangoDB's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebalanceMove {
    /// Short names (`DBServer0001`); the long id when the server is not in the health list.
    pub from: String,
    pub to: String,
    pub from_id: String,
    pub to_id: String,
    pub shard: String,
    /// The collection id, as ArangoDB sends it.
    pub collection_id: String,
    /// The collection's name, for shards of the console's graph.
    pub collection: Option<String>,
    pub database: String,
    pub is_leader: bool,
    /// The console's shard group, for shards of its graph.
    pub group: Option<u32>,
}

/// ArangoDB's plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RebalancePlan {
    pub imbalance_before: Imbalance,
    pub imbalance_after: Imbalance,
    pub moves: Vec<RebalanceMove>,
}

fn imbalance(v: Option<&Value>) -> Imbalance {
    let part = |key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(|p| p.get("imbalance"))
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    };
    Imbalance {
        leader: part("leader"),
        shards: part("shards"),
    }
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Reads the answer (`result.{imbalanceBefore, imbalanceAfter, moves}`), naming servers by
/// short name and shards of the console's graph by collection and group.
pub fn parse_plan(
    v: &Value,
    servers: &[ServerInfo],
    map: &ShardMap,
) -> Result<RebalancePlan, String> {
    let result = v.get("result").ok_or("no result in the answer")?;
    let short: BTreeMap<&str, &str> = servers
        .iter()
        .map(|s| (s.id.as_str(), s.short_name.as_str()))
        .collect();
    let ours: BTreeMap<&str, (&str, u32)> = map
        .collections
        .iter()
        .flat_map(|c| {
            c.shards
                .iter()
                .map(move |s| (s.id.as_str(), (c.name.as_str(), s.group)))
        })
        .collect();
    let moves = result
        .get("moves")
        .and_then(Value::as_array)
        .ok_or("no moves list in the result")?
        .iter()
        .map(|m| {
            let from_id = text(m, "from");
            let to_id = text(m, "to");
            let shard = text(m, "shard");
            let known = ours.get(shard.as_str()).copied();
            RebalanceMove {
                from: short
                    .get(from_id.as_str())
                    .map_or_else(|| from_id.clone(), |s| s.to_string()),
                to: short
                    .get(to_id.as_str())
                    .map_or_else(|| to_id.clone(), |s| s.to_string()),
                collection_id: text(m, "collection"),
                collection: known.map(|(c, _)| c.to_owned()),
                group: known.map(|(_, g)| g),
                database: text(m, "database"),
                is_leader: m.get("isLeader").and_then(Value::as_bool).unwrap_or(false),
                from_id,
                to_id,
                shard,
            }
        })
        .collect();
    Ok(RebalancePlan {
        imbalance_before: imbalance(result.get("imbalanceBefore")),
        imbalance_after: imbalance(result.get("imbalanceAfter")),
        moves,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::port::{CollectionShards, ServerHealth, ServerRole, ShardInfo};

    #[test]
    fn default_body_is_the_documented_one() {
        assert_eq!(
            RebalanceOptions::default().body(),
            json!({"version": 1, "maximumNumberOfMoves": 1000, "leaderChanges": true,
                   "moveLeaders": false, "moveFollowers": false, "excludeSystemCollections": false,
                   "piFactor": 256000000.0, "databasesExcluded": []})
        );
        let many = RebalanceOptions {
            maximum_number_of_moves: 9999,
            ..Default::default()
        };
        assert_eq!(many.body()["maximumNumberOfMoves"], 5000);
    }

    #[test]
    fn plan_with_short_names_and_groups() {
        let servers = vec![ServerInfo {
            id: "PRMR-1".into(),
            short_name: "DBServer0001".into(),
            role: ServerRole::DbServer,
            health: ServerHealth::Good,
        }];
        let map = ShardMap {
            collections: vec![CollectionShards {
                name: "Device".into(),
                shards: vec![ShardInfo {
                    id: "s7".into(),
                    group: 3,
                    leader: "DBServer0001".into(),
                    followers: vec![],
                    documents: 0,
                    bytes: 0,
                    in_sync: true,
                    available: true,
                }],
            }],
            ..Default::default()
        };
        let v = json!({"error": false, "code": 200, "result": {
        "imbalanceBefore": {"leader": {"imbalance": 12.5, "weightUsed": [1, 2]}, "shards": {"imbalance": 3.0}},
        "imbalanceAfter": {"leader": {"imbalance": 0.5}, "shards": {"imbalance": 3.0}},
        "moves": [
            {"from": "PRMR-1", "to": "PRMR-9", "shard": "s7", "collection": "1001", "database": "db", "isLeader": true},
            {"from": "PRMR-9", "to": "PRMR-1", "shard": "s99", "collection": 1002, "database": "other", "isLeader": false}
        ]}});
        let plan = parse_plan(&v, &servers, &map).unwrap();
        assert_eq!(plan.imbalance_before.leader, 12.5);
        assert_eq!(plan.imbalance_after.shards, 3.0);
        assert_eq!(plan.moves[0].from, "DBServer0001");
        assert_eq!(plan.moves[0].to, "PRMR-9");
        assert_eq!(plan.moves[0].group, Some(3));
        assert_eq!(plan.moves[0].collection.as_deref(), Some("Device"));
        assert_eq!(plan.moves[1].collection_id, "1002");
        assert_eq!(plan.moves[1].group, None);
        assert!(parse_plan(&json!({}), &servers, &map).is_err());
    }
}
