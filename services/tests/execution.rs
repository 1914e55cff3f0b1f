//! Executing plans through the services on the embedded back end: moves side by side
//! within the per-server limit, a rate budget, deadlines, per-move verification, and
//! draining then removing a server.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use scaleout_domain::execution::MoveLimits;
use scaleout_domain::planner::StepKind;
use scaleout_domain::progress::{Outcome, ProgressEvent};
use scaleout_domain::rebalance_progress::{BYTES_STEP, MOVE_STEP};
use scaleout_domain::views::{JobRecord, Rebalance};
use scaleout_domain::Naming;
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};
use scaleout_services::jobs::JobSpec;
use scaleout_services::operations::{rebalance, retire, tenants};
use scaleout_services::store::JobState;
use scaleout_services::{Console, ConsoleConfig, ErrorKind};

/// A console whose moves copy at `rate` bytes/s after `overhead_ms`.
fn console(dir: &std::path::Path, rate: u64, overhead_ms: u64, limits: MoveLimits) -> Console {
    let mut config = EmbeddedConfig::in_dir(dir);
    config.move_rate_bytes_per_sec = rate;
    config.move_overhead = Duration::from_millis(overhead_ms);
    let backend = Arc::new(EmbeddedCluster::open(config).unwrap());
    let config = ConsoleConfig {
        tenant_id_seed: Some(7),
        move_limits: limits,
        ..ConsoleConfig::new(dir)
    };
    Console::with_backend(config, backend).unwrap()
}

/// Eight tenants on three servers, then three empty servers: a plan with many moves.
async fn crowded(c: &Console) {
    let names = [
        "Acme Corp",
        "Globex",
        "Initech",
        "Umbrella",
        "Hooli",
        "Vandelay",
        "Stark",
        "Wayne",
    ];
    let mut jobs = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let t = tenants::prepare(c, name, 1 + (i as i64 % 3), Naming::CamelCase).unwrap();
        jobs.push(c.start_job(JobSpec::AddTenant { tenant: t }).unwrap());
    }
    for j in jobs {
        assert_eq!(c.jobs().wait(j).await.unwrap().state, JobState::Succeeded);
    }
    let add = c.start_job(JobSpec::AddServers { count: 3 }).unwrap();
    assert_eq!(c.jobs().wait(add).await.unwrap().state, JobState::Succeeded);
}

fn execute(drain: Vec<String>) -> JobSpec {
    JobSpec::Rebalance {
        what_if_servers: 0,
        execute: true,
        fingerprint: None,
        drain,
    }
}

async fn events(c: &Console, job: u64) -> Vec<ProgressEvent> {
    c.jobs().watch(job).unwrap().collect().await
}

/// Runs a rebalance to its end; its log and its result.
async fn executed(c: &Console) -> (Vec<ProgressEvent>, Rebalance) {
    let job = c.start_job(execute(Vec::new())).unwrap();
    let log = events(c, job).await;
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Succeeded, "{:?}", record.error);
    (log, serde_json::from_value(record.result.unwrap()).unwrap())
}

/// When each move ran (ms since the epoch): from its first event to its last.
fn intervals(events: &[ProgressEvent]) -> BTreeMap<usize, (i64, i64)> {
    let mut out = BTreeMap::new();
    for e in events {
        let Some(n) = e
            .step
            .strip_prefix("move ")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        let span = out.entry(n - 1).or_insert((e.at_ms, e.at_ms));
        span.1 = e.at_ms;
    }
    out
}

#[tokio::test]
async fn moves_run_side_by_side_one_copy_per_server_and_every_move_is_verified() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 2 * 1024 * 1024, 300, MoveLimits::default());
    crowded(&c).await;
    let (log, r) = executed(&c).await;
    let steps = &r.plan.moves;
    assert!(steps.len() >= 4, "{} steps", steps.len());
    assert_eq!(r.moves_done.len(), steps.len());
    for (i, m) in r.moves_done.iter().enumerate() {
        assert_eq!(m.step, Some(i), "listed in plan order");
        assert!(m.verified, "{m:?}");
    }
    assert!(log
        .iter()
        .any(|e| e.message.contains("verified:") && e.message.contains("checksums")));
    // Each move says whose data it carries.
    let first = log.iter().find(|e| e.step == "move 1").unwrap();
    let group = &r.plan.moves[0].group;
    let map = c.backend().shard_map().await.unwrap();
    let owner = map
        .groups
        .iter()
        .find(|g| g.index.to_string() == *group)
        .unwrap()
        .tenants[0];
    let name = c.store().tenant(owner).unwrap().unwrap().tenant.name;
    assert!(
        first
            .message
            .contains(&format!("shard group {group} ({}", name.as_str())),
        "{}",
        first.message
    );

    let spans = intervals(&log);
    let overlap = |a: (i64, i64), b: (i64, i64)| a.0 < b.1 && b.0 < a.1;
    let mut side_by_side = 0;
    for (&i, &a) in &spans {
        for (&j, &b) in spans.range(i + 1..) {
            if !overlap(a, b) {
                continue;
            }
            side_by_side += 1;
            let (x, y) = (&steps[i], &steps[j]);
            assert_ne!(x.group, y.group, "a group moves once at a time");
            if x.kind == StepKind::Move && y.kind == StepKind::Move {
                assert_ne!(x.to, y.to, "two copies into {} at once", x.to);
                assert_ne!(x.from, y.from, "two copies out of {} at once", x.from);
            }
        }
    }
    assert!(side_by_side > 0, "some moves ran side by side: {spans:?}");
    let sum: u64 = r.moves_done.iter().map(|m| m.millis).sum();
    assert!(
        (r.seconds * 1000.0) < sum as f64,
        "the run ({:.1} s) took less than its moves one after another ({sum} ms)",
        r.seconds
    );
    let last = log.iter().rev().find(|e| e.step == MOVE_STEP).unwrap();
    assert_eq!(
        (last.done, last.total, last.outcome),
        (steps.len() as u64, steps.len() as u64, Outcome::Ok)
    );
}

