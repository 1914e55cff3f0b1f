//! Zero downtime, measured: existing tenants are read in a loop while new
//! tenants are onboarded and shard groups move; not one read may fail.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use scaleout_domain::Naming;
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};
use scaleout_services::jobs::JobSpec;
use scaleout_services::operations::tenants;
use scaleout_services::store::JobState;
use scaleout_services::{Console, ConsoleConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_never_fail_while_tenants_are_added_and_shards_move() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = EmbeddedConfig::in_dir(dir.path());
    config.move_rate_bytes_per_sec = 1024 * 1024;
    config.move_overhead = Duration::from_millis(100);
    let c = Console::with_backend(
        ConsoleConfig {
            // The same placement every run: the test never depends on random ids.
            tenant_id_seed: Some(1),
            ..ConsoleConfig::new(dir.path())
        },
        Arc::new(EmbeddedCluster::open(config).unwrap()),
    )
    .unwrap();

    let mut existing = Vec::new();
    for (name, scale) in [
        ("Acme Corp", 1),
        ("Global Enterprises", 2),
        ("Initech", 1),
        ("Hooli", 1),
    ] {
        let new = tenants::prepare(&c, name, scale, Naming::CamelCase).unwrap();
        existing.push((new.id, 1095 * u64::from(new.scale_factor)));
        c.jobs()
            .wait(c.start_job(JobSpec::AddTenant { tenant: new }).unwrap())
            .await
            .unwrap();
    }

    let stop = Arc::new(AtomicBool::new(false));
    let moving = Arc::new(AtomicBool::new(false));
    let (ok, failed, during_moves) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let mut readers = Vec::new();
    for r in 0..3 {
        let (c, stop, ok, failed, existing) = (
            c.clone(),
            stop.clone(),
            ok.clone(),
            failed.clone(),
            existing.clone(),
        );
        let (moving, during_moves) = (moving.clone(), during_moves.clone());
        readers.push(tokio::spawn(async move {
            let mut i = r;
            while !stop.load(Ordering::SeqCst) {
                let (id, expected) = existing[i % existing.len()];
                match c.backend().tenant_counts(id).await {
                    Ok(counts) if counts.values().sum::<u64>() == expected => {
                        if moving.load(Ordering::SeqCst) {
                            during_moves.fetch_add(1, Ordering::SeqCst);
                        }
                        ok.fetch_add(1, Ordering::SeqCst)
                    }
                    Ok(counts) => panic!(
                        "tenant {id} read {} documents, expected {expected}",
                        counts.values().sum::<u64>()
                    ),
                    Err(e) => {
                        eprintln!("failed read of {id}: {e}");
                        failed.fetch_add(1, Ordering::SeqCst)
                    }
                };
                if let Err(e) = c.backend().point_in_time(id, 1_900_000_000).await {
                    eprintln!("failed view of {id}: {e}");
                    failed.fetch_add(1, Ordering::SeqCst);
                }
                i += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }

    // Meanwhile: two tenants onboarded side by side, two servers, a rebalance.
    let a = c
        .start_job(JobSpec::AddTenant {
            tenant: tenants::prepare(&c, "Newco One", 2, Naming::CamelCase).unwrap(),
        })
        .unwrap();
    let b = c
        .start_job(JobSpec::AddTenant {
            tenant: tenants::prepare(&c, "Newco Two", 1, Naming::CamelCase).unwrap(),
        })
        .unwrap();
    c.jobs()
        .wait(c.start_job(JobSpec::AddServers { count: 2 }).unwrap())
        .await
        .unwrap();
    moving.store(true, Ordering::SeqCst);
    let rebalance = c
        .jobs()
        .wait(
            c.start_job(JobSpec::Rebalance {
                what_if_servers: 0,
                execute: true,
                fingerprint: None,
                drain: Vec::new(),
            })
            .unwrap(),
        )
        .await
        .unwrap();
    moving.store(false, Ordering::SeqCst);
    for job in [a, b] {
        assert_eq!(c.jobs().wait(job).await.unwrap().state, JobState::Succeeded);
    }
    assert_eq!(
        rebalance.state,
        JobState::Succeeded,
        "{:?}",
        rebalance.error
    );
    let moves = rebalance.result.unwrap()["moves_done"]
        .as_array()
        .unwrap()
        .len();

    stop.store(true, Ordering::SeqCst);
    for r in readers {
        r.await.unwrap();
    }
    let (ok, failed, during) = (
        ok.load(Ordering::SeqCst),
        failed.load(Ordering::SeqCst),
        during_moves.load(Ordering::SeqCst),
    );
    eprintln!("zero downtime: {ok} reads succeeded ({during} while shards moved), {failed} failed, {moves} moves");
    assert!(moves > 0, "shards really moved");
    assert!(during > 5, "reads ran while shards moved: {during}");
    assert_eq!(failed, 0, "zero failed reads");
}
