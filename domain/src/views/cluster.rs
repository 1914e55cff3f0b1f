//! Servers, shard groups and tenants as the console shows them.

use serde::{Deserialize, Serialize};

use crate::console::BackendInfo;
use crate::port::{ClusterMode, CollectionShards, ServerHealth, ServerInfo, ServerRole};
use crate::{Naming, TenantId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRef {
    pub id: TenantId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerLoad {
    pub id: String,
    pub short_name: String,
    pub role: ServerRole,
    pub health: ServerHealth,
    /// Shard groups with any replica here.
    pub shard_groups: Vec<u32>,
    pub leaders: u32,
    pub followers: u32,
    /// Bytes and documents of every replica held (leaders and followers).
    pub bytes: u64,
    pub documents: u64,
    /// Tenants whose data has a replica here.
    pub tenants: Vec<TenantRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerReport {
    pub backend: BackendInfo,
    pub mode: ClusterMode,
    pub version: String,
    pub edition: String,
    pub servers: Vec<ServerLoad>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    pub index: u32,
    pub leader: String,
    pub followers: Vec<String>,
    pub documents: u64,
    pub bytes: u64,
    pub tenants: Vec<TenantRef>,
    pub in_sync: bool,
    pub available: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardReport {
    pub number_of_shards: u32,
    pub replication_factor: u32,
    pub groups: Vec<GroupRow>,
    pub collections: Vec<CollectionShards>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantRow {
    pub id: TenantId,
    pub name: String,
    pub scale_factor: u32,
    pub naming: Naming,
    pub status: String,
    pub created_at: i64,
    pub documents: u64,
    pub expected_documents: u64,
    pub shard_group: Option<u32>,
    pub leader: Option<String>,
    pub followers: Vec<String>,
    /// Why it went to its shard group when it was created (see `tenant_placement`).
    #[serde(default)]
    pub placement: Option<String>,
}

impl TenantRow {
    /// Whether the Tenants page's filter keeps this row: every word of `query`, ignoring
    /// case, is in the name, begins the id, is the status, or is in the name of a server
    /// holding the tenant ("acme", "8b8b34", "failed", "DBServer0002"). Ids only by
    /// their beginning: a digit is somewhere in almost every hexadecimal id.
    pub fn matches(&self, query: &str) -> bool {
        let name = self.name.to_lowercase();
        let servers: Vec<String> = self
            .leader
            .iter()
            .chain(&self.followers)
            .map(|s| s.to_lowercase())
            .collect();
        query.split_whitespace().all(|word| {
            let word = word.to_lowercase();
            name.contains(&word)
                || self.id.as_str().starts_with(&word)
                || self.status.eq_ignore_ascii_case(&word)
                || servers.iter().any(|s| s.contains(&word))
        })
    }
}

/// DB servers added by one action, at most.
pub const MAX_SERVERS_PER_ADD: u32 = 64;

/// DB servers in all, at most: what the planner plans and the pages draw well.
pub const MAX_DB_SERVERS: usize = 128;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddedServers {
    pub added: Vec<ServerInfo>,
    pub db_servers: usize,
}

/// What `server remove` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovedServer {
    pub server: String,
    /// The cluster's id for it (ArangoDB: `PRMR-...`).
    pub id: String,
    /// Gone from the cluster (embedded); false when a person must retire it (ArangoDB).
    pub removed: bool,
    /// What was checked, and what is left to do, for people.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> TenantRow {
        TenantRow {
            id: TenantId::parse("8b8b34f3aa34").unwrap(),
            name: "Acme Corp".into(),
            scale_factor: 1,
            naming: Naming::CamelCase,
            status: "active".into(),
            created_at: 0,
            documents: 1095,
            expected_documents: 1095,
            shard_group: Some(4),
            leader: Some("DBServer0002".into()),
            followers: vec!["DBServer0003".into()],
            placement: None,
        }
    }

    #[test]
    fn the_filter_finds_a_tenant_by_name_id_status_or_server() {
        let r = row();
        for hit in [
            "",
            "  ",
            "acme",
            "ACME corp",
            "corp acme",
            "8b8b34",
            "Active",
            "dbserver0003",
            "0002",
            "acme 0002",
        ] {
            assert!(r.matches(hit), "{hit:?}");
        }
        for miss in [
            "globex",
            "acme globex",
            "DBServer0001",
            "failed",
            "8b8b35",
            "f3aa34",
            "activ",
        ] {
            assert!(!r.matches(miss), "{miss:?}");
        }
    }
}
