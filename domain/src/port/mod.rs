//! The port: what the console needs from a cluster, whichever back end provides it
//! (the embedded simulator, or ArangoDB over HTTP). Services hold it as
//! `Arc<dyn ClusterBackend>`; each back end implements it in its own crate.

mod error;
mod move_slots;
mod reports;
mod shards;
mod tally;
mod topology;
mod write_rules;

use std::collections::BTreeMap;

use async_trait::async_trait;

pub use error::BackendError;
pub use move_slots::{MoveSlot, MoveSlots};
pub use reports::{
    CancelFlag, LoadReport, MoveDeadline, MovePhase, MoveProgress, MoveReport, MoveRequest,
    ReplicaRole, SchemaReport, SchemaSpec, TenantValidation, ValidationReport,
};
pub use shards::{shard_index_for, CollectionShards, ShardGroup, ShardInfo, ShardMap};
pub use tally::{GroupTally, TenantTally};
pub use topology::{ClusterMode, ClusterOverview, ServerHealth, ServerInfo, ServerRole};
pub use write_rules::check_write;

use crate::console::BackendKind;
use crate::{Collection, Document, Snapshot, Tenant, TenantId};

/// Per-collection document counts of one tenant.
pub type TenantCounts = BTreeMap<Collection, u64>;

/// Receives progress while a long back-end operation runs.
pub type ProgressFn<'a> = &'a (dyn Fn(MoveProgress) + Send + Sync);

/// A cluster holding the tenants' SmartGraph. Every method is safe to call
/// concurrently; what a back end cannot do returns [`BackendError::NotSupported`].
#[async_trait]
pub trait ClusterBackend: Send + Sync {
    fn kind(&self) -> BackendKind;

    /// Servers with role and health, version and edition.
    async fn overview(&self) -> Result<ClusterOverview, BackendError>;

    /// Every collection's shards with placement, counts and bytes, and the
    /// SmartGraph's shard groups. Empty before the schema exists.
    async fn shard_map(&self) -> Result<ShardMap, BackendError>;

    /// Creates what is missing of database, collections, SmartGraph and indexes.
    /// Idempotent; an existing schema that contradicts `spec` is a `Conflict`,
    /// never dropped.
    async fn ensure_schema(&self, spec: &SchemaSpec) -> Result<SchemaReport, BackendError>;

    /// Stores one batch of one tenant's documents (any collections). Idempotent:
    /// documents whose key already exists are ignored, so a repeated batch adds nothing.
    async fn load_batch(
        &self,
        tenant: TenantId,
        batch: &[Document],
    ) -> Result<LoadReport, BackendError>;

    /// The tenant's document count in each of the 11 collections (zeros included).
    async fn tenant_counts(&self, tenant: TenantId) -> Result<TenantCounts, BackendError>;

    /// Tenants that have documents stored, with their total document count.
    async fn stored_tenants(&self) -> Result<BTreeMap<TenantId, u64>, BackendError>;

    /// Tenants that have documents stored, with their documents and the bytes those
    /// take as stored JSON: each tenant measured, not estimated (a full read on
    /// ArangoDB, so asked for where sizes are shown, not on every map).
    async fn tenant_weights(
        &self,
    ) -> Result<BTreeMap<TenantId, crate::tenant_weight::Stored>, BackendError>;

    /// Deletes every document of the tenant; returns how many were removed.
    async fn remove_tenant(&self, tenant: TenantId) -> Result<u64, BackendError>;

    /// Checks isolation and integrity of the given tenants (their expected sizes
    /// come from the tenant records), and that no other tenant's data is stored.
    async fn validate(&self, tenants: &[Tenant]) -> Result<ValidationReport, BackendError>;

    /// The tenant's devices, software, locations and connections valid at `t`.
    async fn point_in_time(&self, tenant: TenantId, t: i64) -> Result<Snapshot, BackendError>;

    /// Which shard group (shard index) holds the tenant.
    async fn tenant_shard_group(&self, tenant: TenantId) -> Result<u32, BackendError>;

    /// Moves one replica of a shard group; reads and writes go on meanwhile.
    /// Returns when the move finished, failed, was cancelled through `cancel`, or
    /// missed its `deadline` (then it is stopped, and the error says how it ended).
    async fn move_shard_group(
        &self,
        request: &MoveRequest,
        deadline: &MoveDeadline,
        progress: ProgressFn<'_>,
        cancel: &CancelFlag,
    ) -> Result<MoveReport, BackendError>;

    /// What each tenant of a shard group holds, to compare before and after a move:
    /// document counts (and a checksum where the back end can compute one cheaply).
    async fn group_tally(&self, group: u32) -> Result<GroupTally, BackendError> {
        let map = self.shard_map().await?;
        let Some(g) = map.groups.iter().find(|g| g.index == group) else {
            return Err(BackendError::NotFound(format!(
                "there is no shard group {group}"
            )));
        };
        let mut tally = GroupTally::default();
        for &tenant in &g.tenants {
            let documents = self.tenant_counts(tenant).await?.values().sum();
            tally.tenants.insert(
                tenant,
                TenantTally {
                    documents,
                    checksum: None,
                },
            );
        }
        Ok(tally)
    }

    /// Adds `count` empty DB servers; returns them.
    async fn add_db_servers(&self, count: u32) -> Result<Vec<ServerInfo>, BackendError>;

    /// Removes a DB server that holds no shard.
    async fn remove_db_server(&self, server: &str) -> Result<(), BackendError>;

    /// Simulates the failure of a DB server: its leaders fail over to in-sync followers.
    async fn fail_server(&self, server: &str) -> Result<(), BackendError>;

    /// Brings a failed DB server back; its replicas resynchronise.
    async fn restore_server(&self, server: &str) -> Result<(), BackendError>;
}