#[tokio::test]
async fn a_rate_budget_paces_when_copies_start() {
    let dir = tempfile::tempdir().unwrap();
    let rate = 400 * 1024;
    let limits = MoveLimits {
        copies_per_server: 4,
        max_rate: Some(rate),
        ..MoveLimits::default()
    };
    let c = console(dir.path(), 64 * 1024 * 1024, 0, limits);
    crowded(&c).await;
    let (log, r) = executed(&c).await;
    let spans = intervals(&log);
    let run_start = spans.values().map(|s| s.0).min().unwrap();
    // Leader switches copy nothing: they start whenever the schedule allows.
    let mut starts: Vec<(i64, u64)> = spans
        .iter()
        .map(|(&i, s)| (s.0, r.plan.moves[i].bytes))
        .filter(|&(_, bytes)| bytes > 0)
        .collect();
    starts.sort();
    let mut before = 0u64;
    for (at, bytes) in starts {
        let allowed = rate as f64 * (at - run_start) as f64 / 1000.0;
        assert!(
            before as f64 <= allowed + rate as f64 * 0.25,
            "{before} bytes started before {} ms, budget {allowed}",
            at - run_start
        );
        before += bytes;
    }
    assert!(
        r.seconds >= (r.bytes_moved as f64 / rate as f64) * 0.5,
        "paced: {:.2} s",
        r.seconds
    );
}

#[tokio::test]
async fn a_move_past_its_deadline_stops_the_run_and_names_the_move() {
    let dir = tempfile::tempdir().unwrap();
    let limits = MoveLimits {
        move_timeout: Duration::from_secs(1),
        ..MoveLimits::default()
    };
    // 2 KiB/s: every group takes minutes, far past 1 s plus three times its bytes at the
    // 4 MiB/s assumed before anything was measured.
    let c = console(dir.path(), 2048, 0, limits);
    crowded(&c).await;
    let before = c.backend().shard_map().await.unwrap();
    let job = c.start_job(execute(Vec::new())).unwrap();
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Failed);
    let error = record.error.unwrap();
    assert!(
        error.contains("shard group")
            && error.contains("stopped")
            && error.contains("--move-timeout"),
        "{error}"
    );
    // Nothing half-done: every group is where it was.
    let after = c.backend().shard_map().await.unwrap();
    for (b, a) in before.groups.iter().zip(&after.groups) {
        assert_eq!((&b.leader, &b.followers), (&a.leader, &a.followers));
    }
}

#[tokio::test]
async fn data_lost_during_a_move_fails_its_verification_and_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 64 * 1024, 0, MoveLimits::default());
    crowded(&c).await;
    let plan = rebalance::plan(&c, &Default::default()).await.unwrap();
    let first = plan
        .moves
        .iter()
        .find(|m| m.kind == StepKind::Move)
        .unwrap()
        .clone();
    let group: u32 = first.group.parse().unwrap();
    let map = c.backend().shard_map().await.unwrap();
    let victim = map
        .groups
        .iter()
        .find(|g| g.index == group)
        .unwrap()
        .tenants[0];
    let job = c.start_job(execute(Vec::new())).unwrap();
    let mut watch = Box::pin(c.jobs().watch(job).unwrap());
    // Once the group's copy is under way, its data is deleted behind the console's back.
    while let Some(e) = watch.next().await {
        if e.message.contains(&format!("shard group {group} "))
            && e.outcome == Outcome::Running
            && e.done > 0
        {
            c.backend().remove_tenant(victim).await.unwrap();
            break;
        }
    }
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Failed);
    let error = record.error.unwrap();
    assert!(
        error.contains("not verified") && error.contains(&victim.to_string()),
        "{error}"
    );
    assert!(error.contains("none after"), "{error}");
}

