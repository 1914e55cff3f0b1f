//! Carrying out a rebalance plan: moves side by side within the operator's limits (data
//! copies per server, a bytes-per-second budget kept by pacing the starts), each with a
//! deadline, each verified before and after. Progress is saved after every move, so a
//! resume never repeats one; when a move fails, the moves already running finish (and are
//! recorded) before the run stops.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use scaleout_domain::execution::{Pacer, Schedule, StepShape};
use scaleout_domain::planner::{PlannedMove, Role, StepKind};
use scaleout_domain::port::{BackendError, MoveRequest, ReplicaRole};
use scaleout_domain::progress::Outcome;
use scaleout_domain::rebalance_progress::{copy_step, BYTES_STEP, MOVE_STEP};
use scaleout_domain::units::human_bytes;
use scaleout_domain::views::ExecutedMove;

use super::rebalance::RebalanceProgress;
use super::run_forecast::RunForecast;
use super::verify;
use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::JobCtx;

type Save<'a> = &'a (dyn Fn(&RebalanceProgress) -> Result<(), ServiceError> + Send + Sync);

/// Runs every step of `progress.plan` not yet in `progress.done`.
pub async fn execute(
    console: &Console,
    progress: &mut RebalanceProgress,
    ctx: &JobCtx,
    save: Save<'_>,
) -> Result<(), ServiceError> {
    let limits = console.config().move_limits;
    let steps = progress.plan.moves.clone();
    let total = steps.len() as u64;
    let done = done_steps(progress);
    let shapes = steps
        .iter()
        .map(|s| StepShape {
            group: s.group.clone(),
            from: s.from.clone(),
            to: s.to.clone(),
            copies: s.kind == StepKind::Move,
        })
        .collect();
    let mut schedule = Schedule::new(shapes, &done, limits.copies_per_server);
    let mut pacer = Pacer::new(limits.max_rate);
    let started = Instant::now();
    let mut bytes_done: u64 = progress.done.iter().map(|m| m.bytes).sum();
    ctx.event(
        MOVE_STEP,
        progress.done.len() as u64,
        total,
        Outcome::Running,
        format!(
            "Executing {}: {}",
            scaleout_domain::units::counted(total - progress.done.len() as u64, "step"),
            limits.describe()
        ),
    );
    let forecaster = RunForecast::new();
    let forecast = |schedule: &Schedule, progress: &RebalanceProgress| {
        forecaster.time_left(schedule, &steps, progress, console)
    };
    copied(
        ctx,
        bytes_done,
        progress.plan.bytes_to_move,
        forecast(&schedule, progress),
    );

    // Whose data each move carries, for the people watching ("shard group 3 (Acme Corp)").
    let owners = owners(console).await;
    let mut running = FuturesUnordered::new();
    let mut failure: Option<ServiceError> = None;
    // Every move a cancel stopped, so the job's reason names each of them, not the first.
    let mut stopped: Vec<(usize, String)> = Vec::new();
    loop {
        let mut pace_wait = None;
        if failure.is_none() && !ctx.cancel_flag().is_cancelled() {
            for i in schedule.ready() {
                let step = &steps[i];
                let copies = step.kind == StepKind::Move;
                if copies {
                    let wait = pacer.wait(started.elapsed());
                    if !wait.is_zero() {
                        pace_wait = Some(pace_wait.map_or(wait, |w: Duration| w.min(wait)));
                        continue;
                    }
                    pacer.started(step.bytes);
                }
                schedule.start(i);
                running.push(one_move(
                    console,
                    ctx,
                    i,
                    total,
                    step.clone(),
                    &owners,
                    &forecaster,
                ));
            }
        }
        if running.is_empty() {
            match pace_wait {
                Some(wait) if failure.is_none() => {
                    tokio::time::sleep(wait.min(Duration::from_millis(250))).await;
                    continue;
                }
                _ => break,
            }
        }
        let finished = tokio::select! {
            next = running.next() => next,
            _ = tokio::time::sleep(pace_wait.unwrap_or_default()), if pace_wait.is_some() => continue,
            // Forecast again as the copies go: the first one before any move has ended.
            // Until a copy is measured there is nothing new to say.
            _ = tokio::time::sleep(forecaster.next_in()) => {
                if let Some(left) = forecast(&schedule, progress) {
                    copied(ctx, bytes_done, progress.plan.bytes_to_move, Some(left));
                }
                continue;
            }
        };
        let Some((i, outcome)) = finished else {
            continue;
        };
        schedule.finish(i);
        forecaster.ended(i);
        match outcome {
            Ok(executed) => {
                console.record_move_rate(executed.bytes, executed.millis);
                bytes_done += executed.bytes;
                let verified = executed.verified;
                let note = executed.verification.clone();
                progress.done.push(executed);
                save(progress)?;
                ctx.event(
                    MOVE_STEP,
                    progress.done.len() as u64,
                    total,
                    Outcome::Ok,
                    format!("{} of {total} steps done", progress.done.len()),
                );
                copied(
                    ctx,
                    bytes_done,
                    progress.plan.bytes_to_move,
                    forecast(&schedule, progress),
                );
                if !verified && failure.is_none() {
                    failure = Some(ServiceError::Conflict(format!(
                        "step {} was not verified, so the run stopped: {}",
                        i + 1,
                        note.unwrap_or_default()
                    )));
                }
            }
            Err(e) => {
                if e.kind() == crate::error::ErrorKind::Cancelled {
                    stopped.push((i, stopped_move(&e)));
                }
                if failure.is_none() {
                    failure = Some(e);
                }
            }
        }
    }
    if let Some(e) = failure {
        if e.kind() != crate::error::ErrorKind::Cancelled {
            return Err(e);
        }
        if stopped.len() < 2 {
            return Err(cancelled_after(stopped_move(&e), progress, total));
        }
        // In the plan's order, whichever stopped first.
        stopped.sort_by_key(|(i, _)| *i);
        // A sentence each: the list reads on a phone, and in the Jobs list.
        let each: Vec<String> = stopped
            .iter()
            .map(|(i, m)| scaleout_domain::access::text::sentence(&format!("Move {}: {m}", i + 1)))
            .collect();
        let reason = format!(
            "{} running moves were stopped. {}",
            stopped.len(),
            each.join(" ")
        );
        return Err(cancelled_after(reason, progress, total));
    }
    if let Err(e) = ctx.check_cancel() {
        return Err(cancelled_after(stopped_move(&e), progress, total));
    }
    Ok(())
}

