//! A single server: one server, one shard group, no moves.

use axum::http::Method;
use scaleout_domain::port::{
    BackendError, CancelFlag, ClusterBackend, ClusterMode, MoveDeadline, MoveRequest, ReplicaRole,
    SchemaSpec, ServerRole,
};
use scaleout_domain::Naming;
use scaleout_port_suite::tenant;

use super::connect;
use crate::fake::{Fake, Mode};

#[tokio::test]
async fn a_single_server_is_one_server_and_one_group() {
    let fake = Fake::start(Mode::Single).await;
    let cluster = connect(fake.config()).await;
    assert_eq!(cluster.server().mode, ClusterMode::Single);
    let overview = cluster.overview().await.unwrap();
    assert_eq!(overview.mode, ClusterMode::Single);
    assert_eq!(overview.servers.len(), 1);
    assert_eq!(overview.servers[0].role, ServerRole::Single);
    assert_eq!(overview.servers[0].short_name, "Single");
    assert_eq!(overview.servers[0].id, "SNGL-fake-1");
    assert!(fake
        .requests(&Method::GET, "/_admin/cluster/health")
        .is_empty());

    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let t = tenant(1, "Solo Ltd", 1);
    assert_eq!(
        scaleout_port_suite::load_tenant(&cluster, &t, Naming::CamelCase).await,
        1095
    );
    let map = cluster.shard_map().await.unwrap();
    assert_eq!(map.groups.len(), 1);
    assert_eq!(map.groups[0].documents, 1095);
    assert_eq!(map.groups[0].tenants, vec![t.id]);
    assert_eq!(map.collections.len(), 11);
    assert!(map
        .collections
        .iter()
        .all(|c| c.shards.len() == 1 && c.shards[0].leader == "Single"));
    assert_eq!(cluster.tenant_shard_group(t.id).await.unwrap(), 0);
    assert!(fake.requests(&Method::GET, "/shardDistribution").is_empty());

    let err = cluster
        .move_shard_group(
            &MoveRequest {
                group: 0,
                from: "Single".into(),
                to: "x".into(),
                role: ReplicaRole::Leader,
            },
            &MoveDeadline::NONE,
            &|_| {},
            &CancelFlag::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, BackendError::NotSupported { ref reason, .. } if reason.contains("Coordinator")),
        "{err:?}"
    );
    assert!(matches!(
        cluster.rebalance_plan().await,
        Err(BackendError::NotSupported { .. })
    ));
    let report = cluster.validate(std::slice::from_ref(&t)).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    fake.assert_clean();
}
