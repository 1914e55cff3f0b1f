//! What the person planning asks for.

use serde::{Deserialize, Serialize};

/// What "balanced" means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceTarget {
    /// Every server holds about the same number of bytes (leader and follower replicas
    /// both count: a follower stores the full data). The default.
    #[default]
    Bytes,
    /// Every server holds about the same number of shard replicas (a group counts once per
    /// shard it contains), whatever their sizes: ArangoDB's own notion.
    #[serde(alias = "shardCount", alias = "shards")]
    ShardCount,
}

impl BalanceTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            BalanceTarget::Bytes => "bytes",
            BalanceTarget::ShardCount => "shard count",
        }
    }
}

/// How to plan. `PlanOptions::default()` plans a plain rebalance by bytes with leader
/// switches allowed (ArangoDB's `leaderChanges` defaults to true too) and no cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanOptions {
    /// Hypothetical new servers, healthy and empty, named `WhatIf01`, `WhatIf02`, ...
    /// (a name already taken in the snapshot is skipped).
    #[serde(alias = "whatIfServers")]
    pub what_if_servers: u32,
    /// Servers to empty completely (short names). Their moves come first.
    pub drain: Vec<String>,
    /// At most this many steps (moves and leader switches together).
    #[serde(alias = "maxMoves")]
    pub max_moves: Option<u32>,
    /// Allow swapping leadership between a group's leader and an in-sync follower: no data
    /// moves, only leader counts change.
    #[serde(alias = "allowLeaderSwitches")]
    pub allow_leader_switches: bool,
    pub target: BalanceTarget,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            what_if_servers: 0,
            drain: Vec::new(),
            max_moves: None,
            allow_leader_switches: true,
            target: BalanceTarget::Bytes,
        }
    }
}

/// The name of the `n`-th hypothetical server (1-based): `WhatIf01`, ..., `WhatIf100`.
pub fn what_if_name(n: u32) -> String {
    format!("WhatIf{n:02}")
}
