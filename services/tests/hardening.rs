//! What bad luck and racing callers do to the services: look-alike names,
//! concurrent claims, removal during onboarding, data nobody registered, a
//! resume after the tenant went, jobs whose owner is gone.

use std::sync::Arc;
use std::time::Duration;

use scaleout_domain::port::SchemaSpec;
use scaleout_domain::{Naming, ScaleFactor, Tenant, TenantId, TenantName};
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};
use scaleout_services::access::SignupSettings;
use scaleout_services::jobs::JobSpec;
use scaleout_services::operations::{summary, tenants};
use scaleout_services::store::{JobState, Owner};
use scaleout_services::{Console, ConsoleConfig, ErrorKind};

fn console_with(dir: &std::path::Path, signup: SignupSettings) -> Console {
    let backend =
        Arc::new(EmbeddedCluster::open(EmbeddedConfig::in_dir(dir).instant_moves()).unwrap());
    let config = ConsoleConfig {
        tenant_id_seed: Some(1),
        signup,
        ..ConsoleConfig::new(dir)
    };
    Console::with_backend(config, backend).unwrap()
}

fn console(dir: &std::path::Path) -> Console {
    console_with(dir, SignupSettings::default())
}

async fn onboard(c: &Console, name: &str, scale: i64) -> TenantId {
    let new = tenants::prepare(c, name, scale, Naming::CamelCase).unwrap();
    let id = new.id;
    let job = c.start_job(JobSpec::AddTenant { tenant: new }).unwrap();
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Succeeded, "{:?}", record.error);
    id
}

#[tokio::test]
async fn look_alike_names_are_one_name_for_operators_and_signups() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    onboard(&c, "Acme Corp", 1).await;
    for look_alike in [
        "Acme  Corp",
        "Acme Corp.",
        "\u{0410}cme Corp",
        "ACME CORP",
        "\u{ff21}cme Corp",
    ] {
        let refused = tenants::prepare(&c, look_alike, 1, Naming::CamelCase).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Conflict, "{look_alike:?}");
        assert!(refused.to_string().contains("Acme Corp"), "{refused}");
        let signup = c
            .access()
            .signup(
                &c,
                "198.51.100.7",
                &"a".repeat(64),
                look_alike,
                "ops@acme.example",
                "small",
            )
            .await;
        assert_eq!(
            signup.unwrap_err().kind(),
            ErrorKind::Conflict,
            "signup {look_alike:?}"
        );
    }
    let cyrillic = tenants::prepare(&c, "\u{0410}cme Corp", 1, Naming::CamelCase).unwrap_err();
    assert!(
        cyrillic.to_string().contains("U+0410"),
        "names the look-alike letter: {cyrillic}"
    );
    // A different name is still welcome.
    tenants::prepare(&c, "Acme Corporation", 1, Naming::CamelCase).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_signups_from_one_address_get_exactly_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let c = console_with(
        dir.path(),
        SignupSettings {
            approval: true,
            max_pending: 100,
            per_ip_per_hour: 5,
        },
    );
    // Tasks on a runtime of several threads: the signups really race.
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move {
                let key = format!("{i:064x}");
                usize::from(
                    c.access()
                        .signup(
                            &c,
                            "203.0.113.9",
                            &key,
                            &format!("Company {}", char::from(b'A' + i as u8)),
                            "ops@example.com",
                            "small",
                        )
                        .await
                        .is_ok(),
                )
            })
        })
        .collect();
    let mut accepted = 0;
    for h in handles {
        accepted += h.await.unwrap();
    }
    assert_eq!(accepted, 5, "the per-address limit is 5");
    assert_eq!(c.access().signups(&c).unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_waiting_cap_holds_under_concurrent_signups() {
    let dir = tempfile::tempdir().unwrap();
    let c = console_with(
        dir.path(),
        SignupSettings {
            approval: true,
            max_pending: 3,
            per_ip_per_hour: 100,
        },
    );
    let handles: Vec<_> = (0..12)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move {
                usize::from(
                    c.access()
                        .signup(
                            &c,
                            &format!("192.0.2.{i}"),
                            &format!("{i:064x}"),
                            &format!("Waiting {}", char::from(b'A' + i as u8)),
                            "ops@example.com",
                            "small",
                        )
                        .await
                        .is_ok(),
                )
            })
        })
        .collect();
    let mut accepted = 0;
    for h in handles {
        accepted += h.await.unwrap();
    }
    assert_eq!(accepted, 3);
}

