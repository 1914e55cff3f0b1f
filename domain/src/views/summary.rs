//! The dashboard's one-glance summary of the cluster.

use serde::{Deserialize, Serialize};

use crate::port::ClusterMode;

/// Servers, tenants, data and balance, gathered in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleSummary {
    pub mode: ClusterMode,
    /// Servers that hold data (DB servers, or the single server) in good health.
    pub servers_healthy: u32,
    /// Servers that hold data.
    pub servers_total: u32,
    /// The data servers not in good health, by name ("DBServer0010 (failed)").
    #[serde(default)]
    pub servers_unhealthy: Vec<String>,
    /// Registered tenants.
    pub tenants: u64,
    /// Documents of the registered tenants.
    pub documents: u64,
    /// Data stored under tenant ids the registry does not know (see
    /// `scaleout validate` and `scaleout tenant purge`).
    #[serde(default)]
    pub unregistered_tenants: u64,
    #[serde(default)]
    pub unregistered_documents: u64,
    /// Collections of the SmartGraph.
    pub collections: u64,
    /// Shard groups (a tenant lives whole in one).
    pub shard_groups: u64,
    /// Bytes per balanced server: the largest, the mean, and max / mean
    /// (1.00 is perfectly even).
    pub bytes_max: u64,
    pub bytes_mean: f64,
    pub balance: f64,
}
