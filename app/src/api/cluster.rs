//! The cluster: servers, shard placement and balance, topology changes,
//! rebalancing, validation and the demo.

use leptos::prelude::*;
use scaleout_domain::planner::{ClusterSnapshot, Figures};
use scaleout_domain::views::{PlanReview, ServerReport, ShardReport};
use serde::{Deserialize, Serialize};

/// Placement, balance, and the snapshot the browser's planner works on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub shards: ShardReport,
    pub balance: Figures,
    pub snapshot: ClusterSnapshot,
}

/// `POST /api/cluster/servers`.
#[server(endpoint = "/cluster/servers")]
pub async fn get_server_report() -> Result<ServerReport, ServerFnError> {
    let console = super::server::stakeholder()?;
    let report = scaleout_services::operations::reports::servers(&console)
        .await
        .map_err(super::server::fail)?;
    Ok(scaleout_services::visibility::server_report(
        report,
        super::server::caller()?.role,
    ))
}

/// `POST /api/cluster/shards`.
#[server(endpoint = "/cluster/shards")]
pub async fn get_shard_info() -> Result<ShardInfo, ServerFnError> {
    use scaleout_services::operations::{rebalance, reports};
    let console = super::server::stakeholder()?;
    let fail = super::server::fail;
    Ok(ShardInfo {
        shards: reports::shards(&console).await.map_err(fail)?,
        balance: rebalance::figures(&console).await.map_err(fail)?,
        snapshot: rebalance::current_snapshot(&console).await.map_err(fail)?,
    })
}

/// `POST /api/cluster/add-servers` (count): returns the job id.
#[server(endpoint = "/cluster/add-servers")]
pub async fn add_servers(count: u32) -> Result<u64, ServerFnError> {
    let console = super::server::operator()?;
    scaleout_services::operations::topology::start_add_servers(&console, count)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/cluster/fail-server` (server): simulates a DB server failure.
#[server(endpoint = "/cluster/fail-server")]
pub async fn fail_server(server: String) -> Result<(), ServerFnError> {
    let console = super::server::operator()?;
    scaleout_services::operations::topology::fail_server(&console, &server)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/cluster/restore-server` (server).
#[server(endpoint = "/cluster/restore-server")]
pub async fn restore_server(server: String) -> Result<(), ServerFnError> {
    let console = super::server::operator()?;
    scaleout_services::operations::topology::restore_server(&console, &server)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/cluster/remove-server` (server): removes a DB server that holds nothing
/// (409 naming what it holds otherwise); on ArangoDB, says how to retire its process.
#[server(endpoint = "/cluster/remove-server")]
pub async fn remove_server(
    server: String,
) -> Result<scaleout_domain::views::RemovedServer, ServerFnError> {
    let console = super::server::operator()?;
    scaleout_services::operations::retire::remove(&console, server.trim())
        .await
        .map_err(super::server::fail)
}

/// `POST /api/cluster/rebalance` (execute): plans, and with `execute` carries
/// the plan out; returns the job id.
#[server(endpoint = "/cluster/rebalance")]
pub async fn start_rebalance(execute: bool) -> Result<u64, ServerFnError> {
    use scaleout_services::jobs::JobSpec;
    let console = super::server::operator()?;
    console
        .start_job(JobSpec::Rebalance {
            what_if_servers: 0,
            execute,
            fingerprint: None,
            drain: Vec::new(),
        })
        .map_err(super::server::fail)
}

/// `POST /api/cluster/plan` (what_if_servers, optional drain: a server to empty): the
/// rebalance plan for review, with its fingerprint and ArangoDB's own plan when on
/// ArangoDB. Nothing moves.
#[server(endpoint = "/cluster/plan")]
pub async fn get_rebalance_plan(
    what_if_servers: u32,
    drain: Option<String>,
) -> Result<PlanReview, ServerFnError> {
    let console = super::server::viewer()?;
    if what_if_servers > 64 {
        return Err(super::server::invalid(format!(
            "plan for 0 to 64 hypothetical servers, not {what_if_servers}"
        )));
    }
    let drain: Vec<String> = drain.into_iter().filter(|d| !d.trim().is_empty()).collect();
    scaleout_services::operations::rebalance::review(&console, what_if_servers, &drain)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/cluster/execute-plan` (fingerprint, optional drain): executes the reviewed
/// plan; 409 when the cluster changed since the review. Returns the job id.
#[server(endpoint = "/cluster/execute-plan")]
pub async fn execute_rebalance_plan(
    fingerprint: String,
    drain: Option<String>,
) -> Result<u64, ServerFnError> {
    let console = super::server::operator()?;
    let fingerprint = fingerprint.trim().to_string();
    if fingerprint.is_empty() || fingerprint.len() > 64 {
        return Err(super::server::invalid(
            "pass the fingerprint of the plan you reviewed (from /api/cluster/plan)",
        ));
    }
    let drain: Vec<String> = drain.into_iter().filter(|d| !d.trim().is_empty()).collect();
    scaleout_services::operations::rebalance::execute_reviewed(&console, &fingerprint, &drain)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/cluster/validate`: returns the job id.
#[server(endpoint = "/cluster/validate")]
pub async fn start_validate() -> Result<u64, ServerFnError> {
    use scaleout_services::jobs::JobSpec;
    super::server::operator()?
        .start_job(JobSpec::Validate)
        .map_err(super::server::fail)
}

/// `POST /api/demo/check`: what the demo would start from, and a warning for the presenter
/// when its story may not hold on this cluster (viewers too: they watch the demo).
#[server(endpoint = "/demo/check")]
pub async fn check_demo() -> Result<scaleout_domain::views::DemoCheck, ServerFnError> {
    let console = super::server::stakeholder()?;
    scaleout_services::operations::demo_check::check(&console)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/demo/start` (naming): runs the scale-out demo and saves its report
/// in `<data dir>/reports`; returns the job id.
#[server(endpoint = "/demo/start")]
pub async fn start_demo(naming: String) -> Result<u64, ServerFnError> {
    use scaleout_services::jobs::JobSpec;
    let console = super::server::operator()?;
    let naming = super::server::naming(&console, &naming)?;
    let report_dir = Some(console.config().data_dir.join("reports"));
    console
        .start_job(JobSpec::Demo { naming, report_dir })
        .map_err(super::server::fail)
}