/// What the run had done by the cancel and what a resume does, then the cancel's reason:
/// the steps already made are not undone, and an operator deciding whether to resume
/// reads that first (the stopped moves' details can run long).
fn cancelled_after(reason: String, progress: &RebalanceProgress, total: u64) -> ServiceError {
    let done = progress.done.len() as u64;
    let bytes: u64 = progress.done.iter().map(|m| m.bytes).sum();
    let so_far = if done == 0 {
        format!(
            "No step of {total} was done before the cancel: a resume starts from the first step, if the plan still fits the cluster."
        )
    } else {
        format!(
            "{done} of {total} steps done before the cancel ({} copied; they stay done): a resume makes the remaining {}, if the plan still fits the cluster.",
            human_bytes(bytes),
            total.saturating_sub(done)
        )
    };
    ServiceError::Cancelled(format!(
        "{so_far} {}",
        scaleout_domain::access::text::sentence(&reason)
    ))
}

/// What a cancel did to one move, without the "cancelled: " every one of them starts with.
fn stopped_move(e: &ServiceError) -> String {
    match e {
        ServiceError::Cancelled(m) | ServiceError::Backend(BackendError::Cancelled(m)) => m.clone(),
        other => other.to_string(),
    }
}

/// The bytes the finished moves copied, of the plan's, and how long the rest will take.
fn copied(ctx: &JobCtx, done: u64, total: u64, time_left_secs: Option<f64>) {
    let message = format!("{} of {} copied", human_bytes(done), human_bytes(total));
    ctx.event_with_forecast(BYTES_STEP, done, total, message, time_left_secs);
}

