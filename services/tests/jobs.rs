//! Jobs end to end through the services: every kind, watchers, exclusivity,
//! cancel, crash and resume.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use scaleout_domain::port::SchemaSpec;
use scaleout_domain::progress::ProgressEvent;
use scaleout_domain::{Naming, TenantStatus};
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};
use scaleout_services::jobs::JobSpec;
use scaleout_services::operations::tenants;
use scaleout_services::store::{JobState, Owner};
use scaleout_services::{Console, ConsoleConfig, ErrorKind};

/// A console over a fresh embedded store; `move_ms` sets how long a move takes.
fn console(dir: &std::path::Path, move_ms: u64) -> Console {
    let mut config = EmbeddedConfig::in_dir(dir).instant_moves();
    config.move_overhead = Duration::from_millis(move_ms);
    let backend = Arc::new(EmbeddedCluster::open(config).unwrap());
    // The same placement every run: no test depends on random ids.
    let config = ConsoleConfig {
        tenant_id_seed: Some(1),
        ..ConsoleConfig::new(dir)
    };
    Console::with_backend(config, backend).unwrap()
}

async fn add(console: &Console, name: &str, scale: i64) -> u64 {
    let new = tenants::prepare(console, name, scale, Naming::CamelCase).unwrap();
    console
        .start_job(JobSpec::AddTenant { tenant: new })
        .unwrap()
}

async fn events(console: &Console, job: u64) -> Vec<ProgressEvent> {
    console.jobs().watch(job).unwrap().collect().await
}

fn assert_ordered(events: &[ProgressEvent]) {
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (0..events.len() as u64).collect::<Vec<_>>(),
        "no gap, no repeat"
    );
}

#[tokio::test]
async fn add_tenant_job_reports_counts_and_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 0);
    let job = add(&c, "Fortune 500 Corp", 5).await;
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Succeeded, "{:?}", record.error);
    assert_eq!(record.kind, "add_tenant");
    let result = record.result.unwrap();
    assert_eq!(result["total_documents"], 5475);
    assert_eq!(result["documents"]["Device"], 600);
    assert_eq!(result["documents"]["hasVersion"], 3000);
    // A watcher arriving after the end still gets the whole log.
    let log = events(&c, job).await;
    assert_ordered(&log);
    assert_eq!(log.last().unwrap().step, "finished");
    assert!(log
        .iter()
        .any(|e| e.step == "load" && e.done == 5475 && e.total == 5475));
    let t = c
        .store()
        .tenant_by_name("fortune 500 corp")
        .unwrap()
        .unwrap();
    assert_eq!(t.tenant.status, TenantStatus::Active);
}

#[tokio::test]
async fn a_late_watcher_gets_the_past_then_the_live_events() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 0);
    let job = add(&c, "Big Corp", 40).await;
    // Join while it runs.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let first = c.jobs().watch(job).unwrap();
    let second = c.jobs().watch(job).unwrap();
    let (a, b): (Vec<_>, Vec<_>) = futures::join!(first.collect(), second.collect());
    assert_ordered(&a);
    assert_eq!(a, b, "two watchers see the same progress");
    assert_eq!(a.last().unwrap().step, "finished");
    assert_eq!(c.job(job).unwrap().state, JobState::Succeeded);
}

#[tokio::test]
async fn tenant_additions_run_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 0);
    let jobs = [
        add(&c, "One Ltd", 3).await,
        add(&c, "Two Ltd", 3).await,
        add(&c, "Three Ltd", 3).await,
    ];
    for job in jobs {
        assert_eq!(c.jobs().wait(job).await.unwrap().state, JobState::Succeeded);
    }
    let rows = tenants_rows(&c).await;
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.documents == 3285));
}

