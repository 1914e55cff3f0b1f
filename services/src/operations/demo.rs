//! The scale-out demo, for real: onboard tenants, add DB servers, rebalance,
//! validate, and keep a report of what happened and what it measured.

use std::time::Instant;

use scaleout_domain::port::BackendError;
use scaleout_domain::progress::Outcome;
use scaleout_domain::units::{counted, grouped};
use scaleout_domain::Naming;

use super::demo_report::{self, DemoReport, Metrics, StepRecord, Summary, ValidationSummary};
use std::sync::Mutex;

use scaleout_domain::name_key::name_key;
use scaleout_domain::planner::Figures;
use scaleout_domain::views::{AddedTenant, Rebalance};
use serde::{Deserialize, Serialize};

use super::rebalance::RebalanceProgress;
use super::{rebalance, tenants, topology};
use crate::clock::now_ms;
use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::{JobCtx, NewTenant};

/// On an empty store the demo first creates these (3,285 documents).
pub const INITIAL_TENANTS: [(&str, u32); 2] = [("Acme Corp", 1), ("Global Enterprises", 2)];
/// The scale-out: +4,380 documents.
pub const NEW_TENANTS: [(&str, u32); 3] = [
    ("Global Retail Chain", 2),
    ("Manufacturing Solutions Inc", 1),
    ("Tech Startup Innovations", 1),
];
pub const NEW_SERVERS: u32 = 2;
const STEPS: u64 = 6;

/// A free name: the demo's own name, or with a number when an earlier run took it.
fn free_name(console: &Console, base: &str, chosen: &[NewTenant]) -> Result<String, ServiceError> {
    let free = |name: &str| -> Result<bool, ServiceError> {
        Ok(console.store().tenant_by_name(name)?.is_none()
            && !chosen.iter().any(|t| name_key(&t.name) == name_key(name)))
    };
    if free(base)? {
        return Ok(base.to_string());
    }
    for n in 2.. {
        let name = format!("{base} {n}");
        if free(&name)? {
            return Ok(name);
        }
    }
    unreachable!("some numbered name is free")
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    tenants: u64,
    documents: u64,
    collections: u64,
    shards: u64,
    db_servers: u64,
}

/// Counts of the registered tenants and the cluster's shape.
async fn measure(console: &Console) -> Result<State, ServiceError> {
    let backend = console.backend();
    let map = backend.shard_map().await?;
    let overview = backend.overview().await?;
    let registered = console.store().tenants()?;
    let stored = backend.stored_tenants().await?;
    Ok(State {
        tenants: registered.len() as u64,
        documents: registered
            .iter()
            .filter_map(|r| stored.get(&r.tenant.id))
            .sum(),
        collections: map.collections.len() as u64,
        shards: map.collections.iter().map(|c| c.shards.len() as u64).sum(),
        db_servers: overview.db_servers().count() as u64,
    })
}

/// How far the demo got, saved in its job after every step (and before any
/// tenant is loaded): `job resume` finishes the demo from here, with the same
/// tenants, never running it again.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Progress {
    started_ms: i64,
    /// The steps finished, in order.
    steps: Vec<StepRecord>,
    /// Step 1: what an empty store gets, fixed before any of it is loaded.
    initial: Option<Vec<NewTenant>>,
    before: Option<State>,
    figures_before: Option<Figures>,
    /// Step 2: the new tenants, named and fixed before any of them is loaded.
    new_tenants: Option<Vec<NewTenant>>,
    added: Vec<AddedTenant>,
    /// Step 3: DB servers before adding; a what-if instead when the back end cannot add.
    servers_before: Option<usize>,
    what_if: u32,
    /// Step 4: the rebalance's own progress, then its outcome.
    moving: Option<RebalanceProgress>,
    rebalanced: Option<Rebalance>,
}

/// The progress, and saving it into the job.
struct Tracker<'a> {
    ctx: &'a JobCtx,
    progress: Mutex<Progress>,
}

impl Tracker<'_> {
    fn get(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn update(&self, f: impl FnOnce(&mut Progress)) -> Result<(), ServiceError> {
        let mut progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut progress);
        self.ctx.save_checkpoint(&*progress)
    }

    fn step_done(
        &self,
        name: &str,
        status: &str,
        t: Instant,
        details: String,
    ) -> Result<(), ServiceError> {
        self.update(|p| {
            p.steps.push(StepRecord {
                step: p.steps.len() as u32 + 1,
                name: name.to_string(),
                status: status.to_string(),
                seconds: t.elapsed().as_secs_f64(),
                details,
            })
        })
    }

    fn done(&self, step: usize) -> bool {
        self.progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .steps
            .len()
            >= step
    }
}

