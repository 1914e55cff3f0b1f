//! Shard-group moves through moveShard + queryAgencyJob, cancelling, ArangoDB's own plan,
//! and what the ArangoDB back end cannot do.

use std::sync::Mutex;
use std::time::Duration;

use axum::http::Method;
use scaleout_domain::port::{
    BackendError, CancelFlag, ClusterBackend, MoveDeadline, MovePhase, MoveProgress, MoveRequest,
    ReplicaRole, ShardGroup,
};
use scaleout_port_suite::tenant;

use super::loaded;
use crate::fake::{AbortOutcome, Fake, FaultKind};
use crate::ArangoCluster;

async fn tenant_group(cluster: &ArangoCluster, seed: u64) -> ShardGroup {
    let t = tenant(seed, "Mover", 1);
    let index = cluster.tenant_shard_group(t.id).await.unwrap();
    let map = cluster.shard_map().await.unwrap();
    let g = map
        .groups
        .iter()
        .find(|g| g.index == index)
        .unwrap()
        .clone();
    assert!(g.tenants.contains(&t.id));
    g
}

fn free_server(g: &ShardGroup) -> String {
    ["DBServer0001", "DBServer0002", "DBServer0003"]
        .into_iter()
        .find(|s| *s != g.leader && !g.followers.iter().any(|f| f == s))
        .unwrap()
        .to_owned()
}

async fn check_leader_move(fake: &Fake, cluster: &ArangoCluster, seed: u64) {
    let g = tenant_group(cluster, seed).await;
    let to = free_server(&g);
    let request = MoveRequest {
        group: g.index,
        from: g.leader.clone(),
        to: to.clone(),
        role: ReplicaRole::Leader,
    };
    let seen = Mutex::new(Vec::<MoveProgress>::new());
    let report = cluster
        .move_shard_group(
            &request,
            &MoveDeadline::NONE,
            &|p| seen.lock().unwrap().push(p),
            &CancelFlag::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.bytes, g.bytes);
    assert!(g.bytes > 0);
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first().map(|p| p.bytes_done), Some(0));
    assert_eq!(
        seen.last().map(|p| (p.bytes_done, p.bytes_total)),
        Some((g.bytes, g.bytes))
    );
    let last = seen.last().unwrap();
    assert!(last.phase == MovePhase::Done && !last.estimated);
    assert_eq!(seen[0].phase, MovePhase::Queued);
    assert!(
        seen[..seen.len() - 1]
            .iter()
            .all(|p| (p.estimated || p.bytes_done == 0) && p.bytes_done < p.bytes_total),
        "ArangoDB counts no bytes: estimates only, never the total before Finished: {seen:?}"
    );

    let posts = fake.requests(&Method::POST, "/_admin/cluster/moveShard");
    let body = &posts.last().unwrap().body;
    assert_eq!(posts.last().unwrap().path, "/_admin/cluster/moveShard");
    assert_eq!(body["database"], "network_assets");
    assert_eq!(
        body["collection"], "DeviceProxyOut",
        "the initial collection only"
    );
    assert!(body["fromServer"].as_str().unwrap().starts_with("PRMR-"));
    assert!(body["toServer"].as_str().unwrap().starts_with("PRMR-"));
    assert_eq!(body["remainsFollower"], false, "the old leader leaves");
    let polls = fake.requests(&Method::GET, "/_admin/cluster/queryAgencyJob");
    assert!(polls.len() >= 3, "{}", polls.len());
    assert!(polls.iter().all(|p| p.query.contains_key("id")));

    let after = cluster.shard_map().await.unwrap();
    for c in &after.collections {
        let s = c.shards.iter().find(|s| s.group == g.index).unwrap();
        assert_eq!(s.leader, to, "{} followed", c.name);
    }
    let moved = after.groups.iter().find(|x| x.index == g.index).unwrap();
    assert_eq!((moved.documents, moved.bytes), (g.documents, g.bytes));
}

#[tokio::test]
async fn a_move_polls_its_job_until_finished() {
    let (fake, cluster) = loaded(&tenant(1, "Mover", 1)).await;
    fake.with(|s| s.polls_to_finish = 3);
    check_leader_move(&fake, &cluster, 1).await;
    fake.assert_clean();
}

#[tokio::test]
async fn a_move_refused_with_503_is_not_sent_again() {
    let (fake, cluster) = loaded(&tenant(4, "Mover", 1)).await;
    let g = tenant_group(&cluster, 4).await;
    fake.fault(
        Some(Method::POST),
        "/moveShard",
        1,
        FaultKind::Status(503, 503, "service unavailable"),
    );
    let request = MoveRequest {
        group: g.index,
        from: g.followers[0].clone(),
        to: free_server(&g),
        role: ReplicaRole::Follower,
    };
    let err = cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::Unavailable(_)), "{err:?}");
    // Once: a second moveShard could have been a second agency job for the same shard.
    assert_eq!(fake.requests(&Method::POST, "/moveShard").len(), 1);
}

