//! Adding DB servers and validating the cluster.

use scaleout_domain::progress::Outcome;
use scaleout_domain::units::{counted, grouped};
pub use scaleout_domain::views::{AddedServers, UnregisteredTenant, Validation};
use scaleout_domain::TenantId;
use serde::{Deserialize, Serialize};

use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::JobCtx;

/// Simulates the failure of a DB server (its leaders fail over); every page
/// following the console's activity refreshes.
pub async fn fail_server(console: &Console, server: &str) -> Result<(), ServiceError> {
    console.backend().fail_server(server).await?;
    console
        .activity()
        .publish(crate::activity::Happening::ServersChanged);
    Ok(())
}

/// Brings a failed DB server back; its replicas resynchronise.
pub async fn restore_server(console: &Console, server: &str) -> Result<(), ServiceError> {
    console.backend().restore_server(server).await?;
    console
        .activity()
        .publish(crate::activity::Happening::ServersChanged);
    Ok(())
}

/// Starts adding `count` DB servers, within what one action may add and what the cluster
/// may hold in all; returns the job id.
pub async fn start_add_servers(console: &Console, count: u32) -> Result<u64, ServiceError> {
    use scaleout_domain::views::{MAX_DB_SERVERS, MAX_SERVERS_PER_ADD};
    if !(1..=MAX_SERVERS_PER_ADD).contains(&count) {
        return Err(ServiceError::Invalid(format!(
            "add 1 to {MAX_SERVERS_PER_ADD} DB servers at a time, not {count}"
        )));
    }
    let now = console.backend().overview().await?.db_servers().count();
    if now >= MAX_DB_SERVERS {
        return Err(ServiceError::Invalid(format!(
            "the cluster already has {now} DB servers, the most the console plans and draws well: \
             drain and remove one before adding another"
        )));
    }
    if now + count as usize > MAX_DB_SERVERS {
        return Err(ServiceError::Invalid(format!(
            "the cluster has {now} DB servers: {count} more would make {}, over the {MAX_DB_SERVERS} \
             the console plans and draws well; add at most {}",
            now + count as usize,
            MAX_DB_SERVERS.saturating_sub(now)
        )));
    }
    console.start_job(crate::jobs::JobSpec::AddServers { count })
}

/// What an add-servers job recorded before adding: a resume adds only what
/// is still missing, never `count` again.
#[derive(Debug, Serialize, Deserialize)]
struct ServersCheckpoint {
    db_servers_before: usize,
}

pub async fn add_servers(
    console: &Console,
    count: u32,
    ctx: &JobCtx,
) -> Result<AddedServers, ServiceError> {
    let before = match ctx.checkpoint::<ServersCheckpoint>() {
        Some(c) => c.db_servers_before,
        None => {
            let now = console.backend().overview().await?.db_servers().count();
            ctx.save_checkpoint(&ServersCheckpoint {
                db_servers_before: now,
            })?;
            now
        }
    };
    add_servers_since(console, count, before, ctx).await
}

/// Adds DB servers until there are `before + count`: run again, it adds only
/// what is still missing.
pub async fn add_servers_since(
    console: &Console,
    count: u32,
    before: usize,
    ctx: &JobCtx,
) -> Result<AddedServers, ServiceError> {
    let now = console.backend().overview().await?.db_servers().count();
    let target = before + count as usize;
    let missing = (target.saturating_sub(now) as u32).min(count);
    ctx.event(
        "servers",
        u64::from(count - missing),
        u64::from(count),
        Outcome::Running,
        if missing == count {
            format!(
                "Adding {}",
                scaleout_domain::units::counted(count as u64, "DB server")
            )
        } else {
            format!(
                "Adding the {} still missing of {count} ({} added before)",
                scaleout_domain::units::counted(missing as u64, "DB server"),
                count - missing
            )
        },
    );
    let added = if missing > 0 {
        console.backend().add_db_servers(missing).await?
    } else {
        Vec::new()
    };
    let db_servers = console.backend().overview().await?.db_servers().count();
    let names: Vec<&str> = added.iter().map(|s| s.short_name.as_str()).collect();
    ctx.event(
        "servers",
        u64::from(count),
        u64::from(count),
        Outcome::Ok,
        format!(
            "Added {} (now {db_servers} DB servers); they hold no shards until a rebalance",
            if names.is_empty() {
                "none this time".to_string()
            } else {
                names.join(", ")
            }
        ),
    );
    Ok(AddedServers { added, db_servers })
}

/// Isolation and integrity of every registered tenant, and no stray data.
pub async fn validate(console: &Console, ctx: &JobCtx) -> Result<Validation, ServiceError> {
    let tenants: Vec<_> = console
        .store()
        .tenants()?
        .into_iter()
        .map(|r| r.tenant)
        .collect();
    ctx.event(
        "validate",
        0,
        tenants.len() as u64,
        Outcome::Running,
        format!("Validating {}", counted(tenants.len() as u64, "tenant")),
    );
    let report = console.backend().validate(&tenants).await?;
    let violations = report.violation_count();
    let clean = report.is_clean();
    let unregistered = unregistered(console, &report.unknown_tenants).await?;
    let outcome = if clean { Outcome::Ok } else { Outcome::Failed };
    let message = if clean && tenants.is_empty() && report.documents_checked == 0 {
        "No tenants to check yet, and no data stored under an unknown tenant id".to_string()
    } else if clean {
        format!(
            "{}, {}: isolation and integrity hold, zero violations",
            counted(tenants.len() as u64, "tenant"),
            counted(report.documents_checked, "document")
        )
    } else if unregistered.is_empty() && report.unreadable_tenant_values.is_empty() {
        counted(violations as u64, "violation")
    } else {
        format!(
            "{}; data of {} ({} documents): `scaleout tenant purge ID` removes it",
            counted(violations as u64, "violation"),
            counted(
                (unregistered.len() + report.unreadable_tenant_values.len()) as u64,
                "unregistered tenant id"
            ),
            grouped(unregistered.iter().map(|u| u.documents).sum())
        )
    };
    // Nothing to check is a check done: a full bar, not an empty one.
    let total = (tenants.len() as u64).max(1);
    ctx.event("validate", total, total, outcome, message);
    Ok(Validation {
        clean,
        violations,
        report,
        unregistered,
    })
}

/// What is known of data stored under ids the registry does not know.
async fn unregistered(
    console: &Console,
    ids: &[TenantId],
) -> Result<Vec<UnregisteredTenant>, ServiceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stored = console.backend().stored_tenants().await?;
    ids.iter()
        .map(|id| {
            Ok(UnregisteredTenant {
                id: *id,
                documents: stored.get(id).copied().unwrap_or(0),
                removed_name: console.store().removed_tenant(*id)?.map(|t| t.name),
            })
        })
        .collect()
}