#[tokio::test]
async fn many_tenants_onboard_several_at_a_time_with_one_progress_line() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 0);
    let list: Vec<_> = (0..7)
        .map(|i| tenants::prepare(&c, &format!("Many {i}"), 1 + i % 3, Naming::CamelCase).unwrap())
        .collect();
    let expected: u64 = list.iter().map(|t| 1095 * u64::from(t.scale_factor)).sum();
    let job = c
        .start_job(JobSpec::AddTenants {
            tenants: list,
            concurrency: Some(3),
            imported: false,
        })
        .unwrap();
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Succeeded, "{:?}", record.error);
    // The result keeps the list's order, whatever order they finished in.
    let names: Vec<String> = record
        .result
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        (0..7).map(|i| format!("Many {i}")).collect::<Vec<_>>()
    );

    // One line for the job: the bar by documents, never going back, and no
    // tenant's own steps to make it jump.
    let log = events(&c, job).await;
    assert_ordered(&log);
    let bar: Vec<&ProgressEvent> = log.iter().filter(|e| e.step != "finished").collect();
    assert!(
        bar.iter()
            .all(|e| e.step == "tenants" && e.total == expected),
        "{bar:?}"
    );
    assert!(bar.windows(2).all(|p| p[0].done <= p[1].done), "{bar:?}");
    let last = bar.last().unwrap();
    assert_eq!(last.done, expected);
    assert!(
        last.message.starts_with(&format!(
            "7 tenants added: 7 of 7 tenants · {} of {} documents",
            scaleout_domain::units::grouped(expected),
            scaleout_domain::units::grouped(expected)
        )),
        "{}",
        last.message
    );
    assert!(
        last.message.contains("documents/s") || record_fast(&log),
        "{}",
        last.message
    );
    let rows = tenants_rows(&c).await;
    assert_eq!(rows.len(), 7);
    assert!(rows
        .iter()
        .all(|r| r.documents == r.expected_documents && r.status == "active"));
}

/// Under half a second in all: too quick for a rate worth saying.
fn record_fast(log: &[ProgressEvent]) -> bool {
    log.last().unwrap().at_ms - log[0].at_ms < 500
}

async fn tenants_rows(c: &Console) -> Vec<scaleout_services::operations::reports::TenantRow> {
    scaleout_services::operations::reports::tenants(c)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_topology_change_is_refused_naming_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 300);
    // Several tenants, so that several shard groups hold data worth spreading.
    for name in ["Acme Corp", "Globex", "Initech", "Umbrella"] {
        c.jobs().wait(add(&c, name, 1).await).await.unwrap();
    }
    c.jobs()
        .wait(c.start_job(JobSpec::AddServers { count: 2 }).unwrap())
        .await
        .unwrap();
    let rebalance = c
        .start_job(JobSpec::Rebalance {
            what_if_servers: 0,
            execute: true,
            fingerprint: None,
            drain: Vec::new(),
        })
        .unwrap();
    let err = c.start_job(JobSpec::AddServers { count: 1 }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(
        err.to_string()
            .contains(&format!("job {rebalance} (rebalance)")),
        "{err}"
    );
    // Reads and tenant additions are not topology changes.
    let validate = c.start_job(JobSpec::Validate).unwrap();
    assert_eq!(
        c.jobs().wait(validate).await.unwrap().state,
        JobState::Succeeded
    );
    let done = c.jobs().wait(rebalance).await.unwrap();
    assert_eq!(done.state, JobState::Succeeded, "{:?}", done.error);
    let moves = done.result.unwrap()["moves_done"].as_array().unwrap().len();
    assert!(moves > 0, "new servers get shard groups");
    // Afterwards another one may start.
    c.jobs()
        .wait(c.start_job(JobSpec::AddServers { count: 1 }).unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn cancel_stops_a_job_at_a_safe_point() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 0);
    let job = add(&c, "Huge Corp", 200).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.jobs().cancel(job).unwrap();
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Cancelled);
    let stored: u64 = c.backend().stored_tenants().await.unwrap().values().sum();
    assert!(stored < 219_000, "stopped before the end: {stored}");
    assert_eq!(stored % 1000, 0, "stopped between whole batches");
    // Cancelling an ended job says so.
    assert_eq!(
        c.jobs().cancel(job).unwrap_err().kind(),
        ErrorKind::Conflict
    );
}

#[tokio::test]
async fn remove_and_validate_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 0);
    c.jobs().wait(add(&c, "Keep Ltd", 1).await).await.unwrap();
    c.jobs().wait(add(&c, "Drop Ltd", 2).await).await.unwrap();
    let drop = c
        .store()
        .tenant_by_name("Drop Ltd")
        .unwrap()
        .unwrap()
        .tenant
        .id;
    let removed = c
        .jobs()
        .wait(
            c.start_job(JobSpec::RemoveTenant {
                tenant: drop,
                name: None,
            })
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(removed.result.unwrap()["removed_documents"], 2190);
    assert!(c.store().tenant(drop).unwrap().is_none());
    let v = c
        .jobs()
        .wait(c.start_job(JobSpec::Validate).unwrap())
        .await
        .unwrap();
    let result = v.result.unwrap();
    assert_eq!(result["clean"], true);
    assert_eq!(result["report"]["documents_checked"], 1095);
    // Removing it again is refused before any job starts, saying why.
    let jobs = c.store().jobs(100).unwrap().len();
    let gone = tenants::start_remove(&c, drop).unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound);
    assert!(gone.to_string().contains("was already removed"), "{gone}");
    assert_eq!(c.store().jobs(100).unwrap().len(), jobs);
}

