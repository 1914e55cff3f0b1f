//! Rebalancing: snapshot the cluster, plan with the domain planner, then (when
//! asked) execute the plan move by move, each with live progress. Stopping
//! after any move leaves the cluster better balanced than before.

use std::time::Instant;

use scaleout_domain::planner::{
    self, effect, ClusterSnapshot, Figures, Health, Plan, PlanOptions, Role, SnapshotGroup,
    SnapshotServer, StepKind,
};
use scaleout_domain::port::{ClusterOverview, MoveRequest, ReplicaRole, ServerHealth, ShardMap};
use scaleout_domain::progress::Outcome;
use scaleout_domain::rebalance_progress::{copy_step, MOVE_STEP};
use scaleout_domain::units::human_bytes;
pub use scaleout_domain::views::{ExecutedMove, PlanReview, Rebalance, STALE_PLAN};

use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::JobCtx;

/// The planner's view of the cluster: DB servers with health, one group per
/// SmartGraph shard group (id = its index).
pub fn snapshot(overview: &ClusterOverview, map: &ShardMap) -> ClusterSnapshot {
    let servers = overview
        .db_servers()
        .map(|s| {
            let health = match s.health {
                ServerHealth::Good => Health::Good,
                ServerHealth::Bad => Health::Bad,
                ServerHealth::Failed => Health::Failed,
            };
            SnapshotServer::new(s.short_name.clone(), health)
        })
        .collect();
    let groups = map
        .groups
        .iter()
        .map(|g| {
            let mut group = SnapshotGroup::new(
                g.index.to_string(),
                g.leader.clone(),
                &g.followers.iter().map(String::as_str).collect::<Vec<_>>(),
                g.bytes,
            );
            group.index = Some(g.index);
            group.documents = g.documents;
            group.in_sync = g.in_sync;
            group.collections = map.collections.iter().map(|c| c.name.clone()).collect();
            group.shards = map
                .collections
                .iter()
                .filter_map(|c| {
                    c.shards
                        .iter()
                        .find(|s| s.group == g.index)
                        .map(|s| s.id.clone())
                })
                .collect();
            group
        })
        .collect();
    ClusterSnapshot { servers, groups }
}

pub async fn current_snapshot(console: &Console) -> Result<ClusterSnapshot, ServiceError> {
    let backend = console.backend();
    let overview = backend.overview().await?;
    let map = backend.shard_map().await?;
    Ok(snapshot(&overview, &map))
}

/// The plan for the cluster as it is now (plus `what_if_servers` hypothetical ones).
pub async fn plan(console: &Console, options: &PlanOptions) -> Result<Plan, ServiceError> {
    let snapshot = current_snapshot(console).await?;
    planner::plan(&snapshot, options).map_err(|e| ServiceError::Invalid(e.to_string()))
}

/// The balance figures of the cluster as it is.
pub async fn figures(console: &Console) -> Result<Figures, ServiceError> {
    let options = PlanOptions {
        max_moves: Some(0),
        ..PlanOptions::default()
    };
    Ok(plan(console, &options).await?.before)
}

/// The plan for review (nothing moves): the console's plan with its fingerprint, and
/// ArangoDB's own plan beside it when the back end is ArangoDB.
pub async fn review(console: &Console, what_if_servers: u32) -> Result<PlanReview, ServiceError> {
    let options = PlanOptions {
        what_if_servers,
        ..PlanOptions::default()
    };
    let plan = plan(console, &options).await?;
    let (arangodb_plan, arangodb_note) = match own_plan(console).await {
        Ok(p) => (Some(p), None),
        Err(note) => (None, Some(note)),
    };
    Ok(PlanReview {
        fingerprint: plan.fingerprint(),
        plan,
        what_if_servers,
        arangodb_plan,
        arangodb_note,
    })
}

/// Starts executing the plan a person reviewed, identified by its fingerprint; refused
/// (a conflict) when a topology change is running, or when the cluster changed so that
/// planning again gives other steps. Returns the job id.
pub async fn execute_reviewed(console: &Console, fingerprint: &str) -> Result<u64, ServiceError> {
    console.jobs().refuse_if_topology_busy()?;
    let current = plan(console, &PlanOptions::default()).await?;
    if current.fingerprint() != fingerprint {
        return Err(ServiceError::Conflict(STALE_PLAN.into()));
    }
    console.start_job(crate::jobs::JobSpec::Rebalance {
        what_if_servers: 0,
        execute: true,
        fingerprint: Some(fingerprint.to_string()),
    })
}

