//! The planner's input: which servers exist and where each shard group's replicas live.
//!
//! Field names are snake_case when serialized (like the rest of the console's exports);
//! camelCase spellings (`inSync`) are accepted when reading. Health reads `good`, `Good` or
//! `GOOD` (and likewise for the others) and is written as `good` / `bad` / `failed`.
//!
//! Reading is lenient so hand-written files and the console's `shard-info --json` export
//! load as they are: `servers` may be omitted (then every server a replica names is taken,
//! healthy), a group without `id` is called `group <index>`, and unknown fields are ignored.

use serde::{Deserialize, Serialize};

/// ArangoDB's three health states of a DB-Server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Answers heartbeats.
    #[default]
    #[serde(alias = "Good", alias = "GOOD")]
    Good,
    /// Missed recent heartbeats. The planner moves data off it but never onto it, and
    /// never hands it leadership.
    #[serde(alias = "Bad", alias = "BAD")]
    Bad,
    /// Declared failed by the supervision: ArangoDB fails its shards over by itself, so the
    /// planner neither moves data onto it nor moves its replicas (unless it is drained), and
    /// leaves it out of the balance figures.
    #[serde(alias = "Failed", alias = "FAILED")]
    Failed,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Good => "good",
            Health::Bad => "bad",
            Health::Failed => "failed",
        }
    }
}

/// One DB-Server, by short name (`DBServer0001`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotServer {
    pub name: String,
    #[serde(default)]
    pub health: Health,
}

impl SnapshotServer {
    pub fn new(name: impl Into<String>, health: Health) -> Self {
        SnapshotServer {
            name: name.into(),
            health,
        }
    }
}

/// One shard group: shard `i` of every collection of a SmartGraph (they share placement
/// through `distributeShardsLike` and move as one), or one shard of a plain collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotGroup {
    /// A unique name: the prototype collection's shard id (`s1000012`) or `group 3`.
    #[serde(default)]
    pub id: String,
    /// Position of the group in its collections' shard lists, when known.
    #[serde(default)]
    pub index: Option<u32>,
    /// The collections whose shards form the group, the prototype (the one the others
    /// follow) first. Groups whose first collection is the same belong to one ArangoDB
    /// collection for ArangoDB's leader score.
    #[serde(default)]
    pub collections: Vec<String>,
    /// The shard ids, in the order of `collections`. Its length is the group's shard count
    /// (at least 1 is assumed when empty).
    #[serde(default)]
    pub shards: Vec<String>,
    /// Short name of the server holding the leader replica.
    pub leader: String,
    /// Short names of the servers holding follower replicas.
    #[serde(default)]
    pub followers: Vec<String>,
    /// Sum of the sizes of the group's shards (one replica).
    #[serde(default)]
    pub bytes: u64,
    /// Sum of the document counts of the group's shards.
    #[serde(default)]
    pub documents: u64,
    /// All followers have caught up (Plan and Current agree). A group that is not in sync
    /// is not moved for balance, and its leadership is not switched.
    #[serde(default = "in_sync_default", alias = "inSync")]
    pub in_sync: bool,
}

fn in_sync_default() -> bool {
    true
}

impl SnapshotGroup {
    /// A group of one shard, in sync, with no collection or shard names and no document
    /// count: fill in what you know.
    pub fn new(
        id: impl Into<String>,
        leader: impl Into<String>,
        followers: &[&str],
        bytes: u64,
    ) -> Self {
        SnapshotGroup {
            id: id.into(),
            index: None,
            collections: Vec::new(),
            shards: Vec::new(),
            leader: leader.into(),
            followers: followers.iter().map(|f| f.to_string()).collect(),
            bytes,
            documents: 0,
            in_sync: true,
        }
    }

    /// Number of shards in the group (collections sharing its placement), at least 1.
    pub fn shard_count(&self) -> u32 {
        (self.shards.len().max(1)).min(u32::MAX as usize) as u32
    }

    /// Leader first, then followers.
    pub fn replicas(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.leader.as_str()).chain(self.followers.iter().map(String::as_str))
    }
}

/// Everything the planner knows about a cluster at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSnapshot {
    /// The DB-Servers. When empty, every server a replica names is taken, healthy.
    #[serde(default)]
    pub servers: Vec<SnapshotServer>,
    pub groups: Vec<SnapshotGroup>,
}

impl ClusterSnapshot {
    /// The server list, or when it is empty the servers the replicas name (sorted, healthy).
    pub fn effective_servers(&self) -> Vec<SnapshotServer> {
        if !self.servers.is_empty() {
            return self.servers.clone();
        }
        let names: std::collections::BTreeSet<&str> = self
            .groups
            .iter()
            .flat_map(|g| g.replicas())
            .filter(|s| !s.is_empty())
            .collect();
        names
            .into_iter()
            .map(|n| SnapshotServer::new(n, Health::Good))
            .collect()
    }

    /// The group's id, or `group <index>` / `group <position>` when it has none.
    pub(crate) fn group_name(&self, position: usize) -> String {
        let g = &self.groups[position];
        if !g.id.is_empty() {
            g.id.clone()
        } else {
            format!("group {}", g.index.map_or(position, |i| i as usize))
        }
    }
}