#[tokio::test]
async fn exactly_one_of_many_concurrent_topology_changes_starts() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                let c = c.clone();
                s.spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    let _guard = runtime.enter();
                    let started = c.start_job(JobSpec::AddServers { count: 1 });
                    // Keep the runtime (and its job) alive until the job ends.
                    if let Ok(id) = &started {
                        runtime.block_on(c.jobs().wait(*id)).unwrap();
                    }
                    started
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
    let lost: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    // Each winner ran to its end before the next could claim: never two at once.
    assert!(!won.is_empty());
    for refused in &lost {
        assert_eq!(refused.kind(), ErrorKind::Conflict);
        assert!(
            refused
                .to_string()
                .contains("is changing the cluster's topology"),
            "{refused}"
        );
    }
    let records = c.store().jobs(100).unwrap();
    assert_eq!(records.len(), won.len(), "refused jobs leave no record");
    let overview = c.backend().overview().await.unwrap();
    assert_eq!(overview.db_servers().count(), 3 + won.len());
}

#[tokio::test]
async fn a_second_topology_change_is_refused_while_one_runs() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let first = c.start_job(JobSpec::AddServers { count: 1 }).unwrap();
    // Held from the moment the first was recorded, whatever its progress.
    let second = c
        .start_job(JobSpec::Rebalance {
            what_if_servers: 0,
            execute: true,
            fingerprint: None,
            drain: Vec::new(),
        })
        .unwrap_err();
    assert_eq!(second.kind(), ErrorKind::Conflict);
    assert!(
        second.to_string().contains(&format!("job {first}")),
        "{second}"
    );
    c.jobs().wait(first).await.unwrap();
    // Released with the job's end.
    let third = c.start_job(JobSpec::AddServers { count: 1 }).unwrap();
    c.jobs().wait(third).await.unwrap();
}

#[tokio::test]
async fn a_tenant_being_onboarded_cannot_be_removed_and_a_removed_one_never_returns() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let new = tenants::prepare(&c, "Half Loaded", 200, Naming::CamelCase).unwrap();
    let id = new.id;
    let add = c.start_job(JobSpec::AddTenant { tenant: new }).unwrap();
    // Refused from the moment the onboarding is recorded (before the
    // registry even knows the tenant) and while it loads.
    for wait in [0, 200] {
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let refused = tenants::start_remove(&c, id).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Conflict, "{refused}");
        assert!(
            refused
                .to_string()
                .contains(&format!("being onboarded by job {add}")),
            "names the onboarding job: {refused}"
        );
    }
    assert!(
        c.store().jobs(10).unwrap().len() == 1,
        "no removal job was recorded"
    );

    // Cancelled, the onboarding says what is left and what to do.
    c.jobs().cancel(add).unwrap();
    let record = c.jobs().wait(add).await.unwrap();
    assert_eq!(record.state, JobState::Cancelled);
    let said = record.error.unwrap();
    assert!(said.contains("of its 219,000 documents"), "{said}");
    assert!(said.contains(&format!("resume job {add}")), "{said}");
    assert!(said.contains("tenant remove"), "{said}");

    // Now it can be removed; its data goes with it.
    let remove = tenants::start_remove(&c, id).unwrap();
    let removed = c.jobs().wait(remove).await.unwrap();
    assert_eq!(removed.state, JobState::Succeeded, "{:?}", removed.error);
    assert!(c.backend().stored_tenants().await.unwrap().is_empty());

    // Resuming the onboarding does not bring it back.
    c.resume_job(add).unwrap();
    let resumed = c.jobs().wait(add).await.unwrap();
    assert_eq!(resumed.state, JobState::Failed);
    assert!(
        resumed
            .error
            .as_deref()
            .unwrap_or("")
            .contains("was removed"),
        "{:?}",
        resumed.error
    );
    assert!(c.store().tenant(id).unwrap().is_none());
    assert!(c.backend().stored_tenants().await.unwrap().is_empty());
    let validation = c
        .jobs()
        .wait(c.start_job(JobSpec::Validate).unwrap())
        .await
        .unwrap();
    assert_eq!(validation.result.unwrap()["clean"], true);
}

