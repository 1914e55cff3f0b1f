//! The `scaleout` binary as a user runs it: help, status, serve and signals.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scaleout");

#[test]
fn help_lists_the_subcommands() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for word in ["serve", "status", "--data-dir"] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
    let serve = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let serve = String::from_utf8(serve.stdout).unwrap();
    assert!(
        serve.contains("--addr") && serve.contains("127.0.0.1:3000"),
        "{serve}"
    );
}

#[test]
fn status_json_is_one_document() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["status", "--json", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["backend"]["kind"], "embedded");
}

#[test]
fn a_bad_address_is_refused_with_a_reason() {
    let out = Command::new(BIN)
        .args(["serve", "--addr", "not-an-address"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--addr"));
}

/// Starts `scaleout serve` on a free port from an unrelated working directory;
/// returns the child and its address, read from the log line.
fn start_server(data: &std::path::Path) -> (Child, String) {
    let (child, addr, _) = start_server_with_password(data);
    (child, addr)
}

/// Also returns the operator password the first start generates and prints.
fn start_server_with_password(data: &std::path::Path) -> (Child, String, Option<String>) {
    let cwd = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .current_dir(cwd.path())
        .env("RUST_LOG", "info")
        .env_remove("SCALEOUT_ADMIN_PASSWORD")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut password = None;
    let addr = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(p) = line.split("(shown once, keep it): ").nth(1) {
            password = Some(p.trim().to_string());
        }
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr, password)
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// The login page for anyone; with `password`, logs in and returns the dashboard.
fn fetch_dashboard(addr: &str, password: Option<&str>) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut request = client.get(format!("http://{addr}/"));
        if let Some(password) = password {
            let login = client
                .post(format!("http://{addr}/api/access/login"))
                .form(&[("password", password)])
                .send()
                .await
                .unwrap();
            let cookie = login.headers()["set-cookie"].to_str().unwrap();
            request = request.header("cookie", cookie.split(';').next().unwrap());
        }
        let r = request.send().await.unwrap();
        if password.is_none() {
            assert_eq!(r.status(), 303, "visitors are sent to the login");
            return String::new();
        }
        assert_eq!(r.status(), 200);
        // Without the empty comments Leptos leaves after text for hydration.
        r.text().await.unwrap().replace("<!>", "")
    })
}

#[test]
fn serve_answers_then_stops_gracefully_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let (mut child, addr, password) = start_server_with_password(data.path());
    let password = password.expect("the first start prints a generated operator password");
    fetch_dashboard(&addr, None);
    let html = fetch_dashboard(&addr, Some(&password));
    assert!(html.contains("<h1>Dashboard</h1>"));
    signal(&child, "TERM");
    assert!(wait_exit(&mut child, Duration::from_secs(10)).success());

    // Shown once: the next start prints nothing, and the same password works.
    let (mut child, addr, again) = start_server_with_password(data.path());
    assert_eq!(again, None);
    assert!(fetch_dashboard(&addr, Some(&password)).contains("<h1>Dashboard</h1>"));
    signal(&child, "TERM");
    assert!(wait_exit(&mut child, Duration::from_secs(10)).success());
}

#[test]
fn serve_stops_gracefully_on_ctrl_c() {
    let data = tempfile::tempdir().unwrap();
    let (mut child, addr) = start_server(data.path());
    fetch_dashboard(&addr, None);
    signal(&child, "INT");
    assert!(wait_exit(&mut child, Duration::from_secs(10)).success());
}

/// A stop asked for the moment the server says it listens (a supervisor that
/// starts and stops at once) is still graceful, not the default SIGINT death.
#[test]
fn a_signal_right_after_listening_still_stops_gracefully() {
    for _ in 0..5 {
        let data = tempfile::tempdir().unwrap();
        let (mut child, _) = start_server(data.path());
        signal(&child, "INT");
        assert!(wait_exit(&mut child, Duration::from_secs(10)).success());
    }
}

#[test]
fn a_busy_port_is_reported_not_panicked() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--addr", &addr, "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_arangodb_password_never_appears_in_output() {
    let secret = "s3cr3t-Pa55word";
    let data = tempfile::tempdir().unwrap();
    let help = Command::new(BIN)
        .arg("--help")
        .env("ARANGO_PASSWORD", secret)
        .output()
        .unwrap();
    // Nothing listens on port 9 (discard): connecting fails after retries.
    let failed = Command::new(BIN)
        .args(["status", "--data-dir"])
        .arg(data.path())
        .env("ARANGO_URL", "http://127.0.0.1:9")
        .env("ARANGO_PASSWORD", secret)
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("could not reach ArangoDB"), "{stderr}");
    assert!(
        stderr.contains("Check --arango-url"),
        "says what to check: {stderr}"
    );
    for out in [&help.stdout, &help.stderr, &failed.stdout, &failed.stderr] {
        assert!(
            !String::from_utf8_lossy(out).contains(secret),
            "the password leaked"
        );
    }
    let in_url = Command::new(BIN)
        .args([
            "status",
            "--arango-url",
            &format!("http://root:{secret}@127.0.0.1:9"),
        ])
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!in_url.status.success());
    assert!(!String::from_utf8_lossy(&in_url.stderr).contains(secret));
}

/// `--number-of-shards` and `--replication-factor` shape the graph when it is
/// created; afterwards commands without them adopt it, and a different value is
/// refused, naming the existing ones.
#[test]
fn the_shard_count_is_chosen_once_and_kept() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(data.path())
            .env("SCALEOUT_TENANT_ID_SEED", "1")
            .output()
            .unwrap()
    };
    let made = run(&[
        "--number-of-shards",
        "24",
        "--replication-factor",
        "1",
        "tenant",
        "add",
        "--tenant-name",
        "Shaped Co",
        "--json",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let info = run(&["shard-info", "--json"]);
    assert!(
        info.status.success(),
        "{}",
        String::from_utf8_lossy(&info.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let text = info.to_string();
    assert!(text.contains("\"number_of_shards\":24"), "{text}");
    assert!(text.contains("\"replication_factor\":1"), "{text}");
    // Without the flags: the graph's own shape.
    let second = run(&["tenant", "add", "--tenant-name", "Adopted Co", "--json"]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    // A different value: refused before anything runs, naming what exists.
    let refused = run(&["--number-of-shards", "12", "tenant", "list"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("exists with 24 shards and replication factor 1")
            && said.contains("--number-of-shards 12"),
        "{said}"
    );
    // The same value is fine.
    assert!(run(&["--number-of-shards", "24", "tenant", "list"])
        .status
        .success());
    let bad = run(&["--number-of-shards", "0", "tenant", "list"]);
    assert!(!bad.status.success());
}