#[tokio::test]
async fn a_drained_server_holds_nothing_and_can_then_be_removed() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), u64::MAX, 0, MoveLimits::default());
    crowded(&c).await;
    let server = "DBServer0001";
    let held = retire::remove(&c, server).await.unwrap_err();
    assert_eq!(held.kind(), ErrorKind::Conflict);
    assert!(
        held.to_string().contains("still holds") && held.to_string().contains("shard groups"),
        "{held}"
    );

    let job = c.start_job(execute(vec![server.into()])).unwrap();
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Succeeded, "{:?}", record.error);
    let r: Rebalance = serde_json::from_value(record.result.unwrap()).unwrap();
    assert!(r.moves_done.iter().all(|m| m.verified));
    assert!(r.moves_done.iter().any(|m| m.from == server));
    assert_eq!(retire::holdings(&c, server).await.unwrap(), None);

    let removed = retire::remove(&c, server).await.unwrap();
    assert!(removed.removed, "{removed:?}");
    let overview = c.backend().overview().await.unwrap();
    assert!(overview.servers.iter().all(|s| s.short_name != server));
    let gone = retire::remove(&c, server).await.unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn a_cancel_names_every_move_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let limits = MoveLimits {
        copies_per_server: 4,
        ..MoveLimits::default()
    };
    // 8 KiB/s: the moves run for minutes, so several are copying when the cancel comes.
    let c = console(dir.path(), 8 * 1024, 0, limits);
    crowded(&c).await;
    let job = c.start_job(execute(Vec::new())).unwrap();
    let mut log = Box::pin(c.jobs().watch(job).unwrap());
    let mut copying = std::collections::BTreeSet::new();
    while copying.len() < 2 {
        let e = log.next().await.expect("the job runs");
        if e.step.starts_with("move ") && e.message.contains("copying") {
            copying.insert(e.step.clone());
        }
    }
    c.jobs().cancel(job).unwrap();
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Cancelled);
    let error = record.error.unwrap();
    let stopped = error.matches("was stopped").count();
    assert!(stopped >= 2, "{error}");
    assert!(
        error.contains(&format!("{stopped} running moves were stopped. Move ")),
        "{error}"
    );
    assert!(!error.contains("cancelled: "), "{error}");
    // A sentence for each.
    assert_eq!(error.matches(". Move ").count(), stopped, "{error}");
    // And how far the run got, for the operator deciding whether to resume.
    assert!(
        error.starts_with("No step of ") || error.contains(" steps done before the cancel ("),
        "{error}"
    );
    // Named in the plan's order, whichever stopped first.
    let numbers: Vec<u64> = error
        .split(". Move ")
        .skip(1)
        .map(|rest| rest.split(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers.len(), stopped, "{error}");
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{error}");
    // Each stopped move's line says how it ended once, under the line that started it.
    let log = c.job_log(job, false).unwrap().events;
    let lines: Vec<&str> = log
        .iter()
        .filter(|e| e.step.starts_with("move ") && e.outcome == Outcome::Warning)
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(lines.len(), stopped, "{lines:?}");
    for line in lines {
        assert!(
            line.starts_with("Move ") && line.contains(", cancelled: the move of shard group "),
            "{line}"
        );
        assert_eq!(line.matches("shard group").count(), 1, "{line}");
        assert!(line.contains("the group stayed on DBServer"), "{line}");
    }
}

