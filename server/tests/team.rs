//! The team over HTTP and the CLI: named accounts and their roles, disabled
//! accounts, the audit trail after a scripted session, and the health endpoints.

mod support;

use std::process::Command;

use axum::http::Method;
use scaleout_arangodb::fake::{Fake, FaultKind};
use scaleout_domain::access::Role;
use scaleout_server::access::{changes_state, required_role, Need};
use support::{client_with_cookie, spawn_app, spawn_app_with, team_member, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_scaleout");

/// Every field any server function takes, each well-formed.
const EVERY_FIELD: &str = "id=1&name=Team+Co&scale_factor=1&naming=camelCase&count=1\
&server=NoSuchServer&execute=false&what_if_servers=1&fingerprint=abc&limit=5&label=Board\
&hours=1&next=%2F&at=0&page=1&reason=Team&role=viewer&actor=x&action=x&since=1&list=name%2Cscale_factor%0AX%2C1";

fn server_fn_paths() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Runs the CLI on `data` and reads its JSON answer; it must succeed.
fn cli_json<T: serde::de::DeserializeOwned>(data: &std::path::Path, args: &[&str]) -> T {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn audit(app: &TestApp, filter: &str) -> Vec<serde_json::Value> {
    let r = app.post_form("/api/access/audit", filter).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_viewer_account_reads_every_read_and_is_refused_every_change() {
    let app = spawn_app().await;
    app.add_tenant("Viewed Co", 1).await;
    let (cookie, _) = team_member(&app, "vera", "viewer").await;
    let viewer = client_with_cookie(&cookie);
    let jobs_before = app.post("/api/jobs/list").await.text().await.unwrap();
    let (mut reads, mut changes) = (0, 0);
    for path in server_fn_paths() {
        let Need::Api(need) = required_role(&Method::POST, &path) else {
            panic!("{path} is not an API path");
        };
        if need == Role::Anonymous {
            continue; // logging in, signing up, a customer's portal: anyone's
        }
        let r = viewer
            .post(app.url(&path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(EVERY_FIELD)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        drop(r); // a live stream answers for ever: its status is enough
        if changes_state(&Method::POST, &path) {
            assert_eq!(status, 403, "{path} let a viewer change something");
            changes += 1;
        } else if need == Role::Admin {
            assert_eq!(status, 403, "{path} is an admin's read");
        } else {
            assert!(
                status != 401 && status != 403,
                "{path} refused a viewer's read: {status}"
            );
            reads += 1;
        }
    }
    assert!(
        reads >= 15 && changes >= 20,
        "{reads} reads, {changes} changes"
    );
    let jobs_after = app.post("/api/jobs/list").await.text().await.unwrap();
    assert_eq!(jobs_before, jobs_after, "nothing ran");
    // Every page is readable, with the read-only badge and no operator's forms.
    let tenants = viewer.get(app.url("/tenants")).send().await.unwrap();
    assert_eq!(tenants.status(), 200);
    let html = tenants.text().await.unwrap();
    assert!(
        html.contains("Viewed Co") && html.contains("read-only"),
        "{html}"
    );
    assert!(html.contains("data-role=\"viewer\""));
    app.shutdown().await;
}

#[tokio::test]
async fn operators_operate_admins_manage_and_a_disabled_account_is_out() {
    let app = spawn_app().await;
    let (otto, password) = team_member(&app, "otto", "operator").await;
    let otto_client = client_with_cookie(&otto);
    let added = otto_client
        .post(app.url("/api/tenants/add"))
        .form(&[
            ("name", "Otto Co"),
            ("scale_factor", "1"),
            ("naming", "camelCase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200, "an operator onboards a tenant");
    let job: u64 = added.text().await.unwrap().parse().unwrap();
    app.finish_job(job).await;
    // Accounts are the admins'.
    let refused = otto_client
        .post(app.url("/api/access/accounts/add"))
        .form(&[("name", "eve"), ("role", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("only an admin"));
    // Disabled: the next request is refused, and so is the next login, in the
    // same words as a name that does not exist.
    let r = app
        .post_form("/api/access/accounts/disable", "name=otto")
        .await;
    assert_eq!(r.status(), 200);
    let after = otto_client
        .post(app.url("/api/tenants/list"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    let login = |name: &'static str, password: String| {
        let app = &app;
        async move {
            let r = app
                .anonymous()
                .post(app.url("/api/access/login"))
                .form(&[("username", name), ("password", password.as_str())])
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let disabled = login("otto", password.clone()).await;
    let unknown = login("nobody", password.clone()).await;
    assert_eq!(disabled.0, 401);
    assert_eq!(disabled, unknown, "nothing tells whether a name exists");
    // The last admin stays one.
    let r = app
        .post_form("/api/access/accounts/set-role", "name=admin&role=viewer")
        .await;
    assert_eq!(r.status(), 409);
    app.shutdown().await;
}

#[tokio::test]
async fn the_trail_records_a_scripted_session_from_the_web_and_the_cli() {
    let app = spawn_app().await;
    let (otto, _) = team_member(&app, "otto", "operator").await;
    let (vera, _) = team_member(&app, "vera", "viewer").await;
    let add = |cookie: String, name: &'static str| {
        let url = app.url("/api/tenants/add");
        async move {
            client_with_cookie(&cookie)
                .post(url)
                .form(&[
                    ("name", name),
                    ("scale_factor", "1"),
                    ("naming", "camelCase"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let job: u64 = add(otto, "Trail Co")
        .await
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();
    app.finish_job(job).await;
    assert_eq!(add(vera, "Sneaky Co").await.status(), 403);
    let wrong = app
        .anonymous()
        .post(app.url("/api/access/login"))
        .form(&[("username", "otto"), ("password", "not-his-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    // The CLI on the same data directory.
    let carol: serde_json::Value = cli_json(
        app.data.path(),
        &["user", "add", "carol", "--role", "viewer", "--json"],
    );
    assert_eq!(carol["name"], "carol");
    assert_eq!(carol["role"], "viewer");
    assert!(carol["password"].as_str().unwrap().len() >= 12);

    let trail = audit(&app, "").await;
    let find = |actor: &str, action: &str| {
        trail
            .iter()
            .find(|e| e["actor"].as_str().unwrap().starts_with(actor) && e["action"] == action)
            .unwrap_or_else(|| panic!("no {actor} {action} in {trail:#?}"))
            .clone()
    };
    let added = find("otto", "tenants/add");
    assert_eq!(added["outcome"], "ok");
    assert_eq!(added["role"], "operator");
    assert_eq!(added["job_id"], job);
    assert!(added["target"].as_str().unwrap().contains("name=Trail Co"));
    assert_eq!(added["client"], "127.0.0.1");
    assert_eq!(find("vera", "tenants/add")["outcome"], "refused");
    // A login is recorded as the account that logged in.
    assert_eq!(find("otto", "access/login")["outcome"], "ok");
    assert_eq!(find("otto", "access/login")["role"], "operator");
    let failed_login = find("anonymous", "access/login");
    assert_eq!(failed_login["outcome"], "refused");
    assert_eq!(failed_login["target"], "username=otto");
    assert!(!serde_json::to_string(&trail)
        .unwrap()
        .contains("not-his-password"));
    let cli = find("cli:", "user add");
    assert_eq!(cli["outcome"], "ok");
    assert_eq!(cli["target"], "name=carol, role=viewer");
    assert!(trail.iter().any(|e| e["actor"] == "admin"
        && e["action"] == "access/accounts/add"
        && e["target"] == "name=otto, role=operator"));
    // Filters, over HTTP and in the CLI.
    let only_vera = audit(&app, "actor=vera").await;
    assert!(!only_vera.is_empty() && only_vera.iter().all(|e| e["actor"] == "vera"));
    let listed: Vec<serde_json::Value> = cli_json(
        app.data.path(),
        &["audit", "--action", "tenants/", "--since", "1h", "--json"],
    );
    assert_eq!(listed.len(), 2, "{listed:#?}");
    assert!(listed.iter().all(|e| e["action"] == "tenants/add"));
    app.shutdown().await;
}

#[tokio::test]
async fn health_is_public_and_readiness_fails_when_the_back_end_does_not_answer() {
    let fake = Fake::cluster().await;
    let config = fake.config();
    let app = spawn_app_with(move |c| c.arango = Some(config)).await;
    let anyone = app.anonymous();
    let health = anyone.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = anyone.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    fake.fault(
        Some(Method::GET),
        "/_admin/cluster/health",
        1000,
        FaultKind::Status(503, 503, "service unavailable"),
    );
    let ready = anyone.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], false);
    let text = body.to_string();
    assert!(text.contains("back end does not answer"), "{text}");
    assert!(
        !text.contains(&fake.url),
        "no address in a public answer: {text}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn the_cli_manages_accounts_and_refuses_what_would_lock_everyone_out() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(data.path())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, _) = run(&["user", "add", "dora", "--role", "operator"]);
    assert!(ok && out.contains("dora (operator): password "), "{out}");
    let (ok, _, err) = run(&["user", "add", "DORA", "--role", "viewer"]);
    assert!(!ok && err.contains("exists already"), "{err}");
    let (ok, _, err) = run(&["user", "add", "eve", "--role", "root"]);
    assert!(!ok && err.contains("admin, operator or viewer"), "{err}");
    assert!(run(&["user", "set-role", "dora", "viewer"]).0);
    assert!(run(&["user", "disable", "dora"]).0);
    let (ok, _, err) = run(&["user", "disable", "admin"]);
    assert!(!ok && err.contains("last enabled admin"), "{err}");
    let (ok, out, _) = run(&["user", "list", "--json"]);
    assert!(ok);
    let list: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let dora = list.iter().find(|a| a["name"] == "dora").unwrap();
    assert_eq!(dora["role"], "viewer");
    assert!(dora["disabled_ms"].is_i64());
    // A chosen password: from stdin, at least 12 characters.
    let mut child = Command::new(BIN)
        .args([
            "user",
            "reset-password",
            "dora",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(data.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12"));
    // Every one of those is in the trail, refused ones too.
    let (ok, out, _) = run(&["audit", "--json"]);
    assert!(ok);
    let trail: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let outcomes: Vec<(String, String)> = trail
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().into(),
                e["outcome"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        outcomes.contains(&("user disable".into(), "ok".into())),
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .any(|(a, o)| a == "user disable" && o.starts_with("failed")),
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .any(|(a, o)| a == "user reset-password" && o.starts_with("failed")),
        "{outcomes:?}"
    );
    assert!(!out.contains("short"), "no password in the trail");
}
