//! Rebalancing: snapshot the cluster, plan with the domain planner, then (when
//! asked) execute the plan move by move, each with live progress. Stopping
//! after any move leaves the cluster better balanced than before.

use std::time::Instant;

use scaleout_domain::planner::{
    self, effect, ClusterSnapshot, Figures, Health, Plan, PlanOptions, SnapshotGroup,
    SnapshotServer,
};
use scaleout_domain::port::{ClusterOverview, ServerHealth, ShardMap};
use scaleout_domain::progress::Outcome;
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

/// What a rebalance run is asked to do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSpec {
    /// Plan as if this many empty servers were added (plan only).
    pub what_if_servers: u32,
    /// Servers to empty: every replica and leader moves off them.
    pub drain: Vec<String>,
    pub execute: bool,
    /// The fingerprint of the plan a person reviewed: only that plan runs.
    pub expected: Option<String>,
}

/// Planning takes the CPU for a moment (seconds for a large what-if in a debug build): one
/// plan at a time, off the threads that answer requests, so people asking for plans (a
/// viewer may) never hold up the pages and the health check.
static PLANNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// The plan for the cluster as it is now (plus `what_if_servers` hypothetical ones).
pub async fn plan(console: &Console, options: &PlanOptions) -> Result<Plan, ServiceError> {
    let snapshot = current_snapshot(console).await?;
    let _turn = PLANNING
        .acquire()
        .await
        .map_err(|_| ServiceError::Unavailable("the planner is shutting down".into()))?;
    let options = options.clone();
    tokio::task::spawn_blocking(move || planner::plan(&snapshot, &options))
        .await
        .map_err(|e| ServiceError::Store(format!("the planner stopped: {e}")))?
        .map_err(|e| ServiceError::Invalid(e.to_string()))
}

/// The balance figures of the cluster as it is.
pub async fn figures(console: &Console) -> Result<Figures, ServiceError> {
    figures_without(console, &[]).await
}

/// The balance figures, not counting `drained` servers (as a drain's plan counts them).
pub async fn figures_without(
    console: &Console,
    drained: &[String],
) -> Result<Figures, ServiceError> {
    let options = PlanOptions {
        max_moves: Some(0),
        drain: drained.to_vec(),
        ..PlanOptions::default()
    };
    Ok(plan(console, &options).await?.before)
}

/// The plan for review (nothing moves): the console's plan with its fingerprint, and
/// ArangoDB's own plan beside it when the back end is ArangoDB.
pub async fn review(
    console: &Console,
    what_if_servers: u32,
    drain: &[String],
) -> Result<PlanReview, ServiceError> {
    let options = PlanOptions {
        what_if_servers,
        drain: drain.to_vec(),
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
pub async fn execute_reviewed(
    console: &Console,
    fingerprint: &str,
    drain: &[String],
) -> Result<u64, ServiceError> {
    console.jobs().refuse_if_topology_busy()?;
    let options = PlanOptions {
        drain: drain.to_vec(),
        ..PlanOptions::default()
    };
    let current = plan(console, &options).await?;
    if current.fingerprint() != fingerprint {
        return Err(ServiceError::Conflict(STALE_PLAN.into()));
    }
    console.start_job(crate::jobs::JobSpec::Rebalance {
        what_if_servers: 0,
        execute: true,
        fingerprint: Some(fingerprint.to_string()),
        drain: drain.to_vec(),
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
    spec: &RunSpec,
    ctx: &JobCtx,
) -> Result<Rebalance, ServiceError> {
    let resume = ctx.checkpoint::<RebalanceProgress>();
    run(console, spec, resume, ctx, &|p| ctx.save_checkpoint(p)).await
}

/// Plans (or takes up `resume`'s plan), and with `execute` carries it out move
/// by move; `save` records the progress before each move starts and after it
/// ends. With `expected` (the fingerprint of a reviewed plan) the plan must be
/// that one, else nothing moves.
pub async fn run(
    console: &Console,
    spec: &RunSpec,
    resume: Option<RebalanceProgress>,
    ctx: &JobCtx,
    save: &(dyn Fn(&RebalanceProgress) -> Result<(), ServiceError> + Send + Sync),
) -> Result<Rebalance, ServiceError> {
    let started = Instant::now();
    let started_ms = crate::clock::now_ms();
    let (what_if_servers, execute) = (spec.what_if_servers, spec.execute);
    let expected = spec.expected.as_deref();
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
                    "Resuming the plan made before: {} of {} steps done",
                    progress.done.len(),
                    progress.plan.moves.len()
                ),
            );
            progress
        }
        None => {
            let planning = if spec.drain.is_empty() {
                "Planning the rebalance".to_string()
            } else {
                format!("Planning the drain of {}", spec.drain.join(", "))
            };
            ctx.event("plan", 0, 1, Outcome::Running, planning);
            let options = PlanOptions {
                what_if_servers,
                drain: spec.drain.clone(),
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
                    "{}, {} to copy: {}",
                    scaleout_domain::units::counted(plan.moves.len() as u64, "step"),
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
            done_before_resume: 0,
            bytes_before_resume: 0,
            figures_after: None,
            meanwhile: Vec::new(),
            arangodb_plan,
        });
    }
    // What an earlier run made before the job stopped: the result says which part is this run's.
    let done_before_resume = progress.done.len();
    let bytes_before_resume = progress.done.iter().map(|m| m.bytes).sum();
    save(&progress)?;
    super::executor::execute(console, &mut progress, ctx, save).await?;
    // Moves side by side end in any order: the result lists them as the plan does.
    progress.done.sort_by_key(|m| m.step);
    let bytes_moved = progress.done.iter().map(|m| m.bytes).sum();
    let meanwhile = scaleout_domain::views::data_changes_during(
        &console.store().jobs(CONCURRENT_JOBS_LOOKED_AT)?,
        ctx.job,
        started_ms,
        crate::clock::now_ms(),
    );
    if !meanwhile.is_empty() {
        ctx.event(
            "plan",
            1,
            1,
            Outcome::Warning,
            scaleout_domain::views::meanwhile_note(&meanwhile),
        );
    }
    let done = Rebalance {
        plan: progress.plan,
        executed: true,
        moves_done: progress.done,
        bytes_moved,
        seconds: started.elapsed().as_secs_f64(),
        done_before_resume,
        bytes_before_resume,
        figures_after: Some(figures_without(console, &spec.drain).await?),
        meanwhile,
        arangodb_plan,
    };
    // In the job's log too: what the run did, and a resumed run's own part of it.
    ctx.event(
        "plan",
        1,
        1,
        Outcome::Ok,
        format!("Executed {}", done.done_text("step", "copied")),
    );
    Ok(done)
}

/// How many of the newest jobs are looked at for those that ran alongside a rebalance.
const CONCURRENT_JOBS_LOOKED_AT: u32 = 200;

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
                format!(
                    "ArangoDB's own plan, for comparison: {}",
                    scaleout_domain::units::counted(moves as u64, "move")
                ),
            );
            Some(plan)
        }
        Err(e) => {
            ctx.event("plan", 1, 1, Outcome::Warning, e);
            None
        }
    }
}
