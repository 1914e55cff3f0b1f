//! The real binary, killed with kill -9 at chosen moments and raced against
//! itself: a resumed demo finishes instead of running again, two topology
//! changes started together never both run, and no job stays "running" after
//! its process died, even when the server restarts at once on its pid.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scaleout");
const PASSWORD: &str = "crash-test-password";

fn command(data: &Path, move_rate: u64) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(data)
        .env("SCALEOUT_MOVE_RATE", move_rate.to_string())
        .env("SCALEOUT_TENANT_ID_SEED", "1")
        .env("SCALEOUT_ADMIN_PASSWORD", PASSWORD)
        .env_remove("RUST_LOG");
    c
}

fn run(data: &Path, args: &[&str]) -> Output {
    command(data, 100_000_000).args(args).output().unwrap()
}

fn json(data: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(data, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The messages of a job's events so far (read as another process would).
fn messages(data: &Path, job: u64) -> Vec<String> {
    let shown = run(data, &["job", "show", &job.to_string(), "--json"]);
    if !shown.status.success() {
        return vec![format!(
            "(job show: {})",
            String::from_utf8_lossy(&shown.stderr).trim()
        )];
    }
    let v: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap_or_default();
    v["events"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .filter_map(|e| e["message"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn kill_9(child: &Child) {
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
}

/// Waits (at most 60 s) until job `job`'s log holds a message containing `text`. Looks
/// every 100 ms: each look is a process opening both databases, and a faster poll competes
/// with the job it watches on a busy 2-core machine (seen once: a demo that never began).
fn wait_for(data: &Path, job: u64, text: &str) {
    let started = Instant::now();
    while !messages(data, job).iter().any(|m| m.contains(text)) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "job {job} never said {text:?}: {:?}",
            messages(data, job)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn demo_killed_at(moment: &str, move_rate: u64) {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    // Its stderr is kept: if it never gets to `moment`, the failure says why.
    let log = d.join("demo-stderr.log");
    let mut demo = command(d, move_rate)
        .args(["demo", "--json"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let waited = std::panic::catch_unwind(|| wait_for(d, 1, moment));
    if let Err(e) = waited {
        let _ = demo.kill();
        panic!(
            "{}; the demo's stderr: {}",
            e.downcast_ref::<String>().cloned().unwrap_or_default(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
    kill_9(&demo);
    assert!(!demo.wait().unwrap().success());
    let jobs = json(d, &["job", "list", "--json"]);
    assert_eq!(jobs[0]["state"], "interrupted", "{}", jobs[0]);

    let report = json(d, &["job", "resume", "1", "--json"]);
    let m = &report["scale_out_metrics"];
    // The demo finished what it had begun: 5 tenants, 7,665 documents and 5
    // DB servers, as an uninterrupted demo ends, not a second demo's worth.
    assert_eq!(m["tenants_after"], 5, "{m}");
    assert_eq!(m["documents_after"], 7665, "{m}");
    assert_eq!(m["db_servers_after"], 5, "{m}");
    assert_eq!(m["tenants_before"], 2, "{m}");
    assert_eq!(m["documents_before"], 3285, "{m}");
    assert_eq!(report["validation"]["clean"], true);
    let steps: Vec<&str> = report["demonstration_steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "initial_state",
            "add_tenants",
            "add_servers",
            "rebalance",
            "validate"
        ]
    );
    let tenants = json(d, &["tenant", "list", "--json"]);
    let names: Vec<&str> = tenants
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(
        tenants
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "active"),
        "{tenants}"
    );
    let valid = json(d, &["validate", "--json"]);
    assert_eq!(valid["clean"], true, "{valid}");
}

#[test]
fn a_demo_killed_while_onboarding_resumes_to_the_same_end() {
    // Moves are slow, so the demo is surely not over when it is killed.
    demo_killed_at("Step 2 of 6", 96 * 1024);
}

#[test]
fn a_demo_killed_during_a_move_resumes_to_the_same_end() {
    demo_killed_at("Move 1 of", 96 * 1024);
}

#[test]
fn two_rebalances_started_together_never_both_run() {
    for trial in 0..3 {
        let data = tempfile::tempdir().unwrap();
        let d = data.path();
        for name in ["Race A", "Race B", "Race C", "Race D", "Race E"] {
            json(d, &["tenant", "add", "--tenant-name", name, "--json"]);
        }
        json(d, &["server", "add", "--count", "2", "--json"]);
        let racers: Vec<Child> = (0..2)
            .map(|_| {
                command(d, 256 * 1024)
                    .args(["rebalance", "--execute", "--json"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<Output> = racers
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let won = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(won, 1, "trial {trial}: exactly one runs");
        let lost = outs.iter().find(|o| !o.status.success()).unwrap();
        let said = String::from_utf8_lossy(&lost.stderr);
        assert!(
            said.contains("(rebalance) is changing the cluster's topology"),
            "trial {trial}: {said}"
        );
        let jobs = json(d, &["job", "list", "--json"]);
        let rebalances: Vec<_> = jobs
            .as_array()
            .unwrap()
            .iter()
            .filter(|j| j["kind"] == "rebalance")
            .collect();
        assert_eq!(rebalances.len(), 1, "the loser left no job behind");
        assert_eq!(rebalances[0]["state"], "succeeded");
    }
}

/// A server on a free port; its address is read from its log.
fn serve(data: &Path) -> (Child, String) {
    let mut child = command(data, 100_000_000)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .unwrap();
        if let Some(at) = line.find("listening on ") {
            let rest = &line[at + "listening on ".len()..];
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep draining its log, or it would block on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

async fn operator(base: &str) -> reqwest::Client {
    support::client_with_cookie(
        &support::login(base, PASSWORD)
            .await
            .expect("the operator logs in"),
    )
}

/// The job's state, or what the server said instead (no such job yet).
async fn job_state(client: &reqwest::Client, base: &str, job: u64) -> String {
    let r = client
        .post(format!("{base}/api/jobs/get"))
        .form(&[("id", job.to_string())])
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) => v["state"].as_str().unwrap_or("").to_string(),
        Err(_) => text,
    }
}

#[tokio::test]
async fn a_server_restarted_at_once_after_kill_9_never_leaves_a_job_running() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let (first, base) = serve(d);
    let client = operator(&base).await;
    let job: u64 = client
        .post(format!("{base}/api/tenants/add"))
        .form(&[
            ("name", "Killed Mid Load"),
            ("scale_factor", "300"),
            ("naming", "camelCase"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(job_state(&client, &base, job).await, "running");
    // kill -9, and the old process is not even reaped (a zombie keeps its pid).
    kill_9(&first);
    let (mut second, base) = serve(d);
    let client = operator(&base).await;
    assert_eq!(job_state(&client, &base, job).await, "interrupted");
    let resumed = client
        .post(format!("{base}/api/jobs/resume"))
        .form(&[("id", job.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), 200);
    let started = Instant::now();
    while job_state(&client, &base, job).await == "running" {
        assert!(started.elapsed() < Duration::from_secs(120));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(job_state(&client, &base, job).await, "succeeded");
    second.kill().unwrap();
    second.wait().unwrap();
    let mut first = first;
    first.wait().unwrap();
}

#[tokio::test]
async fn a_cli_killed_beside_a_running_server_is_marked_interrupted_within_seconds() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let (mut server, base) = serve(d);
    let client = operator(&base).await;
    let mut cli = command(d, 100_000_000)
        .args([
            "tenant",
            "add",
            "--tenant-name",
            "Killed CLI",
            "--scale-factor",
            "300",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while job_state(&client, &base, 1).await != "running" {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the CLI's job appears"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill_9(&cli);
    cli.wait().unwrap();
    let killed = Instant::now();
    while job_state(&client, &base, 1).await == "running" {
        assert!(
            killed.elapsed() < Duration::from_secs(15),
            "the server never noticed the CLI died"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(job_state(&client, &base, 1).await, "interrupted");
    eprintln!("noticed after {:?}", killed.elapsed());
    // Its tenant can be finished from the server.
    let resumed = client
        .post(format!("{base}/api/jobs/resume"))
        .form(&[("id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), 200);
    server.kill().unwrap();
    server.wait().unwrap();
}