/// Plans, and with `execute` carries the plan out move by move. With `expected` (the
/// fingerprint of a reviewed plan) the plan must be that one, else nothing moves.
pub async fn rebalance(
    console: &Console,
    what_if_servers: u32,
    execute: bool,
    expected: Option<&str>,
    ctx: &JobCtx,
) -> Result<Rebalance, ServiceError> {
    let started = Instant::now();
    if execute && what_if_servers > 0 {
        return Err(ServiceError::Invalid(
            "what-if servers do not exist, so a plan for them can only be shown: plan without --execute, or add the servers first".into(),
        ));
    }
    ctx.event("plan", 0, 1, Outcome::Running, "Planning the rebalance");
    let options = PlanOptions {
        what_if_servers,
        ..PlanOptions::default()
    };
    let plan = plan(console, &options).await?;
    if expected.is_some_and(|fp| fp != plan.fingerprint()) {
        return Err(ServiceError::Conflict(STALE_PLAN.into()));
    }
    ctx.event(
        "plan",
        1,
        1,
        Outcome::Ok,
        format!(
            "{} step(s), {} to copy: {}",
            plan.moves.len(),
            human_bytes(plan.bytes_to_move),
            effect(&plan.before.bytes, &plan.after.bytes)
        ),
    );
    for reason in &plan.reasons {
        ctx.event("plan", 1, 1, Outcome::Warning, reason.clone());
    }
    let arangodb_plan = arangodb_plan(console, ctx).await;
    let mut outcome = Rebalance {
        plan,
        executed: execute,
        moves_done: Vec::new(),
        bytes_moved: 0,
        seconds: 0.0,
        figures_after: None,
        arangodb_plan,
    };
    if !execute {
        outcome.seconds = started.elapsed().as_secs_f64();
        return Ok(outcome);
    }

    let total = outcome.plan.moves.len() as u64;
    for (i, step) in outcome.plan.moves.clone().iter().enumerate() {
        ctx.check_cancel()?;
        let group: u32 = step.group.parse().map_err(|_| {
            ServiceError::Invalid(format!(
                "the plan names an unknown shard group {:?}",
                step.group
            ))
        })?;
        let request = MoveRequest {
            group,
            from: step.from.clone(),
            to: step.to.clone(),
            role: match step.role {
                Role::Leader => ReplicaRole::Leader,
                Role::Follower => ReplicaRole::Follower,
            },
        };
        let role = match step.role {
            Role::Leader => "leader",
            Role::Follower => "follower",
        };
        let what = match step.kind {
            StepKind::Move => format!(
                "Move {} of {total}: shard group {group} {role} {} -> {} ({})",
                i + 1,
                step.from,
                step.to,
                human_bytes(step.bytes)
            ),
            // The follower on `to` takes over: nothing is copied.
            StepKind::LeaderSwitch => format!(
                "Move {} of {total}: shard group {group} leadership {} -> {} (leader switch, nothing copied)",
                i + 1,
                step.from,
                step.to
            ),
        };
        ctx.event(MOVE_STEP, i as u64, total, Outcome::Running, what.clone());
        let step_name = copy_step(i as u64 + 1);
        let report = console
            .backend()
            .move_shard_group(
                &request,
                &|p| {
                    ctx.progress(&step_name, p.bytes_done, p.bytes_total, || {
                        format!(
                            "{what}: {} of {} KiB copied",
                            p.bytes_done / 1024,
                            p.bytes_total / 1024
                        )
                    })
                },
                ctx.cancel_flag(),
            )
            .await?;
        outcome.bytes_moved += report.bytes;
        outcome.moves_done.push(ExecutedMove {
            group,
            from: request.from,
            to: request.to,
            role: request.role,
            bytes: report.bytes,
            millis: report.millis,
        });
        ctx.event(
            MOVE_STEP,
            i as u64 + 1,
            total,
            Outcome::Ok,
            format!("{what}: done in {} ms", report.millis),
        );
    }
    outcome.figures_after = Some(figures(console).await?);
    outcome.seconds = started.elapsed().as_secs_f64();
    Ok(outcome)
}

/// ArangoDB's own plan (compute only), or why there is none, for people.
async fn own_plan(console: &Console) -> Result<serde_json::Value, String> {
    let Some(arango) = console.arango() else {
        return Err(
            "ArangoDB's own plan is only available on the ArangoDB back end, not on the embedded simulated cluster"
                .into(),
        );
    };
    match arango.rebalance_plan().await {
        Ok(plan) => Ok(serde_json::to_value(plan).expect("the plan serialises")),
        Err(e) => Err(format!("ArangoDB's own plan is not available: {e}")),
    }
}

/// ArangoDB's own plan (compute only), to compare with ours; `None` on other
/// back ends, or with a warning event when ArangoDB would not say.
async fn arangodb_plan(console: &Console, ctx: &JobCtx) -> Option<serde_json::Value> {
    console.arango()?;
    match own_plan(console).await {
        Ok(plan) => {
            let moves = plan
                .get("moves")
                .and_then(|m| m.as_array())
                .map_or(0, Vec::len);
            ctx.event(
                "plan",
                1,
                1,
                Outcome::Ok,
                format!("ArangoDB's own plan, for comparison: {moves} move(s)"),
            );
            Some(plan)
        }
        Err(e) => {
            ctx.event("plan", 1, 1, Outcome::Warning, e);
            None
        }
    }
}