pub async fn run(
    console: &Console,
    naming: Naming,
    report_dir: Option<&std::path::Path>,
    ctx: &JobCtx,
) -> Result<DemoReport, ServiceError> {
    let resumed = ctx.checkpoint::<Progress>();
    if let Some(p) = &resumed {
        ctx.event(
            "demo",
            p.steps.len() as u64,
            STEPS,
            Outcome::Running,
            format!("Resuming the demo after step {} of {STEPS}", p.steps.len()),
        );
    }
    let track = Tracker {
        ctx,
        progress: Mutex::new(resumed.unwrap_or_else(|| Progress {
            started_ms: now_ms(),
            ..Progress::default()
        })),
    };
    let started_ms = track.get().started_ms;

    // 1. Initial state.
    if !track.done(1) {
        let t = Instant::now();
        ctx.event(
            "demo",
            0,
            STEPS,
            Outcome::Running,
            "Step 1 of 6: the initial state",
        );
        let initial = match track.get().initial {
            Some(list) => list,
            None => {
                let mut list = Vec::new();
                if console.store().tenants()?.is_empty() {
                    for (name, scale) in INITIAL_TENANTS {
                        list.push(tenants::prepare(console, name, i64::from(scale), naming)?);
                    }
                    list = super::placement::place(console, list).await?;
                }
                track.update(|p| p.initial = Some(list.clone()))?;
                list
            }
        };
        for new in &initial {
            tenants::add(console, new, ctx).await?;
        }
        let before = measure(console).await?;
        let figures_before = rebalance::figures(console).await?;
        let detail = if initial.is_empty() {
            format!(
                "{}, {} already present",
                counted(before.tenants as u64, "tenant"),
                counted(before.documents, "document")
            )
        } else {
            format!(
                "Empty store: created Acme Corp (s=1) and Global Enterprises (s=2), {} documents",
                grouped(before.documents)
            )
        };
        ctx.event("demo", 1, STEPS, Outcome::Ok, detail.clone());
        track.update(|p| {
            p.before = Some(before);
            p.figures_before = Some(figures_before);
        })?;
        track.step_done("initial_state", "completed", t, detail)?;
    }

    // 2. New tenants, onboarded while the others keep serving.
    if !track.done(2) {
        let t = Instant::now();
        ctx.event(
            "demo",
            1,
            STEPS,
            Outcome::Running,
            "Step 2 of 6: onboarding three new tenants",
        );
        let list = match track.get().new_tenants {
            Some(list) => list,
            None => {
                let mut list = Vec::new();
                for (name, scale) in NEW_TENANTS {
                    let name = free_name(console, name, &list)?;
                    list.push(tenants::prepare(console, &name, i64::from(scale), naming)?);
                }
                let list = super::placement::place(console, list).await?;
                track.update(|p| p.new_tenants = Some(list.clone()))?;
                list
            }
        };
        let mut added = Vec::new();
        for new in &list {
            added.push(tenants::add(console, new, ctx).await?);
        }
        let added_docs: u64 = added.iter().map(|a| a.total_documents).sum();
        let detail = format!(
            "Added {} (+{} documents)",
            added
                .iter()
                .map(|a| format!("{} s={}", a.name, a.scale_factor))
                .collect::<Vec<_>>()
                .join(", "),
            grouped(added_docs)
        );
        ctx.event("demo", 2, STEPS, Outcome::Ok, detail.clone());
        track.update(|p| p.added = added)?;
        track.step_done("add_tenants", "completed", t, detail)?;
    }

    // 3. More DB servers (or, where the back end cannot add them, a what-if).
    if !track.done(3) {
        let t = Instant::now();
        ctx.event(
            "demo",
            2,
            STEPS,
            Outcome::Running,
            format!("Step 3 of 6: adding {NEW_SERVERS} DB servers"),
        );
        let before = match track.get().servers_before {
            Some(n) => n,
            None => {
                let n = console.backend().overview().await?.db_servers().count();
                track.update(|p| p.servers_before = Some(n))?;
                n
            }
        };
        match topology::add_servers_since(console, NEW_SERVERS, before, ctx).await {
            Ok(a) => {
                let names: Vec<String> = console
                    .backend()
                    .overview()
                    .await?
                    .db_servers()
                    .skip(before)
                    .map(|s| s.short_name.clone())
                    .collect();
                let detail = format!("Added {}; {} DB servers", names.join(", "), a.db_servers);
                // The log has just named them (the servers step): the step's end says where
                // that leaves the cluster; the report keeps the names.
                ctx.event(
                    "demo",
                    3,
                    STEPS,
                    Outcome::Ok,
                    format!(
                        "{} DB servers now, {} of them new and empty until the rebalance",
                        a.db_servers,
                        names.len()
                    ),
                );
                track.step_done("add_servers", "completed", t, detail)?;
            }
            Err(ServiceError::Backend(BackendError::NotSupported { reason, .. })) => {
                let detail = format!("Not possible on this back end ({reason}); planning for {NEW_SERVERS} what-if servers instead");
                ctx.event("demo", 3, STEPS, Outcome::Warning, detail.clone());
                track.update(|p| p.what_if = NEW_SERVERS)?;
                track.step_done("add_servers", "skipped", t, detail)?;
            }
            Err(e) => return Err(e),
        }
    }
    let what_if = track.get().what_if;

    // 4. Rebalance.
    if !track.done(4) {
        let t = Instant::now();
        ctx.event(
            "demo",
            3,
            STEPS,
            Outcome::Running,
            "Step 4 of 6: planning and executing the rebalance",
        );
        let resume = track.get().moving;
        let spec = rebalance::RunSpec {
            what_if_servers: what_if,
            execute: what_if == 0,
            ..Default::default()
        };
        let outcome = rebalance::run(console, &spec, resume, ctx, &|m| {
            track.update(|p| p.moving = Some(m.clone()))
        })
        .await?;
        let after = outcome
            .figures_after
            .as_ref()
            .unwrap_or(&outcome.plan.after);
        let detail = format!(
            "{}, {} copied: {}",
            scaleout_domain::units::counted(outcome.moves_done.len() as u64, "move"),
            scaleout_domain::units::human_bytes(outcome.bytes_moved),
            scaleout_domain::planner::effect(&outcome.plan.before.bytes, &after.bytes),
        );
        ctx.event("demo", 4, STEPS, Outcome::Ok, detail.clone());
        let status = if outcome.executed {
            "completed"
        } else {
            "planned"
        };
        track.update(|p| p.rebalanced = Some(outcome))?;
        track.step_done("rebalance", status, t, detail)?;
    }
    let Progress {
        before,
        figures_before,
        added,
        rebalanced,
        steps,
        ..
    } = track.get();
    let (Some(before), Some(figures_before), Some(rebalance)) =
        (before, figures_before, rebalanced)
    else {
        return Err(ServiceError::Store(
            "the demo's saved progress lacks its first steps' figures: run a new demo".into(),
        ));
    };
    let mut steps = steps;
    let mut step = |name: &str, status: &str, t: Instant, details: String| {
        steps.push(StepRecord {
            step: steps.len() as u32 + 1,
            name: name.to_string(),
            status: status.to_string(),
            seconds: t.elapsed().as_secs_f64(),
            details,
        });
    };

    // 5. Validate.
    let t = Instant::now();
    ctx.event(
        "demo",
        4,
        STEPS,
        Outcome::Running,
        "Step 5 of 6: validating isolation and counts",
    );
    let validation = topology::validate(console, ctx).await?;
    let detail = format!(
        "{} documents checked, {}",
        grouped(validation.report.documents_checked),
        scaleout_domain::units::counted(validation.violations as u64, "violation")
    );
    let status = if validation.clean {
        "completed"
    } else {
        "failed"
    };
    ctx.event(
        "demo",
        5,
        STEPS,
        if validation.clean {
            Outcome::Ok
        } else {
            Outcome::Failed
        },
        detail.clone(),
    );
    step("validate", status, t, detail);

    // 6. Report.
    let after = measure(console).await?;
    let figures_after = match &rebalance.figures_after {
        Some(f) => f.clone(),
        None => rebalance.plan.after.clone(),
    };
    let finished_ms = now_ms();
    let mut report = DemoReport {
        demonstration_summary: Summary {
            title: "Scale-out demonstration".into(),
            started_at: crate::clock::iso(started_ms),
            finished_at: crate::clock::iso(finished_ms),
            duration_seconds: (finished_ms - started_ms) as f64 / 1000.0,
            backend: console.backend_info(),
            naming,
            success: validation.clean,
            outcome: if validation.clean {
                // Said as it went: a rebalance that found nothing to move did not rebalance.
                let moved = match rebalance.moves_done.len() {
                    0 => "the rebalance found nothing to move".to_string(),
                    1 => "rebalanced in 1 move".to_string(),
                    n => format!("rebalanced in {n} moves"),
                };
                format!(
                    "{} and {} after adding {} and {}; {moved}; validated with zero violations{}",
                    counted(after.tenants as u64, "tenant"),
                    counted(after.documents, "document"),
                    counted(added.len() as u64, "tenant"),
                    counted(
                        after.db_servers.saturating_sub(before.db_servers) as u64,
                        "DB server"
                    ),
                    less_even(&figures_before, &figures_after)
                )
            } else {
                format!(
                    "validation found {}",
                    scaleout_domain::units::counted(validation.violations as u64, "violation")
                )
            },
        },
        scale_out_metrics: Metrics {
            tenants_before: before.tenants,
            tenants_after: after.tenants,
            tenants_added: after.tenants.saturating_sub(before.tenants),
            documents_before: before.documents,
            documents_after: after.documents,
            documents_added: after.documents.saturating_sub(before.documents),
            collections_before: before.collections,
            collections_after: after.collections,
            shards_before: before.shards,
            shards_after: after.shards,
            db_servers_before: before.db_servers,
            db_servers_after: after.db_servers,
        },
        demonstration_steps: steps,
        balance_before: figures_before,
        balance_after: figures_after,
        balance_before_rebalance: Some(rebalance.plan.before.clone()),
        moves: rebalance.moves_done.clone(),
        planned_moves: rebalance.plan.moves.len() as u64,
        bytes_moved: rebalance.bytes_moved,
        validation: ValidationSummary::from(&validation),
        tenants_added: added,
        timings: Default::default(),
        files: Vec::new(),
    };
    report.timings = report
        .demonstration_steps
        .iter()
        .map(|s| (s.name.clone(), s.seconds))
        .collect();
    report
        .timings
        .insert("total".into(), (finished_ms - started_ms) as f64 / 1000.0);
    if let Some(dir) = report_dir {
        report.files = demo_report::write(&report, dir, finished_ms)?;
        ctx.event(
            "demo",
            STEPS,
            STEPS,
            Outcome::Ok,
            // File names only: stakeholders watch this log, server paths are not theirs.
            format!(
                "Report saved as {}",
                report
                    .files
                    .iter()
                    .filter_map(|f| std::path::Path::new(f).file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    } else {
        ctx.event("demo", STEPS, STEPS, Outcome::Ok, "Demo complete");
    }
    if !validation.clean {
        return Err(ServiceError::Conflict(format!(
            "the demo ran, but validation found {}: see the report",
            scaleout_domain::units::counted(validation.violations as u64, "violation")
        )));
    }
    Ok(report)
}

/// Said when the servers end less evenly loaded than before the demo (the tenants it
/// added can outweigh what the new servers take): a success that does not say so would
/// mislead whoever reads the report.
fn less_even(before: &Figures, after: &Figures) -> String {
    if after.bytes.cv > before.bytes.cv + scaleout_domain::planner::NOTICEABLE {
        format!(
            "; but the servers are less evenly loaded than before the demo (spread of bytes {} -> {}): shard groups move whole, and the largest decide how even the servers can be",
            scaleout_domain::units::spread_percent(before.bytes.cv),
            scaleout_domain::units::spread_percent(after.bytes.cv)
        )
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::planner::{ArangoImbalance, Stats};

    fn spread(cv: f64) -> Figures {
        Figures {
            servers: Vec::new(),
            balanced_servers: 5,
            bytes: Stats {
                cv,
                ..Stats::default()
            },
            shards: Stats::default(),
            leaders: Stats::default(),
            arangodb: ArangoImbalance::default(),
        }
    }

    #[test]
    fn a_demo_that_leaves_servers_less_even_says_so() {
        let said = less_even(&spread(0.067), &spread(0.141));
        assert!(
            said.contains(
                "less evenly loaded than before the demo (spread of bytes 6.7% -> 14.1%)"
            ),
            "{said}"
        );
        assert_eq!(less_even(&spread(0.30), &spread(0.08)), "");
        // Within a point: nothing anyone would notice.
        assert_eq!(less_even(&spread(0.067), &spread(0.070)), "");
    }
}
