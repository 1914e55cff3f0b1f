//! `scaleout tenant import`: line-numbered refusals with nothing of them stored,
//! a rerun that skips what is done, and a kill -9 in the middle followed by a
//! rerun that finishes with exact counts.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scaleout");

fn scaleout(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("SCALEOUT_TENANT_ID_SEED", "1")
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn tenants(data: &Path) -> Vec<serde_json::Value> {
    let out = scaleout(data, &["tenant", "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn invalid_rows_are_refused_by_line_and_a_rerun_skips_what_is_done() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("customers.csv");
    std::fs::write(
        &file,
        "name,scale_factor\n\
         Acme Corp,2\n\
         Yahoo!,1\n\
         <script>,1\n\
         Zero Co,0\n\
         acme corp,1\n\
         \u{ff21}\u{ff23}\u{ff2d}\u{ff25} Corp,1\n\
         \"Smith, Jones & Co\",3\n\
         C++ Labs,many\n",
    )
    .unwrap();
    let out = scaleout(
        data.path(),
        &["tenant", "import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "refused rows: exit 1");
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = |key: &str| -> Vec<u64> {
        done[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(lines("imported"), vec![2, 3, 8]);
    assert_eq!(lines("refused"), vec![4, 5, 6, 7, 9]);
    let reason = |line: u64| {
        done["refused"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["line"] == line)
            .unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(reason(4).contains("'<'"), "{}", reason(4));
    assert!(reason(5).contains("scale factor"), "{}", reason(5));
    assert!(reason(6).contains("repeats line 2"), "{}", reason(6));
    assert!(reason(7).contains("repeats line 2"), "NFKC: {}", reason(7));
    assert!(reason(9).contains("\"many\""), "{}", reason(9));
    assert_eq!(done["imported"][0]["documents"], 2 * 1095);
    // Placed: the first into an empty group, the others where it is lightest.
    let placed = |i: usize| {
        done["imported"][i]["placement"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(placed(0).contains("every group was empty"), "{}", placed(0));
    assert!(placed(2).contains("the lightest"), "{}", placed(2));
    let names: Vec<String> = tenants(data.path())
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "nothing of a refused row is stored: {names:?}"
    );

    // The same file again: the three are skipped, the refusals stand.
    let again = scaleout(
        data.path(),
        &["tenant", "import", file.to_str().unwrap(), "--json"],
    );
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["imported"].as_array().unwrap().len(), 0);
    assert_eq!(again["skipped"].as_array().unwrap().len(), 3);
    assert_eq!(again["refused"].as_array().unwrap().len(), 5);
    assert_eq!(tenants(data.path()).len(), 3);
}

#[test]
fn a_killed_import_finishes_on_a_rerun_with_exact_counts() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("customers.jsonl");
    let rows: String = (0..24)
        .map(|i| format!("{{\"name\":\"Bulk {i:02}\",\"scale_factor\":12}}\n"))
        .collect();
    std::fs::write(&file, rows).unwrap();
    // The data directory made first: two processes creating one new directory at the
    // same instant can collide while SQLite sets it up (noted, not what this tests).
    assert!(tenants(data.path()).is_empty());
    let mut child = Command::new(BIN)
        .args([
            "tenant",
            "import",
            file.to_str().unwrap(),
            "--json",
            "--data-dir",
        ])
        .arg(data.path())
        .env("SCALEOUT_TENANT_ID_SEED", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once a few tenants are in, mid-way. A look from another process can
    // meet the import's write lock for a moment ("database is locked"): look again.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = scaleout(data.path(), &["tenant", "list", "--json"]);
        let listed: Vec<serde_json::Value> = if out.status.success() {
            serde_json::from_slice(&out.stdout).unwrap()
        } else {
            let said = String::from_utf8_lossy(&out.stderr);
            assert!(said.contains("database is locked"), "{said}");
            Vec::new()
        };
        let active = listed.iter().filter(|t| t["status"] == "active").count();
        if active >= 3 {
            break;
        }
        assert!(Instant::now() < deadline, "the import never got going");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = tenants(data.path());
    assert!(
        before.len() < 24,
        "killed mid-way: {} registered",
        before.len()
    );

    let out = scaleout(
        data.path(),
        &["tenant", "import", file.to_str().unwrap(), "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let imported = done["imported"].as_array().unwrap().len();
    let skipped = done["skipped"].as_array().unwrap().len();
    assert_eq!(imported + skipped, 24, "{done}");
    let after = tenants(data.path());
    assert_eq!(after.len(), 24, "no duplicates, none missing");
    for t in &after {
        assert_eq!(t["status"], "active", "{t}");
        assert_eq!(t["documents"], t["expected_documents"], "exact counts: {t}");
    }
    let validated = scaleout(data.path(), &["validate", "--json"]);
    assert!(
        validated.status.success(),
        "{}",
        String::from_utf8_lossy(&validated.stdout)
    );
}

/// Posted without JavaScript, the import answers with a page that says what
/// happened: how many onboard (and the job), and each refused row.
#[tokio::test]
async fn an_import_posted_without_javascript_answers_with_its_outcome() {
    let app = support::spawn_app().await;
    let list = "name,scale_factor\nPlain Form Co,1\n<bad>,1\n";
    let r = app
        .client
        .post(app.url("/api/tenants/import"))
        .header("accept", "text/html")
        .form(&[("list", list), ("naming", "camelCase")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("1 to onboard in job "), "{html}");
    assert!(html.contains("1 refused"), "{html}");
    assert!(
        html.contains("<td class=\"num\">3</td><td>&lt;bad&gt;</td>"),
        "{html}"
    );
    // The audit trail names its job, as it does for a script's import.
    let job: u64 = html
        .split("1 to onboard in job ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the job's number");
    let imported = app.audited("tenants/import").await;
    assert_eq!(imported["job_id"], job, "{imported}");
    // A stakeholder's link cannot, by the page either.
    let (viewer, _) = support::open_viewer_link(&app).await;
    let refused = support::client_with_cookie(&viewer)
        .post(app.url("/api/tenants/import"))
        .header("accept", "text/html")
        .form(&[("list", list), ("naming", "camelCase")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    app.shutdown().await;
}