#[tokio::test]
async fn data_of_unregistered_tenants_is_named_counted_and_purged() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let kept = onboard(&c, "Kept Co", 1).await;
    // Data under an id nobody registered, as a crash of an older version left it.
    let stray = Tenant::new(
        TenantId::parse("0123456789ab").unwrap(),
        TenantName::parse("Stray").unwrap(),
        ScaleFactor::new(1).unwrap(),
        1_700_000_000,
    );
    c.backend()
        .ensure_schema(&SchemaSpec::default())
        .await
        .unwrap();
    for batch in scaleout_domain::Generator::new(&stray, Naming::CamelCase).batches(1000) {
        c.backend()
            .load_batch(stray.id, &batch.documents)
            .await
            .unwrap();
    }
    let s = summary::summary(&c).await.unwrap();
    assert_eq!(
        (s.tenants, s.documents),
        (1, 1095),
        "registered tenants only"
    );
    assert_eq!(
        (s.unregistered_tenants, s.unregistered_documents),
        (1, 1095)
    );

    let v = c
        .jobs()
        .wait(c.start_job(JobSpec::Validate).unwrap())
        .await
        .unwrap();
    let v = v.result.unwrap();
    assert_eq!(v["clean"], false);
    assert_eq!(v["unregistered"][0]["id"], "0123456789ab");
    assert_eq!(v["unregistered"][0]["documents"], 1095);

    // Remove refuses an unregistered id at once (404), saying what to do.
    let refused = tenants::start_remove(&c, stray.id).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::NotFound);
    assert!(refused.to_string().contains("purge"), "{refused}");
    // Purge refuses a registered tenant.
    let refused = tenants::start_purge(&c, kept).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Conflict);

    let purge = tenants::start_purge(&c, stray.id).await.unwrap();
    let purged = c.jobs().wait(purge).await.unwrap();
    assert_eq!(purged.result.unwrap()["removed_documents"], 1095);
    let v = c
        .jobs()
        .wait(c.start_job(JobSpec::Validate).unwrap())
        .await
        .unwrap();
    assert_eq!(v.result.unwrap()["clean"], true);
    // Nothing left to purge: 404.
    let again = tenants::start_purge(&c, stray.id).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn validating_an_empty_store_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let v = c
        .jobs()
        .wait(c.start_job(JobSpec::Validate).unwrap())
        .await
        .unwrap();
    assert_eq!(v.state, JobState::Succeeded, "{:?}", v.error);
    assert_eq!(v.result.unwrap()["clean"], true);
}

#[tokio::test]
async fn an_unknown_tenant_id_is_not_found_before_any_job_starts() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let err = tenants::start_remove(&c, TenantId::parse("abcdefabcdef").unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(c.store().jobs(10).unwrap().is_empty());
}

#[tokio::test]
async fn a_job_whose_owner_pid_was_reused_or_is_a_zombie_is_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let spec = JobSpec::Validate;
    let this = Owner::this_process();
    let mut cases = Vec::new();
    // Our own pid, but started at another time: an earlier process with our pid.
    cases.push(Owner {
        pid: this.pid,
        started: this.started.map(|s| s - 1),
    });
    // A zombie: a child killed and never reaped keeps its pid in /proc.
    let mut child = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let zombie = child.id();
    child.kill().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    cases.push(Owner {
        pid: zombie,
        started: None,
    });
    // A live process that really owns it: left alone.
    let mut live = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let live_owner = Owner {
        pid: live.id(),
        started: None,
    };
    let mut jobs = Vec::new();
    for owner in cases.iter().chain([&live_owner]) {
        let id = c
            .store()
            .insert_job("validate", &serde_json::to_value(&spec).unwrap(), &[], 0)
            .unwrap()
            .unwrap();
        c.store().with_owner_for_tests(id, *owner).unwrap();
        jobs.push(id);
    }
    let orphans = c.jobs().interrupt_orphans().unwrap();
    assert_eq!(orphans, jobs[..2].to_vec());
    assert_eq!(c.job(jobs[2]).unwrap().state, JobState::Running);
    live.kill().unwrap();
    live.wait().unwrap();
    child.wait().unwrap();
    assert_eq!(c.jobs().interrupt_orphans().unwrap(), vec![jobs[2]]);
}

