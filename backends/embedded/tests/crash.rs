//! Crash safety: a loader killed with SIGKILL in the middle of a load loses no
//! acknowledged batch and leaves no half batch; a repeated load completes it with
//! no duplicates.
//!
//! The child is this same test binary, re-run with an environment variable that
//! turns `child_loader` into the loader. It prints the index of every batch it
//! got an acknowledgement for.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use scaleout_domain::port::{ClusterBackend, SchemaSpec};
use scaleout_domain::{Generator, Naming};
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};
use scaleout_port_suite::tenant;

const CHILD_ENV: &str = "SCALEOUT_CRASH_CHILD_DIR";
const SCALE: u32 = 20;
const BATCH: usize = 200;

fn batches() -> Vec<Vec<scaleout_domain::Document>> {
    Generator::new(&tenant(7, "Crash Test Ltd", SCALE), Naming::CamelCase)
        .batches(BATCH)
        .map(|b| b.documents)
        .collect()
}

/// In the child: load every batch, printing `acked <i> <created>` after each.
#[tokio::test]
async fn child_loader() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return; // Only does something when run as the child.
    };
    let cluster = EmbeddedCluster::open(EmbeddedConfig::in_dir(dir)).unwrap();
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let t = tenant(7, "Crash Test Ltd", SCALE);
    for (i, batch) in batches().iter().enumerate() {
        let report = cluster.load_batch(t.id, batch).await.unwrap();
        println!("acked {i} {}", report.created);
    }
    println!("done");
}

#[tokio::test]
async fn sigkill_mid_load_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let all = batches();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_loader", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let kill_after = all.len() / 3;
    let mut acked = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        // libtest may print its own "test child_loader ... " before the first line.
        if let Some(rest) = line.split("acked ").nth(1) {
            let mut parts = rest.split_whitespace();
            let i: usize = parts.next().unwrap().parse().unwrap();
            acked.push(i);
            if i + 1 == kill_after {
                // Mid-load: the next batch is likely in flight right now.
                Command::new("kill")
                    .args(["-KILL", &child.id().to_string()])
                    .status()
                    .unwrap();
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "the loader was killed, not finished");
    assert_eq!(
        acked.len(),
        kill_after,
        "the child acknowledged batches before dying"
    );

    // Restart: every acknowledged batch is there in full; any other batch is
    // either all there or absent.
    let cluster = EmbeddedCluster::open(EmbeddedConfig::in_dir(dir.path())).unwrap();
    let t = tenant(7, "Crash Test Ltd", SCALE);
    let stored: u64 = cluster.tenant_counts(t.id).await.unwrap().values().sum();
    let acked_docs: u64 = acked.iter().map(|&i| all[i].len() as u64).sum();
    assert!(
        stored >= acked_docs,
        "lost acknowledged writes: {stored} < {acked_docs}"
    );
    let mut prefix = 0u64;
    let mut whole = false;
    for b in &all {
        if prefix == stored {
            whole = true;
            break;
        }
        prefix += b.len() as u64;
    }
    assert!(
        whole || prefix == stored,
        "{stored} documents is not a whole number of batches: a half batch was kept"
    );

    // Repeat the whole load: it completes with no duplicates.
    let mut created = 0;
    for batch in &all {
        created += cluster.load_batch(t.id, batch).await.unwrap().created;
    }
    let total: u64 = cluster.tenant_counts(t.id).await.unwrap().values().sum();
    assert_eq!(total, 1095 * u64::from(SCALE));
    assert_eq!(
        created + stored,
        total,
        "the repeat created exactly what was missing"
    );
    let report = cluster.validate(&[t]).await.unwrap();
    assert!(
        report.is_clean(),
        "{:?}",
        report.tenants[0].violations.first()
    );
    // Give the killed child's file handles a moment to go before the dir is removed.
    tokio::time::sleep(Duration::from_millis(10)).await;
}