#[tokio::test]
async fn the_older_nested_job_shape_is_understood() {
    let (fake, cluster) = loaded(&tenant(2, "Mover", 1)).await;
    fake.with(|s| {
        s.polls_to_finish = 3;
        s.nested_job_shape = true;
    });
    check_leader_move(&fake, &cluster, 2).await;
}

#[tokio::test]
async fn a_follower_moves_too() {
    let (fake, cluster) = loaded(&tenant(3, "Mover", 1)).await;
    let g = tenant_group(&cluster, 3).await;
    let to = free_server(&g);
    let request = MoveRequest {
        group: g.index,
        from: g.followers[0].clone(),
        to: to.clone(),
        role: ReplicaRole::Follower,
    };
    cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
        .await
        .unwrap();
    let after = cluster.shard_map().await.unwrap();
    let moved = after.groups.iter().find(|x| x.index == g.index).unwrap();
    assert_eq!(moved.leader, g.leader);
    assert_eq!(moved.followers, vec![to]);
    fake.assert_clean();
}

#[tokio::test]
async fn a_leader_moved_onto_its_follower_switches_roles() {
    let (fake, cluster) = loaded(&tenant(9, "Mover", 1)).await;
    let g = tenant_group(&cluster, 9).await;
    let request = MoveRequest {
        group: g.index,
        from: g.leader.clone(),
        to: g.followers[0].clone(),
        role: ReplicaRole::Leader,
    };
    let report = cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
        .await
        .unwrap();
    assert_eq!(report.bytes, 0, "nothing is copied");
    let body = fake.requests(&Method::POST, "/moveShard")[0].body.clone();
    assert_eq!(
        body["remainsFollower"], true,
        "the old leader stays as a follower"
    );
    let after = cluster.shard_map().await.unwrap();
    let switched = after.groups.iter().find(|x| x.index == g.index).unwrap();
    assert_eq!(
        (&switched.leader, &switched.followers),
        (&g.followers[0], &vec![g.leader.clone()])
    );
    fake.assert_clean();
}

#[tokio::test]
async fn cancelling_aborts_the_job_and_nothing_moves() {
    let (fake, cluster) = loaded(&tenant(4, "Mover", 1)).await;
    let g = tenant_group(&cluster, 4).await;
    let to = free_server(&g);
    let err = cancelled_leader_move(&fake, &cluster, &g, &to)
        .await
        .unwrap_err();
    // Reported once ArangoDB ended the job (the abort flag is acted on later), with its
    // reason and where the group really is.
    assert!(
        matches!(err, BackendError::Cancelled(ref m)
            if m.contains("Killed via API") && m.contains(&format!("led by {}", g.leader))),
        "{err:?}"
    );
    let cancels = fake.requests(&Method::POST, "/_admin/cluster/cancelAgencyJob");
    assert_eq!(cancels.len(), 1);
    assert!(cancels[0].body["id"].is_string());
    assert!(fake.with(|s| s.jobs.values().all(|j| j.status == "Failed")));
    assert_eq!(leader_of(&cluster, &g).await, g.leader);

    // The group is free to move again.
    fake.with(|s| s.polls_to_finish = 1);
    let request = MoveRequest {
        group: g.index,
        from: g.leader.clone(),
        to,
        role: ReplicaRole::Leader,
    };
    cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
        .await
        .unwrap();
}

/// The group's leader as the cluster reports it now.
async fn leader_of(cluster: &ArangoCluster, g: &ShardGroup) -> String {
    let map = cluster.shard_map().await.unwrap();
    map.groups
        .iter()
        .find(|x| x.index == g.index)
        .unwrap()
        .leader
        .clone()
}

/// Starts a leader move that never finishes by itself, cancels it after 100 ms, and
/// returns what the move answered.
async fn cancelled_leader_move(
    fake: &Fake,
    cluster: &ArangoCluster,
    g: &ShardGroup,
    to: &str,
) -> Result<scaleout_domain::port::MoveReport, BackendError> {
    fake.with(|s| s.polls_to_finish = u32::MAX);
    let request = MoveRequest {
        group: g.index,
        from: g.leader.clone(),
        to: to.to_owned(),
        role: ReplicaRole::Leader,
    };
    let (cancel, canceller) = super::cancel_after(Duration::from_millis(100));
    let result = cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &cancel)
        .await;
    canceller.await.unwrap();
    result
}