/// One step: checks where the group is, moves it with a deadline, verifies it.
async fn one_move(
    console: &Console,
    ctx: &JobCtx,
    i: usize,
    total: u64,
    step: PlannedMove,
    owners: &BTreeMap<u32, String>,
    forecaster: &RunForecast,
) -> (usize, Result<ExecutedMove, ServiceError>) {
    (
        i,
        run_step(console, ctx, i, total, &step, owners, forecaster).await,
    )
}

async fn run_step(
    console: &Console,
    ctx: &JobCtx,
    i: usize,
    total: u64,
    step: &PlannedMove,
    owners: &BTreeMap<u32, String>,
    forecaster: &RunForecast,
) -> Result<ExecutedMove, ServiceError> {
    let request = request_of(step)?;
    let group = request.group;
    let number = i as u64 + 1;
    let name = copy_step(number);
    let what = describe(number, total, step, group, owners.get(&group));
    ctx.event(&name, 0, step.bytes, Outcome::Running, what.clone());
    let record = |bytes, millis, verdict: verify::Verdict| ExecutedMove {
        group,
        from: request.from.clone(),
        to: request.to.clone(),
        role: request.role,
        bytes,
        millis,
        step: Some(i),
        verified: verdict.verified,
        verification: verdict.note,
    };
    let result = async {
        match placement_of(console, &request).await? {
            Placement::Done => {
                // Finished before a crash, not yet recorded: nothing to copy again. There is
                // no count from before it, so only the placement is checked.
                let wrong = verify::misplaced(console, &request).await?;
                let verdict = verify::Verdict {
                    verified: wrong.is_none(),
                    summary: String::new(),
                    note: Some(wrong.unwrap_or_else(|| {
                        "made before the job stopped: placement read back, data not compared".into()
                    })),
                };
                Ok((format!("{what}: already done before the job stopped"), record(0, 0, verdict)))
            }
            Placement::Pending => {
                let before = verify::before(console, ctx.job, group).await?;
                let deadline = console
                    .config()
                    .move_limits
                    .deadline(step.bytes, console.move_rate().rate());
                let report = console
                    .backend()
                    .move_shard_group(
                        &request,
                        &deadline,
                        &|p| {
                            if p.phase == scaleout_domain::port::MovePhase::Copying {
                                forecaster.copied(i, p.bytes_done);
                            }
                            ctx.move_progress(&name, p, || {
                                format!(
                                    "{what}: {}{} of {} copied, {}",
                                    if p.estimated { "about " } else { "" },
                                    human_bytes(p.bytes_done),
                                    human_bytes(p.bytes_total),
                                    p.phase.label()
                                )
                            })
                        },
                        ctx.cancel_flag(),
                    )
                    .await?;
                ctx.move_progress(
                    &name,
                    scaleout_domain::port::MoveProgress {
                        phase: scaleout_domain::port::MovePhase::Verifying,
                        ..scaleout_domain::port::MoveProgress::done(report.bytes)
                    },
                    || format!("{what}: verifying (counting the group's data, reading its placement back)"),
                );
                let verdict = verify::after(console, ctx.job, &request, &before).await?;
                let text = format!(
                    "{what}: done in {:.1} s; {}",
                    report.millis as f64 / 1000.0,
                    verdict.summary
                );
                Ok((text, record(report.bytes, report.millis, verdict)))
            }
            Placement::Elsewhere(now) => Err(ServiceError::Conflict(format!(
                "the cluster changed since this plan was made: shard group {group} is now on {now}, not {}; plan again",
                request.from
            ))),
        }
    }
    .await;
    let counters = crate::metrics::counters();
    match result {
        Ok((text, executed)) => {
            let outcome = if executed.verified {
                counters.move_ended(crate::metrics::MoveOutcome::Verified, executed.bytes);
                Outcome::Ok
            } else {
                counters.move_ended(crate::metrics::MoveOutcome::Unverified, executed.bytes);
                Outcome::Failed
            };
            ctx.event(&name, executed.bytes, executed.bytes, outcome, text);
            Ok(executed)
        }
        Err(e) => {
            let outcome = match e.kind() {
                crate::error::ErrorKind::Cancelled => {
                    counters.move_ended(crate::metrics::MoveOutcome::Cancelled, 0);
                    Outcome::Warning
                }
                _ => {
                    counters.move_ended(crate::metrics::MoveOutcome::Failed, 0);
                    Outcome::Failed
                }
            };
            // A stopped move's sentence names the move already: its line does not repeat
            // the one that started it.
            let line = if e.kind() == crate::error::ErrorKind::Cancelled {
                format!("Move {number} of {total}, cancelled: {}", stopped_move(&e))
            } else {
                format!("{what}: {e}")
            };
            ctx.event(&name, 0, step.bytes, outcome, line);
            Err(e)
        }
    }
}

