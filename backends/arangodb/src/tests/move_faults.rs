//! Moves around ArangoDB's failures as moves.md describes them: answers lost after the
//! agency acted, polls that fail for a while, a user who may start a move but not watch
//! it. A move never drops a job that may still run, and says which job it is.

use std::time::Duration;

use axum::http::Method;
use scaleout_domain::port::{
    BackendError, CancelFlag, ClusterBackend, MoveDeadline, MoveRequest, ReplicaRole, SchemaSpec,
    ShardGroup,
};
use scaleout_domain::Naming;
use scaleout_port_suite::tenant;

use super::connect;
use crate::fake::{Fake, FaultKind};
use crate::ArangoCluster;

const QUERY: &str = "/_admin/cluster/queryAgencyJob";
const CANCEL: &str = "/_admin/cluster/cancelAgencyJob";
const MOVE: &str = "/_admin/cluster/moveShard";

/// A fake cluster with one tenant, and a connection that gives up on an answer after
/// 300 ms (so that a late answer is a lost one).
async fn impatient(seed: u64) -> (Fake, ArangoCluster, ShardGroup) {
    let fake = Fake::cluster().await;
    let mut config = fake.config();
    config.request_timeout = Duration::from_millis(300);
    let cluster = connect(config).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let t = tenant(seed, "Mover", 1);
    scaleout_port_suite::load_tenant(&cluster, &t, Naming::CamelCase).await;
    let index = cluster.tenant_shard_group(t.id).await.unwrap();
    let map = cluster.shard_map().await.unwrap();
    let g = map.groups.into_iter().find(|g| g.index == index).unwrap();
    (fake, cluster, g)
}

/// The group's follower to a server that holds none of it.
fn follower_move(g: &ShardGroup) -> MoveRequest {
    let to = ["DBServer0001", "DBServer0002", "DBServer0003"]
        .into_iter()
        .find(|s| *s != g.leader && !g.followers.iter().any(|f| f == s))
        .unwrap();
    MoveRequest {
        group: g.index,
        from: g.followers[0].clone(),
        to: to.into(),
        role: ReplicaRole::Follower,
    }
}

async fn run(cluster: &ArangoCluster, request: &MoveRequest) -> Result<(), BackendError> {
    cluster
        .move_shard_group(request, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
        .await
        .map(|_| ())
}

fn jobs_of(fake: &Fake) -> Vec<&'static str> {
    fake.with(|s| s.jobs.values().map(|j| j.status).collect())
}

#[tokio::test]
async fn a_user_who_could_not_watch_a_move_starts_none() {
    let (fake, cluster, g) = impatient(31).await;
    fake.with(|s| s.admin = false);
    let err = run(&cluster, &follower_move(&g)).await.unwrap_err();
    assert!(
        matches!(&err, BackendError::Storage(m) if m.contains("need an admin user") && m.contains("no move is started")),
        "{err:?}"
    );
    assert!(fake.requests(&Method::POST, MOVE).is_empty());
    // Made an admin, the same console moves the group.
    fake.with(|s| s.admin = true);
    run(&cluster, &follower_move(&g)).await.unwrap();
    fake.assert_clean();
}

#[tokio::test]
async fn polls_that_fail_for_a_while_do_not_drop_the_job() {
    let (fake, cluster, g) = impatient(32).await;
    fake.with(|s| s.polls_to_finish = 3);
    // Once the user's rights are known: then queryAgencyJob answers 503 ten times, more
    // than the client's own retries (4), as while the agency elects a leader.
    run(&cluster, &follower_move(&g)).await.unwrap();
    let back = MoveRequest {
        from: follower_move(&g).to,
        to: g.followers[0].clone(),
        ..follower_move(&g)
    };
    fake.fault(
        Some(Method::GET),
        QUERY,
        10,
        FaultKind::Status(503, 503, "service unavailable"),
    );
    run(&cluster, &back).await.unwrap();
    assert_eq!(
        fake.requests(&Method::POST, MOVE).len(),
        2,
        "one job a move"
    );
    assert_eq!(jobs_of(&fake), ["Finished", "Finished"]);
    fake.assert_clean();
}

#[tokio::test]
async fn a_job_lost_sight_of_is_named_and_holds_its_group_until_it_ends() {
    let (fake, cluster, g) = impatient(33).await;
    fake.with(|s| s.polls_to_finish = u32::MAX);
    // The rights are checked (one poll of an unknown job), then the job's polls are refused.
    fake.fault(
        Some(Method::GET),
        "queryAgencyJob",
        1,
        FaultKind::Status(404, 1202, "job not found"),
    );
    fake.fault(
        Some(Method::GET),
        "queryAgencyJob",
        1,
        FaultKind::Status(403, 11, "forbidden"),
    );
    let request = follower_move(&g);
    let err = run(&cluster, &request).await.unwrap_err();
    let job = fake.with(|s| s.jobs.keys().next().cloned().unwrap());
    assert!(
        matches!(&err, BackendError::Storage(m)
            if m.contains("lost sight of") && m.contains(&format!("ArangoDB job {job}"))
                && m.contains(&format!("queryAgencyJob?id={job}"))),
        "{err:?}"
    );
    // The job still runs in ArangoDB: no second job for the group.
    let again = run(&cluster, &request).await.unwrap_err();
    assert!(
        matches!(&again, BackendError::Conflict(m) if m.contains(&format!("still being moved by ArangoDB job {job}"))),
        "{again:?}"
    );
    assert_eq!(fake.requests(&Method::POST, MOVE).len(), 1);
    // Once it has ended, the group moves again (from where the job left it).
    fake.with(|s| {
        for j in s.jobs.values_mut() {
            j.status = "Failed";
        }
        s.polls_to_finish = 1;
    });
    run(&cluster, &request).await.unwrap();
    assert_eq!(fake.requests(&Method::POST, MOVE).len(), 2);
}