#[tokio::test]
async fn a_leader_move_aborted_forwards_reports_the_new_leader() {
    let (fake, cluster) = loaded(&tenant(7, "Mover", 1)).await;
    fake.with(|s| s.abort_outcome = AbortOutcome::Forwards);
    let g = tenant_group(&cluster, 7).await;
    let to = free_server(&g);
    let err = cancelled_leader_move(&fake, &cluster, &g, &to)
        .await
        .unwrap_err();
    // Not "it stays on FROM": ArangoDB kept the new leader.
    assert!(
        matches!(err, BackendError::Cancelled(ref m)
            if m.contains("new leader already in place") && m.contains(&format!("led by {to}"))),
        "{err:?}"
    );
    assert_eq!(leader_of(&cluster, &g).await, to);
}

/// A cancelled move that finishes all the same (in its last phase), and a cancel that
/// loses the race with the job's end (412: "no longer pending or to do"), are moves made:
/// not "could not be cancelled and goes on"; how the job ended is what the move reports.
#[tokio::test]
async fn a_cancel_the_move_outran_reports_the_move_made() {
    for (seed, outcome) in [(8, AbortOutcome::Finishes), (9, AbortOutcome::TooLate)] {
        let (fake, cluster) = loaded(&tenant(seed, "Mover", 1)).await;
        fake.with(|s| s.abort_outcome = outcome);
        let g = tenant_group(&cluster, seed).await;
        let to = free_server(&g);
        let report = cancelled_leader_move(&fake, &cluster, &g, &to)
            .await
            .unwrap();
        assert_eq!(report.request.to, to, "{outcome:?}");
        assert_eq!(leader_of(&cluster, &g).await, to, "{outcome:?}");
        assert!(fake.with(|s| s.violations.is_empty()), "{outcome:?}");
    }
}

#[tokio::test]
async fn a_failed_job_is_reported_with_its_reason() {
    let (fake, cluster) = loaded(&tenant(5, "Mover", 1)).await;
    fake.with(|s| s.fail_jobs_with = Some("no in-sync follower"));
    let g = tenant_group(&cluster, 5).await;
    let request = MoveRequest {
        group: g.index,
        from: g.leader.clone(),
        to: free_server(&g),
        role: ReplicaRole::Leader,
    };
    let err = cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, BackendError::Storage(ref m)
            if m.contains("no in-sync follower") && m.contains(&format!("led by {}", g.leader))),
        "{err:?}"
    );
}

#[tokio::test]
async fn impossible_moves_are_refused_before_any_job() {
    let (fake, cluster) = loaded(&tenant(6, "Mover", 1)).await;
    let g = tenant_group(&cluster, 6).await;
    let onto_follower = MoveRequest {
        group: g.index,
        from: g.leader.clone(),
        to: g.followers[0].clone(),
        role: ReplicaRole::Follower,
    };
    let err = cluster
        .move_shard_group(
            &onto_follower,
            &MoveDeadline::NONE,
            &|_| {},
            &CancelFlag::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::Conflict(_)), "{err:?}");
    let no_group = MoveRequest {
        group: 99,
        ..onto_follower.clone()
    };
    let err = cluster
        .move_shard_group(&no_group, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::NotFound(_)), "{err:?}");
    fake.with(|s| s.servers[2].3 = "FAILED");
    let failed = fake.with(|s| s.servers[2].1.clone());
    if failed != g.leader && !g.followers.contains(&failed) {
        let onto_failed = MoveRequest {
            to: failed,
            role: ReplicaRole::Leader,
            ..onto_follower
        };
        let err = cluster
            .move_shard_group(
                &onto_failed,
                &MoveDeadline::NONE,
                &|_| {},
                &CancelFlag::new(),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, BackendError::Conflict(ref m) if m.contains("failed server")),
            "{err:?}"
        );
    }
    assert!(fake.requests(&Method::POST, "/moveShard").is_empty());
}

#[tokio::test]
async fn arangodb_s_own_plan_is_fetched_and_typed() {
    let (fake, cluster) = loaded(&tenant(7, "Planner", 1)).await;
    let plan = cluster.rebalance_plan().await.unwrap();
    assert_eq!(plan.imbalance_before.leader, 8.0);
    assert_eq!(plan.imbalance_after.leader, 1.0);
    assert_eq!(plan.moves.len(), 1);
    let m = &plan.moves[0];
    assert!(
        m.from.starts_with("DBServer") && m.to.starts_with("DBServer"),
        "{m:?}"
    );
    assert!(m.from_id.starts_with("PRMR-"));
    assert_eq!(m.group, Some(0));
    assert_eq!(m.collection.as_deref(), Some("DeviceProxyOut"));
    assert_eq!(m.database, "network_assets");
    assert!(m.is_leader);
    let sent = fake.requests(&Method::POST, "/_admin/cluster/rebalance");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/_admin/cluster/rebalance");
    assert_eq!(sent[0].body, crate::RebalanceOptions::default().body());
    assert!(
        fake.requests(&Method::POST, "/rebalance/execute")
            .is_empty(),
        "compute only"
    );
    fake.assert_clean();
}