#[tokio::test]
async fn a_move_check_leaves_out_a_tenant_onboarded_from_start_to_end_while_its_group_moved() {
    use scaleout_domain::port::{MoveRequest, ReplicaRole};
    use scaleout_services::operations::verify;
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    onboard(&c, "Acme Corp", 1).await;
    // Every group counted before "its move", as the executor does...
    let groups = c.backend().shard_map().await.unwrap().groups;
    let mut before = Vec::new();
    for g in &groups {
        before.push(verify::before(&c, 0, g.index).await.unwrap());
    }
    // ...then an onboarding that starts and ends before the move is checked: it leaves
    // no lock behind to see.
    let late = onboard(&c, "Late Arrivals", 1).await;
    let map = c.backend().shard_map().await.unwrap();
    let (i, group) = map
        .groups
        .iter()
        .enumerate()
        .find(|(_, g)| g.tenants.contains(&late))
        .expect("the new tenant is in a group");
    let request = MoveRequest {
        group: group.index,
        from: "a-server-it-left".into(),
        to: group.leader.clone(),
        role: ReplicaRole::Leader,
    };
    let verdict = verify::after(&c, 0, &request, &before[i]).await.unwrap();
    assert!(verdict.verified, "{}", verdict.summary);
    assert!(
        verdict
            .summary
            .contains("(1 tenant being written by another job was not compared)"),
        "{}",
        verdict.summary
    );
    // The newcomer is alone in its group: nothing is counted as "the same".
    assert!(
        verdict
            .summary
            .starts_with("verified: no tenant left to compare, and "),
        "{}",
        verdict.summary
    );
}

/// The serving process looks for orphaned jobs every few seconds while its own jobs
/// start: a job started at that moment is never taken for an orphan (it was, when the
/// look listed this process's jobs before reading the store, and a customer's signup
/// then said "not set up" while its tenant was ready).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_starting_while_orphans_are_looked_for_is_not_one() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let looking = {
        let c = c.clone();
        tokio::task::spawn_blocking(move || {
            let mut marked = Vec::new();
            for _ in 0..4_000 {
                marked.extend(c.jobs().interrupt_orphans().unwrap());
            }
            marked
        })
    };
    let mut jobs = Vec::new();
    while !looking.is_finished() && jobs.len() < 400 {
        jobs.push(c.start_job(JobSpec::Validate).unwrap());
        tokio::task::yield_now().await;
    }
    let marked = looking.await.unwrap();
    assert!(marked.is_empty(), "taken for orphans: {marked:?}");
    for id in jobs {
        assert_ne!(
            c.jobs().wait(id).await.unwrap().state,
            JobState::Interrupted
        );
    }
}

/// A batch stopped part-way, one of its tenants removed meanwhile: resuming it leaves
/// that one out, says so, and onboards the others (it used to fail, and silently drop
/// the tenants that had not started).
#[tokio::test]
async fn a_resumed_batch_leaves_out_a_tenant_removed_since_and_onboards_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let c = console(dir.path());
    let list: Vec<_> = ["Big One", "Big Two", "Big Three"]
        .into_iter()
        .map(|name| tenants::prepare(&c, name, 150, Naming::CamelCase).unwrap())
        .collect();
    let first = list[0].id;
    let job = c
        .start_job(JobSpec::AddTenants {
            tenants: list,
            concurrency: Some(1),
            imported: false,
        })
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while c.store().tenant(first).unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "Big One never registered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    c.jobs().cancel(job).unwrap();
    let cancelled = c.jobs().wait(job).await.unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    // The tenants that had not started are named, not left for lost.
    let why = cancelled.error.unwrap();
    assert!(
        why.contains(
            "2 tenants had not started (Big Two, Big Three): resuming the job onboards them too"
        ),
        "{why}"
    );
    let remove = tenants::start_remove(&c, first).unwrap();
    assert_eq!(
        c.jobs().wait(remove).await.unwrap().state,
        JobState::Succeeded
    );

    c.resume_job(job).unwrap();
    let resumed = c.jobs().wait(job).await.unwrap();
    assert_eq!(resumed.state, JobState::Succeeded, "{:?}", resumed.error);
    let added: Vec<String> = resumed
        .result
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(added, ["Big Two", "Big Three"]);
    assert!(
        c.store().tenant(first).unwrap().is_none(),
        "not brought back"
    );
    let said = c.store().events(job, 0).unwrap();
    assert!(
        said.iter()
            .any(|e| e.outcome == scaleout_domain::progress::Outcome::Warning
                && e.message.contains("Big One")
                && e.message.contains("left out")
                && e.message.contains(&format!("by job {remove}"))),
        "the log says which tenant was left out and why"
    );
    let names: Vec<String> = c
        .store()
        .tenants()
        .unwrap()
        .into_iter()
        .map(|t| t.tenant.name.as_str().to_string())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}
