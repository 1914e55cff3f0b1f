//! The dashboard's summary: servers, tenants, data and balance in one call.

use scaleout_domain::port::ServerHealth;
pub use scaleout_domain::views::ConsoleSummary;

use super::rebalance;
use crate::console::Console;
use crate::error::ServiceError;

/// Gathers what the dashboard shows at a glance.
pub async fn summary(console: &Console) -> Result<ConsoleSummary, ServiceError> {
    let backend = console.backend();
    let overview = backend.overview().await?;
    let map = backend.shard_map().await?;
    let registered: std::collections::BTreeSet<_> = console
        .store()
        .tenants()?
        .into_iter()
        .map(|r| r.tenant.id)
        .collect();
    let stored = backend.stored_tenants().await?;
    let (mine, strangers): (Vec<_>, Vec<_>) =
        stored.iter().partition(|(id, _)| registered.contains(*id));
    let figures = rebalance::figures(console).await?;
    let data_servers: Vec<_> = overview.db_servers().collect();
    Ok(ConsoleSummary {
        mode: overview.mode,
        servers_healthy: data_servers
            .iter()
            .filter(|s| s.health == ServerHealth::Good)
            .count() as u32,
        servers_total: data_servers.len() as u32,
        servers_unhealthy: data_servers
            .iter()
            .filter(|s| s.health != ServerHealth::Good)
            .map(|s| {
                let health = if s.health == ServerHealth::Failed {
                    "failed"
                } else {
                    "not answering"
                };
                format!("{} ({health})", s.short_name)
            })
            .collect(),
        tenants: registered.len() as u64,
        documents: mine.iter().map(|(_, n)| **n).sum(),
        unregistered_tenants: strangers.len() as u64,
        unregistered_documents: strangers.iter().map(|(_, n)| **n).sum(),
        collections: map.collections.len() as u64,
        shard_groups: map.groups.len() as u64,
        bytes_max: figures.bytes.max,
        bytes_mean: figures.bytes.mean,
        balance: figures.bytes.max_over_mean,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::JobSpec;
    use crate::operations::tenants;
    use crate::ConsoleConfig;

    #[tokio::test]
    async fn counts_follow_an_added_tenant() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::open(ConsoleConfig::new(dir.path())).await.unwrap();
        let empty = summary(&console).await.unwrap();
        assert_eq!((empty.tenants, empty.documents), (0, 0));
        assert_eq!((empty.servers_healthy, empty.servers_total), (3, 3));

        let new =
            tenants::prepare(&console, "Acme Corp", 1, scaleout_domain::Naming::CamelCase).unwrap();
        let job = console
            .start_job(JobSpec::AddTenant { tenant: new })
            .unwrap();
        console.jobs().wait(job).await.unwrap();

        let after = summary(&console).await.unwrap();
        assert_eq!((after.tenants, after.documents), (1, 1095));
        assert_eq!(after.collections, 11);
        assert!(after.shard_groups >= 1);
        assert!(after.bytes_max > 0 && after.balance >= 1.0, "{after:?}");
    }
}
