//! Data files that lie and disks that fail, with the real binary: a truncated
//! or missing file beside one that holds data stops the console with a
//! sentence naming it; a full disk and a read-only directory are said as such
//! (503 on the web), never as "no reason recorded".
//!
//! A full disk and a read-only directory are real ones: a small tmpfs, or a
//! read-only bind mount, in a mount namespace of the test's own (`unshare
//! -rm`, from util-linux; no root needed where user namespaces are allowed).

mod support;

use support::cli::{ok, refused};

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scaleout");

#[test]
fn an_emptied_or_missing_console_db_beside_tenant_data_stops_the_console() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    ok(d, &["tenant", "add", "--tenant-name", "Survivor Co"]);
    let cluster_db = d.join("scaleout.db");
    let cluster_size = std::fs::metadata(&cluster_db).unwrap().len();

    let console_db = d.join("console.db");
    std::fs::write(&console_db, b"").unwrap();
    let said = refused(d, &["tenant", "list"]);
    assert!(
        said.contains(&format!("{} is empty (0 bytes)", console_db.display())),
        "{said}"
    );
    assert!(
        said.contains("holds the data of 1 tenant (1,095 documents)"),
        "{said}"
    );
    assert!(said.contains("restore console.db from a backup"), "{said}");
    // Refused without writing: nothing was created beside the data.
    assert_eq!(std::fs::metadata(&console_db).unwrap().len(), 0);
    assert_eq!(std::fs::metadata(&cluster_db).unwrap().len(), cluster_size);

    std::fs::remove_file(&console_db).unwrap();
    let said = refused(d, &["serve", "--addr", "127.0.0.1:0"]);
    assert!(said.contains("console.db is missing"), "{said}");
    assert!(!console_db.exists(), "no new console was started");
}

#[test]
fn an_emptied_scaleout_db_beside_a_registry_of_tenants_stops_the_console() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    ok(d, &["tenant", "add", "--tenant-name", "Registered Co"]);
    let cluster_db = d.join("scaleout.db");
    std::fs::write(&cluster_db, b"").unwrap();
    let said = refused(d, &["tenant", "add", "--tenant-name", "Another Co"]);
    assert!(
        said.contains(&format!("{} is empty (0 bytes)", cluster_db.display())),
        "{said}"
    );
    assert!(said.contains("registers 1 tenant "), "{said}");
    assert_eq!(std::fs::metadata(&cluster_db).unwrap().len(), 0);
}

#[test]
fn a_fresh_data_dir_still_starts_a_new_console() {
    let data = tempfile::tempdir().unwrap();
    let out = ok(data.path(), &["validate", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["clean"], true, "an empty store is clean: {v}");
}

/// Runs `script` as root of a user and mount namespace of its own; `None`
/// (and a note) when this machine does not allow them.
fn in_namespace(script: &str) -> Option<Output> {
    let probe = Command::new("unshare").args(["-rm", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("NOTE: unshare -rm is not allowed here; the real full-disk test did not run");
        return None;
    }
    Some(
        Command::new("unshare")
            .args(["-rm", "sh", "-c", script])
            .env("SCALEOUT_TENANT_ID_SEED", "1")
            .env_remove("RUST_LOG")
            .output()
            .unwrap(),
    )
}

#[test]
fn a_full_disk_is_said_as_such_by_the_cli() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().display();
    // 3 MiB hold the empty stores, not a tenant of 200 scale units.
    let Some(out) = in_namespace(&format!(
        "mount -t tmpfs -o size=3m tmpfs {d} && exec {BIN} --data-dir {d} tenant add --tenant-name 'Too Big' --scale-factor 200"
    )) else {
        return;
    };
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("the disk holding {d} is full")),
        "{said}"
    );
    assert!(!said.contains("no reason recorded"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn a_read_only_data_directory_is_named_with_its_cause() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    ok(d, &["tenant", "add", "--tenant-name", "Frozen Co"]);
    let dir = d.display();
    let Some(out) = in_namespace(&format!(
        "mount --bind {dir} {dir} && mount -o remount,bind,ro {dir} && exec {BIN} --data-dir {dir} tenant add --tenant-name 'Thawed Co'"
    )) else {
        return;
    };
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&dir.to_string()),
        "names the directory: {said}"
    );
    assert!(
        said.to_lowercase().contains("read-only") || said.contains("readonly"),
        "says why: {said}"
    );
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn a_full_disk_answers_503_on_the_web_and_reads_go_on() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().display();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let probe = Command::new("unshare").args(["-rm", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("NOTE: unshare -rm is not allowed here; the web full-disk test did not run");
        return;
    }
    let mut server = Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            &format!(
                "mount -t tmpfs -o size=3m tmpfs {d} && exec {BIN} --data-dir {d} serve --addr 127.0.0.1:{port}"
            ),
        ])
        .env("SCALEOUT_ADMIN_PASSWORD", "full-disk-password")
        .env("SCALEOUT_TENANT_ID_SEED", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let anonymous = support::no_redirects();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the server never listened"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let cookie = support::login(&base, "full-disk-password")
            .await
            .expect("the operator logs in");
        let post = |path: &str, form: Vec<(&str, String)>| {
            anonymous
                .post(format!("{base}{path}"))
                .header("cookie", &cookie)
                .form(&form)
                .send()
        };
        let job: u64 = post(
            "/api/tenants/add",
            vec![
                ("name", "Too Big".into()),
                ("scale_factor", "200".into()),
                ("naming", "camelCase".into()),
            ],
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        // The job ends failed, with the reason, as soon as the disk is full.
        let record = loop {
            let r: serde_json::Value = post("/api/jobs/get", vec![("id", job.to_string())])
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if r["state"] != "running" {
                break r;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "{r}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(record["state"], "failed", "{record}");
        let error = record["error"].as_str().unwrap_or("");
        assert!(
            error.contains(&format!("the disk holding {d} is full")),
            "{record}"
        );
        // Writing more is refused with 503 and the same sentence, never a 500.
        for (path, form) in [
            (
                "/api/tenants/add",
                vec![
                    ("name", "Another".to_string()),
                    ("scale_factor", "50".to_string()),
                    ("naming", "camelCase".to_string()),
                ],
            ),
            ("/api/cluster/add-servers", vec![("count", "1".to_string())]),
        ] {
            let r = post(path, form).await.unwrap();
            let status = r.status().as_u16();
            let text = r.text().await.unwrap();
            assert!(status != 500, "{path}: {status} {text}");
            if status >= 500 {
                assert_eq!(status, 503, "{path}: {text}");
                assert!(text.contains("is full"), "{path}: {text}");
            }
        }
        // Reading still works.
        let status = post("/api/console/status", vec![]).await.unwrap().status();
        assert_eq!(status, 200);
    });
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn processes_opening_a_new_data_directory_at_once_all_start() {
    let data = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(BIN)
                .arg("--data-dir")
                .arg(data.path())
                .args(["status", "--json"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a racing first start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