#[tokio::test]
async fn bad_requests_are_refused_before_any_job_starts() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path(), 0);
    for (name, scale) in [
        ("", 1),
        ("Robert'); DROP TABLE tenants;--", 1),
        ("Acme <script>", 1),
        ("Fine Name", 0),
        ("Fine Name", 1001),
    ] {
        let err = tenants::prepare(&c, name, scale, Naming::CamelCase).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{name:?} {scale}: {err}");
    }
    c.jobs().wait(add(&c, "Acme Corp", 1).await).await.unwrap();
    let dup = tenants::prepare(&c, "ACME CORP", 1, Naming::CamelCase).unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Conflict);
    let snake = tenants::prepare(&c, "Snake Co", 1, Naming::SnakeCase).unwrap_err();
    assert_eq!(snake.kind(), ErrorKind::Conflict);
    assert!(snake.to_string().contains("camelCase"), "{snake}");
    assert!(
        c.store().jobs(10).unwrap().len() == 1,
        "no job was recorded for refused requests"
    );
}

#[tokio::test]
async fn an_interrupted_seeding_resumes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let spec;
    let job;
    {
        // A process that recorded the job, loaded part of the data, then died.
        let c = console(dir.path(), 0);
        let new = tenants::prepare(&c, "Crashy Corp", 3, Naming::CamelCase).unwrap();
        spec = JobSpec::AddTenant {
            tenant: new.clone(),
        };
        job = c
            .store()
            .insert_job(
                "add_tenant",
                &serde_json::to_value(&spec).unwrap(),
                &spec.locks(),
                0,
            )
            .unwrap()
            .unwrap();
        c.store()
            .with_owner_for_tests(
                job,
                Owner {
                    pid: 999_999_999,
                    started: None,
                },
            )
            .unwrap();
        c.backend()
            .ensure_schema(&SchemaSpec::default())
            .await
            .unwrap();
        let tenant = scaleout_domain::Tenant::new(
            new.id,
            scaleout_domain::TenantName::parse(&new.name).unwrap(),
            scaleout_domain::ScaleFactor::new(3).unwrap(),
            new.created_at,
        );
        for batch in scaleout_domain::Generator::new(&tenant, Naming::CamelCase)
            .batches(1000)
            .take(2)
        {
            c.backend()
                .load_batch(new.id, &batch.documents)
                .await
                .unwrap();
        }
    }
    // Restart: the job is found interrupted, then resumed to completion.
    let c = console(dir.path(), 0);
    assert_eq!(c.job(job).unwrap().state, JobState::Interrupted);
    c.resume_job(job).unwrap();
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Succeeded, "{:?}", record.error);
    let result = record.result.unwrap();
    assert_eq!(result["total_documents"], 3285);
    assert!(
        result["created"].as_u64().unwrap() < 3285,
        "the resumed run found the earlier batches"
    );
    let v = c
        .jobs()
        .wait(c.start_job(JobSpec::Validate).unwrap())
        .await
        .unwrap();
    assert_eq!(v.result.unwrap()["clean"], true);
    // A job that succeeded does not resume.
    assert_eq!(c.resume_job(job).unwrap_err().kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn a_tenant_id_seed_makes_ids_reproducible() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let open = |i: usize, seed: Option<u64>| {
        let dir = dirs[i].path();
        let backend =
            Arc::new(EmbeddedCluster::open(EmbeddedConfig::in_dir(dir).instant_moves()).unwrap());
        let config = ConsoleConfig {
            tenant_id_seed: seed,
            ..ConsoleConfig::new(dir)
        };
        Console::with_backend(config, backend).unwrap()
    };
    let id = |c: &Console, name| tenants::prepare(c, name, 1, Naming::CamelCase).unwrap().id;
    let (a, b, other, random) = (
        open(0, Some(7)),
        open(1, Some(7)),
        open(2, Some(8)),
        open(3, None),
    );
    assert_eq!(
        id(&a, "Acme Corp"),
        id(&b, "Acme Corp"),
        "same seed, same name"
    );
    assert_ne!(id(&a, "Acme Corp"), id(&a, "Globex Ltd"));
    assert_ne!(id(&a, "Acme Corp"), id(&other, "Acme Corp"));
    assert_ne!(id(&a, "Acme Corp"), id(&random, "Acme Corp"));
    // The onboarded tenant gets the id its request was prepared with.
    let expected = id(&a, "Acme Corp");
    a.jobs().wait(add(&a, "Acme Corp", 1).await).await.unwrap();
    assert!(a.store().tenant(expected).unwrap().is_some());
}
