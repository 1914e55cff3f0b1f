//! Servers of a cluster, as both back ends report them.

use serde::{Deserialize, Serialize};

use crate::console::BackendKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServerRole {
    DbServer,
    Coordinator,
    Agent,
    /// A single server: one machine doing everything.
    Single,
}

impl ServerRole {
    /// Holds shards.
    pub fn holds_data(self) -> bool {
        matches!(self, ServerRole::DbServer | ServerRole::Single)
    }
}

/// ArangoDB's three health states (`GOOD`, `BAD`, `FAILED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServerHealth {
    Good,
    Bad,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// The long id (`PRMR-...` on ArangoDB); the short name on the embedded back end.
    pub id: String,
    /// `DBServer0001`: the name shard placement uses.
    pub short_name: String,
    pub role: ServerRole,
    pub health: ServerHealth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClusterMode {
    Single,
    Cluster,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterOverview {
    pub backend: BackendKind,
    pub mode: ClusterMode,
    pub version: String,
    /// "enterprise", "community", or the back end's own word for it.
    pub edition: String,
    pub servers: Vec<ServerInfo>,
}

impl ClusterOverview {
    pub fn db_servers(&self) -> impl Iterator<Item = &ServerInfo> {
        self.servers.iter().filter(|s| s.role.holds_data())
    }
}