#[tokio::test]
async fn a_cancel_whose_answer_is_lost_is_asked_again_and_its_end_reported() {
    let (fake, cluster, g) = impatient(34).await;
    fake.with(|s| s.polls_to_finish = u32::MAX);
    // The abort flag is written, but the answer comes after the client gave up.
    fake.fault(
        Some(Method::POST),
        "cancelAgencyJob",
        1,
        FaultKind::LateAnswer(Duration::from_secs(1)),
    );
    let (cancel, canceller) = super::cancel_after(Duration::from_millis(100));
    let err = cluster
        .move_shard_group(&follower_move(&g), &MoveDeadline::NONE, &|_| {}, &cancel)
        .await
        .unwrap_err();
    canceller.await.unwrap();
    // Not "could not be cancelled": ArangoDB ended the job, and the move says how.
    assert!(
        matches!(&err, BackendError::Cancelled(m) if m.contains("Killed via API")),
        "{err:?}"
    );
    assert!(
        fake.requests(&Method::POST, CANCEL).len() >= 2,
        "asked again"
    );
    assert_eq!(jobs_of(&fake), ["Failed"]);
    fake.assert_clean();
}

#[tokio::test]
async fn a_lost_answer_to_a_move_says_the_move_may_run_and_is_not_sent_again() {
    let (fake, cluster, g) = impatient(35).await;
    fake.with(|s| s.polls_to_finish = u32::MAX);
    fake.fault(
        Some(Method::POST),
        "moveShard",
        1,
        FaultKind::LateAnswer(Duration::from_secs(1)),
    );
    let err = run(&cluster, &follower_move(&g)).await.unwrap_err();
    assert!(
        matches!(&err, BackendError::Unavailable(m)
            if m.contains("may have reached ArangoDB all the same") && m.contains("todoMoveShards")),
        "{err:?}"
    );
    // The agency took it: the job exists, once.
    assert_eq!(fake.requests(&Method::POST, MOVE).len(), 1);
    assert_eq!(jobs_of(&fake).len(), 1);
}

#[tokio::test]
async fn a_cancel_refused_for_a_while_is_asked_until_arangodb_takes_it() {
    let (fake, cluster, g) = impatient(36).await;
    fake.with(|s| s.polls_to_finish = u32::MAX);
    // More 503s than the client's own attempts (4): the flag is not written until later.
    fake.fault(
        Some(Method::POST),
        "cancelAgencyJob",
        6,
        FaultKind::Status(503, 503, "service unavailable"),
    );
    let cancel = CancelFlag::new();
    cancel.cancel();
    let err = cluster
        .move_shard_group(&follower_move(&g), &MoveDeadline::NONE, &|_| {}, &cancel)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BackendError::Cancelled(m) if m.contains("Killed via API")),
        "{err:?}"
    );
    assert_eq!(fake.requests(&Method::POST, CANCEL).len(), 7);
    assert_eq!(jobs_of(&fake), ["Failed"]);
    fake.assert_clean();
}

#[tokio::test]
async fn a_leader_switch_right_after_the_copy_that_made_its_follower_waits_for_it() {
    let (fake, cluster, g) = impatient(37).await;
    // The new follower is in Plan at once, in Current a few reads later.
    fake.with(|s| {
        s.polls_to_finish = 2;
        s.sync_lag = 4;
    });
    let copy = follower_move(&g);
    run(&cluster, &copy).await.unwrap();
    let map = cluster.shard_map().await.unwrap();
    let moved = map.groups.iter().find(|x| x.index == g.index).unwrap();
    assert!(!moved.in_sync, "still catching up: {moved:?}");
    // As a plan does: the leader onto the follower just made. ArangoDB holds the job in
    // ToDo until the follower is in sync, then switches.
    let switch = MoveRequest {
        group: g.index,
        from: g.leader.clone(),
        to: copy.to.clone(),
        role: ReplicaRole::Leader,
    };
    run(&cluster, &switch).await.unwrap();
    let after = cluster.shard_map().await.unwrap();
    let group = after.groups.iter().find(|x| x.index == g.index).unwrap();
    assert_eq!(group.leader, copy.to);
    assert!(group.in_sync);
    fake.assert_clean();
}