#[tokio::test]
async fn what_arangodb_cannot_do_says_what_to_do_instead() {
    let (fake, cluster) = loaded(&tenant(8, "Grower", 1)).await;
    let before = fake.with(|s| s.requests.len());
    let reason = |r: Result<(), BackendError>| match r {
        Err(BackendError::NotSupported { reason, .. }) => reason,
        other => panic!("{other:?}"),
    };
    let add = reason(cluster.add_db_servers(1).await.map(|_| ()));
    assert!(
        add.contains("start a new DB server") && add.contains("what-if"),
        "{add}"
    );
    assert!(reason(cluster.remove_db_server("DBServer0003").await).contains("move"));
    assert!(reason(cluster.fail_server("DBServer0001").await).contains("stop"));
    assert!(reason(cluster.restore_server("DBServer0001").await).contains("start"));
    assert_eq!(fake.with(|s| s.requests.len()), before, "nothing sent");
}

fn deadline(start_ms: u64, finish_ms: u64) -> MoveDeadline {
    MoveDeadline {
        start_within: std::time::Duration::from_millis(start_ms),
        finish_within: std::time::Duration::from_millis(finish_ms),
        expected_rate: None,
    }
}

#[tokio::test]
async fn a_move_arangodb_never_starts_is_cancelled_at_its_deadline_and_named() {
    let (fake, cluster) = loaded(&tenant(21, "Stuck", 1)).await;
    // The target is locked by another job: the job stays ToDo for ever.
    fake.with(|s| s.stuck_in_todo = true);
    let g = tenant_group(&cluster, 21).await;
    let to = free_server(&g);
    let request = MoveRequest {
        group: g.index,
        from: g.leader.clone(),
        to: to.clone(),
        role: ReplicaRole::Leader,
    };
    let phases = Mutex::new(Vec::new());
    let err = cluster
        .move_shard_group(
            &request,
            &deadline(150, 60_000),
            &|p| phases.lock().unwrap().push(p.phase),
            &CancelFlag::new(),
        )
        .await
        .unwrap_err();
    let BackendError::TimedOut(message) = &err else {
        panic!("{err:?}")
    };
    for part in [
        &format!("shard group {}", g.index),
        &g.leader,
        &to,
        "ArangoDB job",
        "ToDo (not started)",
        "had not started it within --move-timeout",
        "cancelled",
        "Killed via API",
        &format!("led by {}", g.leader),
    ] {
        assert!(message.contains(part), "{part:?} missing from {message}");
    }
    assert!(phases
        .into_inner()
        .unwrap()
        .iter()
        .all(|p| *p == MovePhase::Queued));
    assert_eq!(
        fake.requests(&Method::POST, "/_admin/cluster/cancelAgencyJob")
            .len(),
        1
    );
    // The slot was held until the job ended, and is free again.
    fake.with(|s| s.stuck_in_todo = false);
    cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
        .await
        .unwrap();
    fake.assert_clean();
}

#[tokio::test]
async fn a_move_that_runs_past_its_limit_is_stopped_with_estimated_progress_until_then() {
    let (fake, cluster) = loaded(&tenant(22, "Slow", 1)).await;
    fake.with(|s| s.polls_to_finish = u32::MAX);
    let g = tenant_group(&cluster, 22).await;
    let request = MoveRequest {
        group: g.index,
        from: g.followers[0].clone(),
        to: free_server(&g),
        role: ReplicaRole::Follower,
    };
    let seen = Mutex::new(Vec::<MoveProgress>::new());
    let err = cluster
        .move_shard_group(
            &request,
            &MoveDeadline {
                expected_rate: Some(1000.0),
                ..deadline(100, 400)
            },
            &|p| seen.lock().unwrap().push(p),
            &CancelFlag::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BackendError::TimedOut(m) if m.contains("Pending (running)") && m.contains("had not ended within its limit") && m.contains("cancelled")),
        "{err:?}"
    );
    let seen = seen.into_inner().unwrap();
    let copying: Vec<_> = seen
        .iter()
        .filter(|p| p.phase == MovePhase::Copying)
        .collect();
    assert!(
        !copying.is_empty() && copying.iter().all(|p| p.estimated),
        "{seen:?}"
    );
    assert!(copying
        .windows(2)
        .all(|w| w[0].bytes_done <= w[1].bytes_done));
    assert!(
        copying.last().unwrap().bytes_done > 0,
        "1,000 bytes a second were expected"
    );
    fake.assert_clean();
}