/// The registered tenants of each shard group, named (largest first, as the shard report
/// lists them), so a move's line says whose data it carries. Best effort: without the
/// report the lines go without names.
async fn owners(console: &Console) -> BTreeMap<u32, String> {
    let Ok(report) = super::reports::shards(console).await else {
        return BTreeMap::new();
    };
    report
        .groups
        .iter()
        .filter_map(|g| {
            let named: Vec<&str> = g
                .tenants
                .iter()
                .map(|t| t.name.as_str())
                .filter(|n| *n != super::reports::UNREGISTERED)
                .collect();
            let text = match named.as_slice() {
                [] => return None,
                [one] => one.to_string(),
                [a, b] => format!("{a}, {b}"),
                [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
            };
            Some((g.index, text))
        })
        .collect()
}

fn describe(
    number: u64,
    total: u64,
    step: &PlannedMove,
    group: u32,
    owners: Option<&String>,
) -> String {
    let role = match step.role {
        Role::Leader => "leader",
        Role::Follower => "follower",
    };
    let group = match owners {
        Some(names) => format!("{group} ({names})"),
        None => group.to_string(),
    };
    match step.kind {
        StepKind::Move => format!(
            "Move {number} of {total}: shard group {group} {role} {} -> {} ({})",
            step.from,
            step.to,
            human_bytes(step.bytes)
        ),
        // The follower on `to` takes over: nothing is copied.
        StepKind::LeaderSwitch => format!(
            "Move {number} of {total}: shard group {group} leadership {} -> {} (leader switch, nothing copied)",
            step.from, step.to
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

/// The move a planned step asks of the cluster.
fn request_of(step: &PlannedMove) -> Result<MoveRequest, ServiceError> {
    let group: u32 = step.group.parse().map_err(|_| {
        ServiceError::Invalid(format!(
            "the plan names an unknown shard group {:?}",
            step.group
        ))
    })?;
    Ok(MoveRequest {
        group,
        from: step.from.clone(),
        to: step.to.clone(),
        role: match step.role {
            Role::Leader => ReplicaRole::Leader,
            Role::Follower => ReplicaRole::Follower,
        },
    })
}

/// The plan's steps already made. Records from before steps were numbered were made in
/// plan order.
fn done_steps(progress: &RebalanceProgress) -> Vec<usize> {
    progress
        .done
        .iter()
        .enumerate()
        .map(|(k, m)| m.step.unwrap_or(k))
        .collect()
}

/// Why a stopped run's remaining steps no longer fit the cluster (a group moved since
/// the plan was made), or None when each is still to be made or was made. A resume checks
/// this first: it would fail at once, and overwrite how the job had ended.
pub(crate) async fn stale_step(
    console: &Console,
    progress: &RebalanceProgress,
) -> Result<Option<String>, ServiceError> {
    let map = console.backend().shard_map().await?;
    stale_in(map, &progress.plan.moves, &done_steps(progress))
}

/// [`stale_step`] against the cluster's shard map: the steps not `done` played out in
/// plan order over it.
fn stale_in(
    mut map: scaleout_domain::port::ShardMap,
    steps: &[PlannedMove],
    done: &[usize],
) -> Result<Option<String>, ServiceError> {
    for (i, step) in steps.iter().enumerate() {
        if done.contains(&i) {
            continue;
        }
        let request = request_of(step)?;
        match placement_in(&map, &request) {
            // A group's steps run in plan order: a later one starts where this one ends
            // (a leader switch after the copy it waits for), not where the group is now.
            Ok(Placement::Pending) => made(&mut map, &request),
            Ok(Placement::Done) => {}
            Ok(Placement::Elsewhere(now)) => {
                return Ok(Some(format!(
                    "shard group {} is now on {now}, not {}",
                    request.group, request.from
                )))
            }
            Err(_) => {
                return Ok(Some(format!(
                    "shard group {} no longer exists",
                    request.group
                )))
            }
        }
    }
    Ok(None)
}

/// `map` as it is once `request` is made: the replica leaves `from` for `to`. A leader
/// moving to a server that holds a follower trades places with it (a leader switch).
fn made(map: &mut scaleout_domain::port::ShardMap, request: &MoveRequest) {
    let Some(group) = map.groups.iter_mut().find(|g| g.index == request.group) else {
        return;
    };
    match request.role {
        ReplicaRole::Leader => {
            if let Some(f) = group.followers.iter_mut().find(|f| **f == request.to) {
                *f = request.from.clone();
            }
            group.leader = request.to.clone();
        }
        ReplicaRole::Follower => {
            if let Some(f) = group.followers.iter_mut().find(|f| **f == request.from) {
                *f = request.to.clone();
            }
        }
    }
}

async fn placement_of(console: &Console, request: &MoveRequest) -> Result<Placement, ServiceError> {
    placement_in(&console.backend().shard_map().await?, request)
}

fn placement_in(
    map: &scaleout_domain::port::ShardMap,
    request: &MoveRequest,
) -> Result<Placement, ServiceError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::port::{ShardGroup, ShardMap};

    fn step(from: &str, to: &str, kind: StepKind) -> PlannedMove {
        PlannedMove {
            group: "2".into(),
            collection: None,
            shard: None,
            from: from.into(),
            to: to.into(),
            role: Role::Leader,
            bytes: if kind == StepKind::Move { 100 } else { 0 },
            kind,
            mandatory: false,
        }
    }

    fn map(leader: &str, followers: &[&str]) -> ShardMap {
        ShardMap {
            number_of_shards: 3,
            replication_factor: 2,
            collections: Vec::new(),
            groups: vec![ShardGroup {
                index: 2,
                leader: leader.into(),
                followers: followers.iter().map(|f| f.to_string()).collect(),
                documents: 0,
                bytes: 100,
                tenants: Vec::new(),
                in_sync: true,
                available: true,
            }],
        }
    }

    /// A group's later step starts where its earlier one ends: a run cancelled before
    /// either ran was refused a resume ("shard group 2 is now on A, B, not C").
    #[test]
    fn a_later_step_of_a_group_is_checked_where_the_earlier_one_leaves_it() {
        let steps = [
            step("A", "C", StepKind::Move),
            step("C", "B", StepKind::LeaderSwitch),
        ];
        // Neither made, the first made (unrecorded), both made: all still fit.
        assert_eq!(stale_in(map("A", &["B"]), &steps, &[]).unwrap(), None);
        assert_eq!(stale_in(map("C", &["B"]), &steps, &[]).unwrap(), None);
        assert_eq!(stale_in(map("C", &["B"]), &steps, &[0]).unwrap(), None);
        assert_eq!(stale_in(map("B", &["C"]), &steps, &[0]).unwrap(), None);
        // Someone else moved the group: the run no longer fits.
        let moved = stale_in(map("D", &["B"]), &steps, &[]).unwrap().unwrap();
        assert!(moved.contains("now on D, B, not A"), "{moved}");
    }
}
