//! The CLI's operations as a user runs them: JSON output fields, exit codes,
//! reasons on stderr, and a crash in the middle of a seeding, then resume.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scaleout");

fn scaleout(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("SCALEOUT_MOVE_RATE", "100000000")
        // The same placement every run: no test depends on random ids.
        .env("SCALEOUT_TENANT_ID_SEED", "1")
        .output()
        .unwrap()
}

/// Runs a command that must succeed and print one JSON document.
fn json(data: &Path, args: &[&str]) -> serde_json::Value {
    let out = scaleout(data, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?} printed no single JSON document ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn tenant_commands_print_the_documented_json() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let added = json(
        d,
        &[
            "tenant",
            "add",
            "--tenant-name",
            "Fortune 500 Corp",
            "--scale-factor",
            "5",
            "--json",
        ],
    );
    let id = added["tenant_id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 12);
    assert_eq!(added["total_documents"], 5475);
    assert_eq!(added["documents"]["Device"], 600);
    assert_eq!(added["documents"].as_object().unwrap().len(), 11);

    let batch = json(d, &["tenant", "add-batch", "--json"]);
    let names: Vec<&str> = batch
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Retail Chain Corp", "Manufacturing Inc", "Tech Startup"]
    );
    assert_eq!(batch[0]["total_documents"], 2190);

    let list = json(d, &["tenant", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 4);
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["documents"], 5475);
    assert_eq!(row["status"], "active");
    assert!(row["leader"].as_str().unwrap().starts_with("DBServer"));

    // One tenant in detail: counts against the spec, isolation, the network at a time.
    let shown = json(d, &["tenant", "show", &id, "--json"]);
    assert_eq!(shown["detail"]["counts"]["Device"], 600);
    // By its name too, as a person would type it.
    let by_name = json(d, &["tenant", "show", "fortune 500 corp", "--json"]);
    assert_eq!(by_name["detail"], shown["detail"]);
    assert_eq!(shown["detail"]["expected"]["Device"], 600);
    assert_eq!(
        shown["isolation"]["violations"].as_array().unwrap().len(),
        0
    );
    assert_eq!(shown["network"]["totals"]["devices"], 100);
    assert_eq!(shown["network"]["totals"]["locations"], 25);
    assert_eq!(shown["network"]["pages"], 3, "25 locations, 12 a page");
    let created = row["created_at"].as_i64().unwrap();
    let day_before = (created - 86_400).to_string();
    // A page past the end is refused, saying how many there are (the web clamps its
    // links; a page typed here is said not to exist, not silently swapped).
    let past = scaleout(
        d,
        &["tenant", "show", &id, "--at", &day_before, "--page", "9"],
    );
    assert_eq!(past.status.code(), Some(1));
    let said = String::from_utf8_lossy(&past.stderr);
    assert!(
        said.contains("there is no page 9") && said.contains("fills 1 page"),
        "100 unplaced devices fit one page: {said}"
    );
    let past = json(d, &["tenant", "show", &id, "--at", &day_before, "--json"]);
    assert_eq!(past["network"]["totals"]["connections"], 0);
    assert_eq!(past["network"]["pages"], 1);
    let text = scaleout(d, &["tenant", "show", &id, "--at", "2000-01-01"]);
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("Nothing existed yet at this time"));
    let text = String::from_utf8_lossy(&scaleout(d, &["tenant", "show", &id]).stdout).to_string();
    assert!(
        text.contains("Isolated: 5,475 documents checked, 0 violations."),
        "{text}"
    );
    assert!(
        text.contains("Page 1 of 3: devices 1-48; next: --page 2"),
        "{text}"
    );
    let bad = scaleout(d, &["tenant", "show", &id, "--at", "next tuesday"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a time"));

    // Without a terminal to ask on, a removal needs --yes, and deletes nothing without it.
    let unasked = scaleout(d, &["tenant", "remove", "Fortune 500 Corp", "--json"]);
    assert_eq!(unasked.status.code(), Some(1));
    assert!(unasked.stdout.is_empty());
    let said = String::from_utf8_lossy(&unasked.stderr);
    assert!(
        said.contains(
            "Remove Fortune 500 Corp and all its 5,475 documents? This cannot be undone."
        ) && said.contains("add --yes to confirm. Nothing was deleted."),
        "{said}"
    );
    assert_eq!(
        json(d, &["tenant", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        4
    );

    let removed = json(d, &["tenant", "remove", &id, "--yes", "--json"]);
    assert_eq!(removed["removed_documents"], 5475);
    assert_eq!(
        json(d, &["tenant", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn topology_commands_and_offline_planning() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    json(d, &["tenant", "add-batch", "--json"]);
    json(
        d,
        &["tenant", "add", "--tenant-name", "Acme Corp", "--json"],
    );
    let servers = json(d, &["server-info", "--json"]);
    assert_eq!(
        servers["servers"].as_array().unwrap().len(),
        7,
        "3 DB servers, 1 coordinator, 3 agents"
    );

    let added = json(d, &["server", "add", "--count", "2", "--json"]);
    assert_eq!(added["db_servers"], 5);

    // What-if planning only plans.
    let what_if = json(d, &["rebalance", "--what-if-servers", "1", "--json"]);
    assert_eq!(what_if["executed"], false);
    assert!(what_if["plan"]["after"]["servers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["what_if"] == true));

    let info = json(d, &["shard-info", "--json"]);
    assert_eq!(info["shards"]["groups"].as_array().unwrap().len(), 12);
    let snapshot = d.join("snapshot.json");
    std::fs::write(&snapshot, serde_json::to_string(&info).unwrap()).unwrap();
    let offline = json(
        d,
        &["plan", "--snapshot", snapshot.to_str().unwrap(), "--json"],
    );

    let executed = json(d, &["rebalance", "--execute", "--json"]);
    assert_eq!(executed["executed"], true);
    assert_eq!(
        executed["plan"]["moves"], offline["moves"],
        "the offline plan from shard-info --json is the plan the cluster executes"
    );
    let after = &executed["figures_after"]["bytes"]["cv"];
    assert!(after.as_f64().unwrap() < executed["plan"]["before"]["bytes"]["cv"].as_f64().unwrap());

    let valid = json(d, &["validate", "--json"]);
    assert_eq!(valid["clean"], true);
    assert_eq!(valid["violations"], 0);

    let jobs = json(d, &["job", "list", "--json"]);
    let kinds: Vec<&str> = jobs
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "add_tenants",
        "add_tenant",
        "add_servers",
        "rebalance",
        "validate",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    // A page at a time: the two below the newest.
    let ids = |list: serde_json::Value| -> Vec<u64> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|j| j["id"].as_u64().unwrap())
            .collect()
    };
    let newest = ids(jobs)[0];
    let before = newest.to_string();
    assert_eq!(
        ids(json(
            d,
            &["job", "list", "--limit", "2", "--before", &before, "--json"]
        )),
        [newest - 1, newest - 2]
    );
}

#[test]
fn the_demo_saves_its_report_where_asked() {
    let data = tempfile::tempdir().unwrap();
    let reports = data.path().join("out");
    let report = json(
        data.path(),
        &["demo", "--save-report", reports.to_str().unwrap(), "--json"],
    );
    assert_eq!(report["scale_out_metrics"]["documents_after"], 7665);
    assert_eq!(report["scale_out_metrics"]["tenants_added"], 3);
    assert_eq!(report["validation"]["violations"], 0);
    let files: Vec<_> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
}

#[test]
fn failures_exit_non_zero_with_the_reason_on_stderr() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let cases: &[(&[&str], &str)] = &[
        (
            &["tenant", "add", "--tenant-name", "<b>Evil</b>"],
            "tenant name",
        ),
        (
            &[
                "tenant",
                "add",
                "--tenant-name",
                "Okay",
                "--scale-factor",
                "0",
            ],
            "scale factor",
        ),
        (
            &[
                "tenant",
                "add",
                "--tenant-name",
                "Okay",
                "--naming",
                "kebab",
            ],
            "camelCase or snake_case",
        ),
        (&["tenant", "remove", "not-an-id"], "not a tenant id"),
        (&["tenant", "remove", "0123456789ab"], "there is no tenant"),
        (
            &["rebalance", "--what-if-servers", "2", "--execute"],
            "what-if servers do not exist",
        ),
        (
            &["server", "drain", "Coordinator0001"],
            "Coordinator0001 is a coordinator, not a DB server",
        ),
        (
            &["server", "drain", "dbserver0002"],
            "did you mean DBServer0002?",
        ),
        (
            &["server", "drain", "DBServer0009", "--execute"],
            "there is no DB server DBServer0009: the DB servers are DBServer0001",
        ),
        (&["job", "resume", "42"], "there is no job 42"),
        (
            &["plan", "--snapshot", "/nonexistent/snapshot.json"],
            "cannot read",
        ),
    ];
    for (args, reason) in cases {
        let out = scaleout(d, args);
        assert!(!out.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.to_lowercase().contains(&reason.to_lowercase()),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{args:?} printed to stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // A bad sizes file is named as the file at fault, not the snapshot beside it.
    let snapshot = d.join("distribution.json");
    let sizes = d.join("sizes.json");
    std::fs::write(
        &snapshot,
        r#"{"results": {"c": {"Plan": {"s1": {"leader": "DBServer0001", "followers": []}}}}}"#,
    )
    .unwrap();
    std::fs::write(&sizes, "[1, 2]").unwrap();
    let out = scaleout(
        d,
        &[
            "plan",
            "--snapshot",
            snapshot.to_str().unwrap(),
            "--sizes",
            sizes.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}: the sizes file must be", sizes.display())),
        "{stderr}"
    );
    // Nothing was changed by the refused requests, and none became a (failed) job.
    assert_eq!(
        json(d, &["tenant", "list", "--json"]),
        serde_json::json!([])
    );
    assert_eq!(json(d, &["job", "list", "--json"]), serde_json::json!([]));
}

#[test]
fn a_seeding_killed_mid_way_resumes_to_exact_counts() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(d)
        .args([
            "tenant",
            "add",
            "--tenant-name",
            "Crash Corp",
            "--scale-factor",
            "150",
        ])
        .env("RUST_LOG", "scaleout_services=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the job is recorded and has stored documents (its log says so: a fixed
    // wait killed it before the first batch on a busy machine), then kill -9.
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    while let Some(Ok(line)) = lines.next() {
        if line.contains("job started") {
            break;
        }
    }
    let id = json(d, &["job", "list", "--json"])[0]["id"]
        .as_u64()
        .unwrap();
    let waiting = Instant::now();
    loop {
        let log = json(d, &["job", "show", &id.to_string(), "--all", "--json"]);
        let storing = log["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["step"] == "load" && e["done"].as_u64().unwrap_or(0) > 0);
        if storing {
            break;
        }
        assert!(
            waiting.elapsed() < Duration::from_secs(120),
            "no document stored: {log}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(!child.wait().unwrap().success());

    let jobs = json(d, &["job", "list", "--json"]);
    let job = &jobs[0];
    assert_eq!(job["state"], "interrupted", "{job}");
    let id = job["id"].as_u64().unwrap().to_string();
    let started = Instant::now();
    let result = json(d, &["job", "resume", &id, "--json"]);
    assert_eq!(result["total_documents"], 164_250);
    assert!(
        result["created"].as_u64().unwrap() < 164_250,
        "the resume found the earlier work"
    );
    eprintln!("resume finished in {:?}", started.elapsed());
    let valid = json(d, &["validate", "--json"]);
    assert_eq!(valid["clean"], true, "{valid}");
    assert_eq!(valid["report"]["documents_checked"], 164_250);
}

#[test]
fn links_are_created_listed_and_revoked_from_the_cli() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_scaleout"))
            .args(args)
            .arg("--data-dir")
            .arg(data.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let made: serde_json::Value = serde_json::from_str(&run(&[
        "link", "create", "--label", "Board", "--hours", "3", "--json",
    ]))
    .unwrap();
    assert!(made["path"].as_str().unwrap().starts_with("/watch/"));
    let id = made["link"]["id"].to_string();
    assert!(run(&["link", "list"]).contains("active"));
    run(&["link", "revoke", &id]);
    let list: serde_json::Value = serde_json::from_str(&run(&["link", "list", "--json"])).unwrap();
    assert!(list[0]["revoked_ms"].is_i64());
    assert!(
        !run(&["link", "list"]).contains(made["path"].as_str().unwrap()),
        "tokens are never listed"
    );
}
