//! Retiring a DB server: a drain (a rebalance that empties it, see `rebalance::RunSpec`)
//! and then its removal, refused while the cluster still reports anything on it.

use scaleout_domain::port::{BackendError, ServerRole};
use scaleout_domain::units::human_bytes;
pub use scaleout_domain::views::RemovedServer;

use crate::console::Console;
use crate::error::ServiceError;

/// What the cluster reports on `server`, for people; `None` when it holds nothing.
pub async fn holdings(console: &Console, server: &str) -> Result<Option<String>, ServiceError> {
    let map = console.backend().shard_map().await?;
    let leads: Vec<_> = map.groups.iter().filter(|g| g.leader == server).collect();
    let follows: Vec<_> = map
        .groups
        .iter()
        .filter(|g| g.followers.iter().any(|f| f == server))
        .collect();
    if leads.is_empty() && follows.is_empty() {
        return Ok(None);
    }
    let list = |gs: &[&scaleout_domain::port::ShardGroup]| {
        gs.iter()
            .map(|g| g.index.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let bytes: u64 = leads.iter().chain(follows.iter()).map(|g| g.bytes).sum();
    let tenants: usize = leads
        .iter()
        .chain(follows.iter())
        .map(|g| g.tenants.len())
        .sum();
    let mut parts = Vec::new();
    if !leads.is_empty() {
        parts.push(format!("the leaders of shard groups {}", list(&leads)));
    }
    if !follows.is_empty() {
        parts.push(format!("followers of shard groups {}", list(&follows)));
    }
    Ok(Some(format!(
        "{server} still holds {} ({}, {})",
        parts.join(" and "),
        human_bytes(bytes),
        scaleout_domain::units::counted(tenants as u64, "tenant")
    )))
}

/// Removes a DB server that holds nothing. The embedded cluster forgets it; on ArangoDB,
/// where the console does not stop processes, the answer says how to retire it.
pub async fn remove(console: &Console, server: &str) -> Result<RemovedServer, ServiceError> {
    let overview = console.backend().overview().await?;
    let Some(info) = overview
        .servers
        .iter()
        .find(|s| s.short_name == server || s.id == server)
        .cloned()
    else {
        return Err(ServiceError::NotFound(format!(
            "there is no server {server} in the cluster"
        )));
    };
    if info.role != ServerRole::DbServer {
        return Err(ServiceError::Invalid(format!(
            "{server} is not a DB server: only DB servers are drained and removed"
        )));
    }
    let name = info.short_name.clone();
    if let Some(held) = holdings(console, &name).await? {
        return Err(ServiceError::Conflict(format!(
            "{held}: drain it first (scaleout server drain {name} --execute, or Drain on the Servers page)"
        )));
    }
    match console.backend().remove_db_server(&name).await {
        Ok(()) => {
            console
                .activity()
                .publish(crate::activity::Happening::ServersChanged);
            Ok(RemovedServer {
                server: name.clone(),
                id: info.id,
                removed: true,
                message: format!("{name} held nothing and was removed from the cluster"),
            })
        }
        Err(BackendError::NotSupported { .. }) => Ok(RemovedServer {
            message: format!(
                "{name} ({id}) holds no shard: checked in ArangoDB's shardDistribution. To retire it, \
                 stop its arangod process (the console never stops servers); once the cluster \
                 reports it FAILED, remove it from the cluster with \
                 curl -u \"root:$ARANGO_ROOT_PASSWORD\" -X POST <coordinator>/_admin/cluster/removeServer -d '\"{id}\"' \
                 (or the web interface's Nodes view). Run scaleout server remove {name} again to check it is gone.",
                id = info.id
            ),
            server: name,
            id: info.id,
            removed: false,
        }),
        Err(e) => Err(e.into()),
    }
}
