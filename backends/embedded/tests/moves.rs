//! Moves and failures as users see them: service goes on during a move, a
//! cancelled move leaves the group where it was, replication factor 1 means a
//! failed server takes its tenants offline until it is back.

use std::sync::Arc;
use std::time::Duration;

use scaleout_domain::port::{
    BackendError, CancelFlag, ClusterBackend, MoveDeadline, MoveRequest, ReplicaRole, SchemaSpec,
};
use scaleout_domain::{Collection, Generator, Naming};
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};
use scaleout_port_suite::{load_tenant, tenant};

fn slow_cluster(dir: &std::path::Path) -> EmbeddedCluster {
    let mut config = EmbeddedConfig::in_dir(dir);
    config.move_rate_bytes_per_sec = 200_000; // ~2 s for one s=1 tenant's group
    config.move_overhead = Duration::from_millis(200);
    EmbeddedCluster::open(config).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_and_writes_go_on_while_the_group_moves() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = Arc::new(slow_cluster(dir.path()));
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let t = tenant(5, "Busy Corp", 1);
    load_tenant(cluster.as_ref(), &t, Naming::CamelCase).await;
    let map = cluster.shard_map().await.unwrap();
    let group = map
        .groups
        .iter()
        .find(|g| g.tenants.contains(&t.id))
        .unwrap()
        .clone();
    let to = ["DBServer0001", "DBServer0002", "DBServer0003"]
        .into_iter()
        .find(|s| *s != group.leader && !group.followers.iter().any(|f| f == s))
        .unwrap()
        .to_string();
    let request = MoveRequest {
        group: group.index,
        from: group.leader.clone(),
        to: to.clone(),
        role: ReplicaRole::Leader,
    };

    let mover = {
        let cluster = cluster.clone();
        tokio::spawn(async move {
            cluster
                .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &CancelFlag::new())
                .await
        })
    };
    // While it copies: reads answer, a new tenant in the same group can be written.
    let mut reads = 0;
    let mut neighbour = None;
    for seed in 1000.. {
        let candidate = tenant(seed, "Neighbour Ltd", 1);
        if cluster.tenant_shard_group(candidate.id).await.unwrap() == group.index {
            neighbour = Some(candidate);
            break;
        }
    }
    let neighbour = neighbour.unwrap();
    while !mover.is_finished() {
        let counts = cluster
            .tenant_counts(t.id)
            .await
            .expect("reads during the move");
        assert_eq!(counts.values().sum::<u64>(), 1095);
        reads += 1;
        if reads == 3 {
            assert_eq!(
                load_tenant(cluster.as_ref(), &neighbour, Naming::CamelCase).await,
                1095,
                "writes during the move"
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    mover.await.unwrap().expect("the move finishes");
    assert!(
        reads >= 10,
        "the move took a while and reads went on: {reads}"
    );
    let after = cluster.shard_map().await.unwrap();
    let g = after
        .groups
        .iter()
        .find(|g| g.index == group.index)
        .unwrap();
    assert_eq!(g.leader, to);
    assert!(
        g.tenants.contains(&neighbour.id),
        "the tenant written mid-move moved with its group"
    );
}

#[tokio::test]
async fn a_cancelled_move_leaves_the_group_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = slow_cluster(dir.path());
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let t = tenant(6, "Stay Put GmbH", 1);
    load_tenant(&cluster, &t, Naming::CamelCase).await;
    let group = cluster.tenant_shard_group(t.id).await.unwrap();
    let before = cluster.shard_map().await.unwrap().groups[group as usize].clone();
    let to = ["DBServer0001", "DBServer0002", "DBServer0003"]
        .into_iter()
        .find(|s| *s != before.leader && !before.followers.iter().any(|f| f == s))
        .unwrap();
    let cancel = CancelFlag::new();
    let c2 = cancel.clone();
    let request = MoveRequest {
        group,
        from: before.leader.clone(),
        to: to.into(),
        role: ReplicaRole::Leader,
    };
    let err = cluster
        .move_shard_group(
            &request,
            &MoveDeadline::NONE,
            &|p| {
                if p.bytes_done > 0 {
                    c2.cancel()
                }
            },
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::Cancelled(_)), "{err:?}");
    let after = cluster.shard_map().await.unwrap().groups[group as usize].clone();
    assert_eq!(after.leader, before.leader);
    // The group's move slot was released: a new move starts (and is cancelled
    // at once) rather than being refused as already running.
    let stopped = CancelFlag::new();
    stopped.cancel();
    let again = cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &stopped)
        .await
        .unwrap_err();
    assert!(matches!(again, BackendError::Cancelled(_)), "{again:?}");
}

#[tokio::test]
async fn replication_factor_one_makes_a_failed_servers_tenants_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let cluster =
        EmbeddedCluster::open(EmbeddedConfig::in_dir(dir.path()).instant_moves()).unwrap();
    cluster
        .ensure_schema(&SchemaSpec {
            replication_factor: 1,
            ..SchemaSpec::default()
        })
        .await
        .unwrap();
    let t = tenant(8, "Fragile Co", 1);
    load_tenant(&cluster, &t, Naming::CamelCase).await;
    let group = cluster.tenant_shard_group(t.id).await.unwrap();
    let leader = cluster.shard_map().await.unwrap().groups[group as usize]
        .leader
        .clone();
    cluster.fail_server(&leader).await.unwrap();

    let map = cluster.shard_map().await.unwrap();
    assert!(!map.groups[group as usize].available);
    let err = cluster.tenant_counts(t.id).await.unwrap_err();
    assert!(
        matches!(err, BackendError::Unavailable(ref m) if m.contains(&leader)),
        "{err:?}"
    );
    let batch: Vec<_> = Generator::new(&t, Naming::CamelCase)
        .documents(Collection::Location)
        .collect();
    assert!(matches!(
        cluster.load_batch(t.id, &batch).await,
        Err(BackendError::Unavailable(_))
    ));

    cluster.restore_server(&leader).await.unwrap();
    assert_eq!(
        cluster
            .tenant_counts(t.id)
            .await
            .unwrap()
            .values()
            .sum::<u64>(),
        1095
    );
}

#[tokio::test]
async fn the_first_start_is_a_three_server_cluster_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let cluster = EmbeddedCluster::open(EmbeddedConfig::in_dir(dir.path())).unwrap();
        let o = cluster.overview().await.unwrap();
        let names: Vec<&str> = o.servers.iter().map(|s| s.short_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "DBServer0001",
                "DBServer0002",
                "DBServer0003",
                "Coordinator0001",
                "Agent0001",
                "Agent0002",
                "Agent0003"
            ]
        );
        cluster.add_db_servers(2).await.unwrap();
    }
    let reopened = EmbeddedCluster::open(EmbeddedConfig::in_dir(dir.path())).unwrap();
    assert_eq!(reopened.overview().await.unwrap().db_servers().count(), 5);
    assert!(dir.path().join("scaleout.db").is_file());
}
