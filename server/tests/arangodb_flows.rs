//! The rebalance, drain and cancel flows on ArangoDB, end to end through the CLI and the
//! HTTP API, against the fake ArangoDB (which runs, cancels and fails moveShard jobs as
//! ArangoDB 3.12 does: abort flags acted on later, leader moves aborted forwards).

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use reqwest::Method;
use scaleout_arangodb::fake::{AbortOutcome, Fake, PASSWORD};
use scaleout_domain::views::{PlanReview, Rebalance};
use support::spawn_app_with;

const BIN: &str = env!("CARGO_BIN_EXE_scaleout");

fn cli(data: &Path, fake: &Fake) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(data)
        .env("ARANGO_URL", &fake.url)
        .env("ARANGO_PASSWORD", PASSWORD)
        .env("ARANGO_POLL_MS", "20")
        .env("SCALEOUT_TENANT_ID_SEED", "1")
        .env_remove("RUST_LOG");
    c
}

/// Runs a command to its end off the test's runtime (the fake answers on it meanwhile).
async fn run(data: &Path, fake: &Fake, args: &[&str]) -> Output {
    let mut c = cli(data, fake);
    c.args(args);
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

async fn json(data: &Path, fake: &Fake, args: &[&str]) -> serde_json::Value {
    let out = run(data, fake, args).await;
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The fake's placement: (leader, followers) of each shard group, as short names.
fn placement(fake: &Fake) -> Vec<(String, Vec<String>)> {
    fake.with(|s| {
        let name = |i: usize| s.servers[i].1.clone();
        s.groups
            .iter()
            .map(|(l, f)| (name(*l), f.iter().map(|&i| name(i)).collect()))
            .collect()
    })
}

/// `server drain SERVER --execute --json`: the server ends empty, every move verified.
async fn drained_via_cli(data: &Path, fake: &Fake, server: &str) -> Rebalance {
    let drained = json(
        data,
        fake,
        &["server", "drain", server, "--execute", "--json"],
    )
    .await;
    assert_eq!(drained["drained"], true, "{drained}");
    let r: Rebalance = serde_json::from_value(drained["rebalance"].clone()).unwrap();
    assert!(
        r.moves_done.iter().all(|m| m.verified),
        "{:?}",
        r.moves_done
    );
    r
}

/// Plans the drain of `server` for review, then executes that plan: the review and the job.
async fn drain_reviewed(app: &support::TestApp, server: &str) -> (PlanReview, u64) {
    let review: PlanReview = app
        .post_form(
            "/api/cluster/plan",
            &format!("what_if_servers=0&drain={server}"),
        )
        .await
        .json()
        .await
        .unwrap();
    let job = app
        .post_form(
            "/api/cluster/execute-plan",
            &format!("fingerprint={}&drain={server}", review.fingerprint),
        )
        .await
        .json()
        .await
        .unwrap();
    (review, job)
}

/// Waits (at most 30 s) until a moveShard job was started.
async fn first_move(fake: &Fake) {
    let started = Instant::now();
    while fake
        .requests(&Method::POST, "/_admin/cluster/moveShard")
        .is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no move started"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn holds(placement: &[(String, Vec<String>)], server: &str) -> usize {
    placement
        .iter()
        .filter(|(l, f)| l == server || f.iter().any(|x| x == server))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_drains_a_server_verifying_every_move_then_checks_it_is_empty() {
    let fake = Fake::cluster().await;
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    json(d, &fake, &["tenant", "add-batch", "--json"]).await;
    assert!(holds(&placement(&fake), "DBServer0003") > 0);

    // Refused while it holds data, naming what it holds.
    let refused = run(d, &fake, &["server", "remove", "DBServer0003"]).await;
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("DBServer0003 still holds") && why.contains("server drain"),
        "{why}"
    );

    // The plan alone moves nothing.
    let plan = json(d, &fake, &["server", "drain", "DBServer0003", "--json"]).await;
    assert_eq!(plan["rebalance"]["executed"], false);
    assert!(!plan["rebalance"]["plan"]["moves"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(fake
        .requests(&Method::POST, "/_admin/cluster/moveShard")
        .is_empty());

    let r = drained_via_cli(d, &fake, "DBServer0003").await;
    assert!(!r.moves_done.is_empty());
    assert!(
        r.moves_done.iter().all(|m| m.verified),
        "{:?}",
        r.moves_done
    );
    assert_eq!(holds(&placement(&fake), "DBServer0003"), 0);

    let removed = json(d, &fake, &["server", "remove", "DBServer0003", "--json"]).await;
    assert_eq!(
        removed["removed"], false,
        "the console does not stop ArangoDB servers"
    );
    let message = removed["message"].as_str().unwrap();
    assert!(
        message.contains("holds no shard")
            && message.contains("removeServer")
            && message.contains("PRMR-00000003"),
        "{message}"
    );
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_a_drain_past_a_leader_switch_point_and_a_new_plan_runs_after_it() {
    let fake = Fake::cluster().await;
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    json(d, &fake, &["tenant", "add-batch", "--json"]).await;
    // Jobs run until cancelled; a cancelled leader move ends Failed with its new leader in
    // place (aborted forwards), as ArangoDB does once the new leader is in the Plan.
    fake.with(|s| {
        s.polls_to_finish = u32::MAX;
        s.abort_outcome = AbortOutcome::Forwards;
    });
    let before = placement(&fake);
    let child = cli(d, &fake)
        .args(["server", "drain", "DBServer0003", "--execute", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    first_move(&fake).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Cancelling job 2"), "{stderr}");
    assert!(stderr.contains("cancelled"), "{stderr}");
    let cancels = fake.requests(&Method::POST, "/_admin/cluster/cancelAgencyJob");
    assert!(
        !cancels.is_empty(),
        "every running move was cancelled in ArangoDB"
    );

    let job = json(d, &fake, &["job", "show", "2", "--json"]).await;
    assert_eq!(job["job"]["state"], "cancelled", "{job}");
    let log: Vec<String> = job["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect();
    // Each running move is reported once ArangoDB ended it, with where the group is.
    assert!(
        log.iter()
            .any(|m| m.contains("new leader already in place") && m.contains("now led by")),
        "{log:#?}"
    );
    let after_cancel = placement(&fake);
    assert_ne!(
        after_cancel, before,
        "a leader move aborted forwards kept its new leader"
    );

    // A plan made right after the cancel starts from where the groups really are.
    fake.with(|s| s.polls_to_finish = 2);
    let r = drained_via_cli(d, &fake, "DBServer0003").await;
    assert!(r.moves_done.iter().all(|m| m.verified));
    assert_eq!(holds(&placement(&fake), "DBServer0003"), 0);
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_a_reviewed_drain_runs_is_cancelled_and_a_plan_after_the_cancel_runs() {
    let fake = Fake::cluster().await;
    let config = fake.config();
    let app = spawn_app_with(move |c| c.arango = Some(config)).await;
    for name in ["Acme Corp", "Globex", "Initech"] {
        app.add_tenant(name, 1).await;
    }
    fake.with(|s| {
        s.polls_to_finish = u32::MAX;
        s.abort_outcome = AbortOutcome::Reverted;
    });
    let (review, job) = drain_reviewed(&app, "DBServer0002").await;
    assert!(review.plan.moves.iter().any(|m| m.from == "DBServer0002"));
    first_move(&fake).await;
    let cancelled = app
        .post_form("/api/jobs/cancel", &format!("id={job}"))
        .await;
    assert_eq!(cancelled.status(), 200);
    let record = app.finish_job(job).await;
    assert_eq!(record.state.as_str(), "cancelled", "{record:?}");
    assert!(
        record
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("Killed via API"),
        "{:?}",
        record.error
    );
    // Reverted: nothing moved, and a new plan (made after the cancel) runs to the end.
    fake.with(|s| s.polls_to_finish = 2);
    let (_, job) = drain_reviewed(&app, "DBServer0002").await;
    let record = app.finish_job(job).await;
    assert_eq!(record.state.as_str(), "succeeded", "{:?}", record.error);
    let r: Rebalance = serde_json::from_value(record.result.unwrap()).unwrap();
    assert!(r.moves_done.iter().all(|m| m.verified));
    assert_eq!(holds(&placement(&fake), "DBServer0002"), 0);
    fake.assert_clean();
    app.shutdown().await;
}

/// On ArangoDB the cluster says where a candidate id lands (`responsibleShard`): new
/// tenants of one size each take an empty shard group while there is one.
#[tokio::test]
async fn on_arangodb_new_tenants_are_placed_where_the_cluster_says_their_ids_land() {
    let fake = Fake::cluster().await;
    let config = fake.config();
    let app = spawn_app_with(move |c| c.arango = Some(config)).await;
    let mut groups = std::collections::BTreeSet::new();
    for i in 0..6 {
        let row = app.add_tenant(&format!("Placed {i}"), 1).await;
        assert!(row.placement.is_some(), "{row:?}");
        groups.insert(row.shard_group.expect("a group"));
    }
    assert_eq!(
        groups.len(),
        6,
        "six tenants in six different groups: {groups:?}"
    );
    let asked = fake.requests(&Method::PUT, "responsibleShard").len();
    assert!(
        asked >= 6,
        "the cluster was asked where candidates land ({asked} times)"
    );
    fake.assert_clean();
    app.shutdown().await;
}
