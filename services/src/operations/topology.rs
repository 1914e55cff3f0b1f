//! Adding DB servers and validating the cluster.

use scaleout_domain::progress::Outcome;
use scaleout_domain::units::grouped;
pub use scaleout_domain::views::{AddedServers, Validation};

use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::JobCtx;

pub async fn add_servers(
    console: &Console,
    count: u32,
    ctx: &JobCtx,
) -> Result<AddedServers, ServiceError> {
    ctx.event(
        "servers",
        0,
        u64::from(count),
        Outcome::Running,
        format!("Adding {count} DB server(s)"),
    );
    let added = console.backend().add_db_servers(count).await?;
    let db_servers = console.backend().overview().await?.db_servers().count();
    let names: Vec<&str> = added.iter().map(|s| s.short_name.as_str()).collect();
    ctx.event(
        "servers",
        u64::from(count),
        u64::from(count),
        Outcome::Ok,
        format!(
            "Added {} (now {db_servers} DB servers); they hold no shards until a rebalance",
            names.join(", ")
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
        format!("Validating {} tenant(s)", tenants.len()),
    );
    let report = console.backend().validate(&tenants).await?;
    let violations = report.violation_count();
    let clean = report.is_clean();
    let outcome = if clean { Outcome::Ok } else { Outcome::Failed };
    let message = if clean {
        format!(
            "{} tenant(s), {} documents: isolation and integrity hold, zero violations",
            tenants.len(),
            grouped(report.documents_checked)
        )
    } else {
        format!(
            "{violations} violation(s); {} document(s) of unregistered tenants",
            report.unknown_tenants.len() + report.unreadable_tenant_values.len()
        )
    };
    ctx.event(
        "validate",
        tenants.len() as u64,
        tenants.len() as u64,
        outcome,
        message,
    );
    Ok(Validation {
        clean,
        violations,
        report,
    })
}
