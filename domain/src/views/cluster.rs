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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddedServers {
    pub added: Vec<ServerInfo>,
    pub db_servers: usize,
}
