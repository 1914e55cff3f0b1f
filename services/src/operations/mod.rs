//! What jobs do. Each operation takes the console and a job context, reports
//! progress through it, and is idempotent given the job's spec.

pub mod demo;
pub mod demo_check;
pub mod demo_report;
pub(crate) mod executor;
pub mod import;
pub mod isolation;
pub mod network;
pub mod onboard_many;
pub mod placement;
pub mod rebalance;
pub mod reports;
pub mod retire;
mod run_forecast;
pub mod schema;
pub mod summary;
pub mod tenants;
pub mod topology;
pub mod verify;

use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::{JobCtx, JobSpec};

/// Runs a job's operation; the value is the job's stored result.
pub async fn run(
    console: &Console,
    spec: &JobSpec,
    ctx: &JobCtx,
) -> Result<serde_json::Value, ServiceError> {
    fn json<T: serde::Serialize>(v: T) -> Result<serde_json::Value, ServiceError> {
        Ok(serde_json::to_value(v).expect("results serialise"))
    }
    match spec {
        JobSpec::AddTenant { tenant } => json(tenants::add(console, tenant, ctx).await?),
        JobSpec::AddTenants {
            tenants: list,
            concurrency,
            ..
        } => json(
            onboard_many::add_many(
                console,
                list,
                concurrency.unwrap_or(onboard_many::DEFAULT_CONCURRENCY),
                ctx,
            )
            .await?,
        ),
        JobSpec::RemoveTenant { tenant, .. } => json(tenants::remove(console, *tenant, ctx).await?),
        JobSpec::PurgeTenant { tenant } => json(tenants::purge(console, *tenant, ctx).await?),
        JobSpec::AddServers { count } => json(topology::add_servers(console, *count, ctx).await?),
        JobSpec::Rebalance {
            what_if_servers,
            execute,
            fingerprint,
            drain,
        } => {
            let spec = rebalance::RunSpec {
                what_if_servers: *what_if_servers,
                drain: drain.clone(),
                execute: *execute,
                expected: fingerprint.clone(),
            };
            json(rebalance::rebalance(console, &spec, ctx).await?)
        }
        JobSpec::Validate => json(topology::validate(console, ctx).await?),
        JobSpec::Demo { naming, report_dir } => {
            json(demo::run(console, *naming, report_dir.as_deref(), ctx).await?)
        }
    }
}
