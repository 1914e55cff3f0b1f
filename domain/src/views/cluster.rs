//! Servers, shard groups and tenants as the console shows them.

use serde::{Deserialize, Serialize};

use crate::console::BackendInfo;
use crate::port::{ClusterMode, CollectionShards, ServerHealth, ServerInfo, ServerRole};
use crate::tenant_weight::ServerShare;
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
    /// The same tenants by what they weigh here, largest first (the noisy neighbours).
    #[serde(default)]
    pub weights: Vec<TenantSlice>,
}

/// One tenant's part of what a server holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantSlice {
    pub id: TenantId,
    pub name: String,
    pub bytes: u64,
    /// 0 to 1 of the tenants' bytes on the server.
    pub share: f64,
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
    /// Bytes of its documents as stored (see `tenant_weight`).
    #[serde(default)]
    pub bytes: u64,
    /// The other tenants of its shard group.
    #[serde(default)]
    pub neighbours: u32,
    /// Its part of its shard group's bytes (0 to 1).
    #[serde(default)]
    pub group_share: Option<f64>,
    /// Its part of each server holding it, the leader first.
    #[serde(default)]
    pub server_shares: Vec<ServerShare>,
}

/// How the Tenants page orders its rows (`?sort=`): by name (the default, ignoring
/// case), or by size, largest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TenantOrder {
    #[default]
    Name,
    Size,
}

impl TenantOrder {
    pub fn parse(s: &str) -> Self {
        match s {
            "size" => TenantOrder::Size,
            _ => TenantOrder::Name,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TenantOrder::Size => "size",
            TenantOrder::Name => "name",
        }
    }

    pub fn sort(self, rows: &mut [TenantRow]) {
        match self {
            TenantOrder::Size => rows.sort_by(|a, b| {
                (b.bytes, b.documents)
                    .cmp(&(a.bytes, a.documents))
                    .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            }),
            TenantOrder::Name => rows.sort_by_cached_key(|r| (r.name.to_lowercase(), r.id)),
        }
    }
}

impl TenantRow {
    /// The question asked before removing it, on the Tenants page and in the CLI.
    pub fn remove_question(&self) -> String {
        format!(
            "Remove {} and all its {} documents? This cannot be undone.",
            self.name,
            crate::units::grouped(self.documents)
        )
    }

    /// "Shares shard group 7 with 3 other tenants; it is 62% of the group." and what it is
    /// of each server holding it; nothing while it has no group.
    pub fn neighbourhood(&self) -> Option<(String, String)> {
        let group = self.shard_group?;
        let sentence = crate::tenant_weight::sentence(group, self.neighbours, self.group_share);
        let servers: Vec<String> = self
            .server_shares
            .iter()
            .map(|s| {
                let share = crate::tenant_weight::percent(s.share);
                format!("{share} of what {} holds", s.server)
            })
            .collect();
        let servers = match servers.as_slice() {
            [] => String::new(),
            [one] => format!("It is {one}."),
            [rest @ .., last] => format!("It is {} and {last}.", rest.join(", ")),
        };
        Some((sentence, servers))
    }

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
            bytes: 300_000,
            neighbours: 0,
            group_share: Some(1.0),
            server_shares: Vec::new(),
        }
    }

    #[test]
    fn rows_sort_by_size_or_name() {
        let rows: Vec<TenantRow> = [("beta", 10), ("Alpha", 30), ("gamma", 20)]
            .into_iter()
            .enumerate()
            .map(|(i, (name, bytes))| TenantRow {
                id: TenantId::from_seed(i as u64 + 1),
                name: name.into(),
                bytes,
                ..row()
            })
            .collect();
        let names = |order: &str| {
            let mut rows = rows.clone();
            TenantOrder::parse(order).sort(&mut rows);
            rows.into_iter().map(|r| r.name).collect::<Vec<_>>()
        };
        assert_eq!(names("size"), ["Alpha", "gamma", "beta"]);
        assert_eq!(names("name"), ["Alpha", "beta", "gamma"]);
        assert_eq!(names("nonsense"), ["Alpha", "beta", "gamma"]);
    }

    #[test]
    fn a_tenant_says_who_it_shares_with() {
        let mut r = row();
        r.neighbours = 3;
        r.group_share = Some(0.62);
        r.server_shares = vec![
            ServerShare {
                server: "DBServer0002".into(),
                share: 0.31,
            },
            ServerShare {
                server: "DBServer0003".into(),
                share: 0.004,
            },
        ];
        let (group, servers) = r.neighbourhood().unwrap();
        assert_eq!(
            group,
            "Shares shard group 4 with 3 other tenants; it is 62% of the group."
        );
        assert_eq!(
            servers,
            "It is 31% of what DBServer0002 holds and <1% of what DBServer0003 holds."
        );
        r.shard_group = None;
        assert_eq!(r.neighbourhood(), None);
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
