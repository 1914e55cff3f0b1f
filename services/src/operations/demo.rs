//! The scale-out demo, for real: onboard tenants, add DB servers, rebalance,
//! validate, and keep a report of what happened and what it measured.

use std::time::Instant;

use scaleout_domain::port::BackendError;
use scaleout_domain::progress::Outcome;
use scaleout_domain::units::grouped;
use scaleout_domain::Naming;

use super::demo_report::{self, DemoReport, Metrics, StepRecord, Summary, ValidationSummary};
use super::{rebalance, tenants, topology};
use crate::clock::now_ms;
use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::JobCtx;

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
fn free_name(console: &Console, base: &str) -> Result<String, ServiceError> {
    if console.store().tenant_by_name(base)?.is_none() {
        return Ok(base.to_string());
    }
    for n in 2.. {
        let name = format!("{base} {n}");
        if console.store().tenant_by_name(&name)?.is_none() {
            return Ok(name);
        }
    }
    unreachable!("some numbered name is free")
}

struct State {
    tenants: u64,
    documents: u64,
    collections: u64,
    shards: u64,
    db_servers: u64,
}

async fn measure(console: &Console) -> Result<State, ServiceError> {
    let backend = console.backend();
    let map = backend.shard_map().await?;
    let overview = backend.overview().await?;
    Ok(State {
        tenants: console.store().tenants()?.len() as u64,
        documents: backend.stored_tenants().await?.values().sum(),
        collections: map.collections.len() as u64,
        shards: map.collections.iter().map(|c| c.shards.len() as u64).sum(),
        db_servers: overview.db_servers().count() as u64,
    })
}

pub async fn run(
    console: &Console,
    naming: Naming,
    report_dir: Option<&std::path::Path>,
    ctx: &JobCtx,
) -> Result<DemoReport, ServiceError> {
    let started_ms = now_ms();
    let started = Instant::now();
    let mut steps = Vec::new();
    let mut step = |name: &str, status: &str, t: Instant, details: String| {
        steps.push(StepRecord {
            step: steps.len() as u32 + 1,
            name: name.to_string(),
            status: status.to_string(),
            seconds: t.elapsed().as_secs_f64(),
            details,
        });
    };

    // 1. Initial state.
    let t = Instant::now();
    ctx.event(
        "demo",
        0,
        STEPS,
        Outcome::Running,
        "Step 1 of 6: the initial state",
    );
    let mut created_initial = Vec::new();
    if console.store().tenants()?.is_empty() {
        for (name, scale) in INITIAL_TENANTS {
            let new = tenants::prepare(console, name, i64::from(scale), naming)?;
            created_initial.push(tenants::add(console, &new, ctx).await?);
        }
    }
    let before = measure(console).await?;
    let figures_before = rebalance::figures(console).await?;
    let detail = if created_initial.is_empty() {
        format!(
            "{} tenants, {} documents already present",
            before.tenants,
            grouped(before.documents)
        )
    } else {
        format!(
            "Empty store: created Acme Corp (s=1) and Global Enterprises (s=2), {} documents",
            grouped(before.documents)
        )
    };
    ctx.event("demo", 1, STEPS, Outcome::Ok, detail.clone());
    step("initial_state", "completed", t, detail);

    // 2. New tenants, onboarded while the others keep serving.
    let t = Instant::now();
    ctx.event(
        "demo",
        1,
        STEPS,
        Outcome::Running,
        "Step 2 of 6: onboarding three new tenants",
    );
    let mut added = Vec::new();
    for (name, scale) in NEW_TENANTS {
        let new = tenants::prepare(
            console,
            &free_name(console, name)?,
            i64::from(scale),
            naming,
        )?;
        added.push(tenants::add(console, &new, ctx).await?);
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
    step("add_tenants", "completed", t, detail);

    // 3. More DB servers (or, where the back end cannot add them, a what-if).
    let t = Instant::now();
    ctx.event(
        "demo",
        2,
        STEPS,
        Outcome::Running,
        format!("Step 3 of 6: adding {NEW_SERVERS} DB servers"),
    );
    let what_if = match topology::add_servers(console, NEW_SERVERS, ctx).await {
        Ok(a) => {
            let detail = format!(
                "Added {}; {} DB servers",
                a.added
                    .iter()
                    .map(|s| s.short_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                a.db_servers
            );
            ctx.event("demo", 3, STEPS, Outcome::Ok, detail.clone());
            step("add_servers", "completed", t, detail);
            0
        }
        Err(ServiceError::Backend(BackendError::NotSupported { reason, .. })) => {
            let detail = format!("Not possible on this back end ({reason}); planning for {NEW_SERVERS} what-if servers instead");
            ctx.event("demo", 3, STEPS, Outcome::Warning, detail.clone());
            step("add_servers", "skipped", t, detail);
            NEW_SERVERS
        }
        Err(e) => return Err(e),
    };

    // 4. Rebalance.
    let t = Instant::now();
    ctx.event(
        "demo",
        3,
        STEPS,
        Outcome::Running,
        "Step 4 of 6: planning and executing the rebalance",
    );
    let rebalance = rebalance::rebalance(console, what_if, what_if == 0, None, ctx).await?;
    let after = rebalance
        .figures_after
        .as_ref()
        .unwrap_or(&rebalance.plan.after);
    let detail = format!(
        "{} move(s), {} copied: {}",
        rebalance.moves_done.len(),
        scaleout_domain::units::human_bytes(rebalance.bytes_moved),
        scaleout_domain::planner::effect(&rebalance.plan.before.bytes, &after.bytes),
    );
    ctx.event("demo", 4, STEPS, Outcome::Ok, detail.clone());
    step(
        "rebalance",
        if rebalance.executed {
            "completed"
        } else {
            "planned"
        },
        t,
        detail,
    );

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
        "{} documents checked, {} violation(s)",
        grouped(validation.report.documents_checked),
        validation.violations
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
            duration_seconds: started.elapsed().as_secs_f64(),
            backend: console.backend_info(),
            naming,
            success: validation.clean,
            outcome: if validation.clean {
                format!(
                    "{} tenants and {} documents after adding {} tenants and {} DB servers; rebalanced and validated with zero violations",
                    after.tenants, grouped(after.documents), added.len(), after.db_servers - before.db_servers
                )
            } else {
                format!("validation found {} violation(s)", validation.violations)
            },
        },
        scale_out_metrics: Metrics {
            tenants_before: before.tenants,
            tenants_after: after.tenants,
            tenants_added: after.tenants - before.tenants,
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
        .insert("total".into(), started.elapsed().as_secs_f64());
    if let Some(dir) = report_dir {
        report.files = demo_report::write(&report, dir, finished_ms)?;
        ctx.event(
            "demo",
            STEPS,
            STEPS,
            Outcome::Ok,
            format!("Report saved: {}", report.files.join(", ")),
        );
    } else {
        ctx.event("demo", STEPS, STEPS, Outcome::Ok, "Demo complete");
    }
    if !validation.clean {
        return Err(ServiceError::Conflict(format!(
            "the demo ran, but validation found {} violation(s): see the report",
            validation.violations
        )));
    }
    Ok(report)
}
