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

use serde::{Deserialize, Serialize};

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

/// How far an executing rebalance got: the plan it carries out (fixed at its
/// first run) and the moves done. A resume finishes this plan; it never plans
/// again and never repeats a move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RebalanceProgress {
    pub plan: Plan,
    pub done: Vec<ExecutedMove>,
}

/// The rebalance job: plans, and with `execute` carries the plan out, saving
/// its progress in the job's checkpoint after every move.
pub async fn rebalance(
    console: &Console,
    what_if_servers: u32,
    execute: bool,
    expected: Option<&str>,
    ctx: &JobCtx,
) -> Result<Rebalance, ServiceError> {
    let resume = ctx.checkpoint::<RebalanceProgress>();
    run(
        console,
        what_if_servers,
        execute,
        expected,
        resume,
        ctx,
        &|p| ctx.save_checkpoint(p),
    )
    .await
}

/// Plans (or takes up `resume`'s plan), and with `execute` carries it out move
/// by move; `save` records the progress before each move starts and after it
/// ends. With `expected` (the fingerprint of a reviewed plan) the plan must be
/// that one, else nothing moves.
pub async fn run(
    console: &Console,
    what_if_servers: u32,
    execute: bool,
    expected: Option<&str>,
    resume: Option<RebalanceProgress>,
    ctx: &JobCtx,
    save: &(dyn Fn(&RebalanceProgress) -> Result<(), ServiceError> + Send + Sync),
) -> Result<Rebalance, ServiceError> {
    let started = Instant::now();
    if execute && what_if_servers > 0 {
        return Err(ServiceError::Invalid(
            "what-if servers do not exist, so a plan for them can only be shown: plan without --execute, or add the servers first".into(),
        ));
    }
    let mut progress = match resume.filter(|_| execute) {
        Some(progress) => {
            ctx.event(
                "plan",
                1,
                1,
                Outcome::Ok,
                format!(
                    "Resuming the plan made before: {} of {} step(s) done",
                    progress.done.len(),
                    progress.plan.moves.len()
                ),
            );
            progress
        }
        None => {
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
            RebalanceProgress {
                plan,
                done: Vec::new(),
            }
        }
    };
    let arangodb_plan = arangodb_plan(console, ctx).await;
    if !execute {
        return Ok(Rebalance {
            plan: progress.plan,
            executed: false,
            moves_done: Vec::new(),
            bytes_moved: 0,
            seconds: started.elapsed().as_secs_f64(),
            figures_after: None,
            arangodb_plan,
        });
    }
    save(&progress)?;

    let total = progress.plan.moves.len() as u64;
    for (i, step) in progress
        .plan
        .moves
        .clone()
        .iter()
        .enumerate()
        .skip(progress.done.len())
    {
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
        let what = describe(i, total, step, group);
        ctx.event(MOVE_STEP, i as u64, total, Outcome::Running, what.clone());
        let executed = match placement_of(console, &request).await? {
            Placement::Done => {
                // Finished before a crash, not yet recorded: nothing to copy again.
                ctx.event(
                    MOVE_STEP,
                    i as u64 + 1,
                    total,
                    Outcome::Ok,
                    format!("{what}: already done before the job stopped"),
                );
                ExecutedMove {
                    group,
                    from: request.from,
                    to: request.to,
                    role: request.role,
                    bytes: 0,
                    millis: 0,
                }
            }
            Placement::Pending => {
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
                ctx.event(
                    MOVE_STEP,
                    i as u64 + 1,
                    total,
                    Outcome::Ok,
                    format!("{what}: done in {} ms", report.millis),
                );
                ExecutedMove {
                    group,
                    from: request.from,
                    to: request.to,
                    role: request.role,
                    bytes: report.bytes,
                    millis: report.millis,
                }
            }
            Placement::Elsewhere(now) => {
                return Err(ServiceError::Conflict(format!(
                    "the cluster changed since this plan was made: shard group {group} is now on {now}, not {}; plan again",
                    request.from
                )))
            }
        };
        progress.done.push(executed);
        save(&progress)?;
    }
    let bytes_moved = progress.done.iter().map(|m| m.bytes).sum();
    Ok(Rebalance {
        plan: progress.plan,
        executed: true,
        moves_done: progress.done,
        bytes_moved,
        seconds: started.elapsed().as_secs_f64(),
        figures_after: Some(figures(console).await?),
        arangodb_plan,
    })
}

fn describe(i: usize, total: u64, step: &planner::PlannedMove, group: u32) -> String {
    let role = match step.role {
        Role::Leader => "leader",
        Role::Follower => "follower",
    };
    match step.kind {
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
    }
}

/// Where a planned move stands on the cluster as it is now.
enum Placement {
    /// The replica is still on `from`: the move is to be made.
    Pending,
    /// The replica is on `to` and no longer on `from`: it was made.
    Done,
    /// Neither: someone else moved the group (the servers it is on).
    Elsewhere(String),
}

async fn placement_of(console: &Console, request: &MoveRequest) -> Result<Placement, ServiceError> {
    let map = console.backend().shard_map().await?;
    let Some(group) = map.groups.iter().find(|g| g.index == request.group) else {
        return Err(ServiceError::Conflict(format!(
            "shard group {} no longer exists: plan again",
            request.group
        )));
    };
    let on = |server: &str| match request.role {
        ReplicaRole::Leader => group.leader == server,
        ReplicaRole::Follower => group.followers.iter().any(|f| f == server),
    };
    Ok(if on(&request.from) {
        Placement::Pending
    } else if on(&request.to) {
        Placement::Done
    } else {
        Placement::Elsewhere(
            std::iter::once(group.leader.as_str())
                .chain(group.followers.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(", "),
        )
    })
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