#[tokio::test]
async fn a_stopped_rebalance_whose_plan_no_longer_fits_is_not_resumed_and_keeps_its_record() {
    use scaleout_domain::port::{CancelFlag, MoveDeadline, MoveRequest, ReplicaRole};
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 1024 * 1024, 0, MoveLimits::default());
    crowded(&c).await;
    let job = c.start_job(execute(Vec::new())).unwrap();
    let mut log = Box::pin(c.jobs().watch(job).unwrap());
    while let Some(e) = log.next().await {
        if e.step.starts_with("move ") && e.message.contains("copying") {
            break;
        }
    }
    c.jobs().cancel(job).unwrap();
    let cancelled = c.jobs().wait(job).await.unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);

    // Someone moves a group the stopped plan still had to move, elsewhere.
    let checkpoint: serde_json::Value = c.store().checkpoint(job).unwrap().unwrap();
    let done: Vec<u64> = checkpoint["done"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["step"].as_u64())
        .collect();
    let steps: Vec<scaleout_domain::planner::PlannedMove> =
        serde_json::from_value(checkpoint["plan"]["moves"].clone()).unwrap();
    let (_, left) = steps
        .iter()
        .enumerate()
        .find(|(i, m)| !done.contains(&(*i as u64)) && m.kind == StepKind::Move)
        .expect("a move left to make");
    let map = c.backend().shard_map().await.unwrap();
    let group = map
        .groups
        .iter()
        .find(|g| g.index.to_string() == left.group)
        .unwrap();
    let overview = c.backend().overview().await.unwrap();
    let elsewhere = overview
        .db_servers()
        .map(|s| s.short_name.clone())
        .find(|s| *s != group.leader && !group.followers.contains(s) && *s != left.to)
        .expect("a server outside the group");
    let role = if group.leader == left.from {
        ReplicaRole::Leader
    } else {
        ReplicaRole::Follower
    };
    c.backend()
        .move_shard_group(
            &MoveRequest {
                group: group.index,
                from: left.from.clone(),
                to: elsewhere.clone(),
                role,
            },
            &MoveDeadline::NONE,
            &|_| {},
            &CancelFlag::new(),
        )
        .await
        .unwrap();

    let refused = c.resume_checked(job).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Conflict);
    let text = refused.to_string();
    assert!(
        text.contains(&format!("job {job} cannot be resumed"))
            && text.contains(&format!("shard group {} is now on", group.index))
            && text.contains("It stays cancelled; plan a new rebalance instead"),
        "{text}"
    );
    // The record is as the cancel left it (state, start, end and reason), and keeps the
    // refusal: Resume is not offered again, and a second resume is refused with it.
    let after = c.job(job).unwrap();
    assert!(!after.can_resume());
    let kept = after.resume_refused.clone().expect("the refusal is kept");
    assert!(text.ends_with(&kept), "{text} / {kept}");
    assert_eq!(
        JobRecord {
            resume_refused: None,
            cancel_asked_ms: None,
            ..after
        },
        cancelled
    );
    let again = c.resume_job(job).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict);
    assert_eq!(again.to_string(), text);
}

#[tokio::test]
async fn a_rebalance_names_the_onboardings_that_ran_alongside_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 1024 * 1024, 0, MoveLimits::default());
    crowded(&c).await;
    let job = c.start_job(execute(Vec::new())).unwrap();
    let mut log = Box::pin(c.jobs().watch(job).unwrap());
    while !log
        .next()
        .await
        .expect("the job runs")
        .step
        .starts_with("move ")
    {}
    // A tenant onboarded while the moves run: its bytes are not in the plan.
    let t = tenants::prepare(&c, "Latecomer", 2, Naming::CamelCase).unwrap();
    let onboarding = c.start_job(JobSpec::AddTenant { tenant: t }).unwrap();
    assert_eq!(
        c.jobs().wait(onboarding).await.unwrap().state,
        JobState::Succeeded
    );
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Succeeded, "{:?}", record.error);
    let result: Rebalance = serde_json::from_value(record.result.unwrap()).unwrap();
    assert_eq!(
        result.meanwhile,
        [format!("job {onboarding}: Onboarding a tenant: Latecomer")]
    );
    let warned = events(&c, job).await.into_iter().any(|e| {
        e.outcome == Outcome::Warning
            && e.message.contains("Latecomer")
            && e.message.contains("Plan again")
    });
    assert!(warned, "the job's log says so");

    // A rebalance with nothing alongside names nothing.
    let (_, quiet) = executed(&c).await;
    assert!(quiet.meanwhile.is_empty(), "{:?}", quiet.meanwhile);
}

/// Once a move has ended (so a copy rate is measured), each forecast of the run's time
/// left is near the time the run really took from there: the remaining steps played out
/// under the schedule, not the run's average rate.
#[tokio::test]
async fn the_run_forecasts_its_time_left_from_its_remaining_steps() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 512 * 1024, 0, MoveLimits::default());
    crowded(&c).await;
    let (log, r) = executed(&c).await;
    assert!(r.plan.moves.len() >= 4, "{} steps", r.plan.moves.len());
    let end = log.last().unwrap().at_ms;
    let first_end = log
        .iter()
        .find(|e| e.step.starts_with("move ") && e.outcome == Outcome::Ok)
        .unwrap()
        .at_ms;
    let forecasts: Vec<(f64, f64)> = log
        .iter()
        .filter(|e| e.step == BYTES_STEP && e.at_ms >= first_end && e.done < e.total)
        .map(|e| {
            let actual = (end - e.at_ms) as f64 / 1000.0;
            (
                e.time_left_secs.expect("a forecast once a move has ended"),
                actual,
            )
        })
        .collect();
    assert!(!forecasts.is_empty());
    for (forecast, actual) in forecasts {
        // Generous: a loaded machine stretches sleeps, and verifying takes its time.
        assert!(
            forecast <= actual * 2.0 + 1.0 && forecast >= actual / 2.0 - 1.0,
            "forecast {forecast:.1} s, took {actual:.1} s"
        );
    }
}
