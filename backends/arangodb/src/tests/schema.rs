//! The database, the Disjoint SmartGraph and its indexes: created once, accepted when they
//! match, reported (never dropped) when they do not.

use axum::http::Method;
use scaleout_domain::port::{BackendError, ClusterBackend, SchemaSpec};
use scaleout_domain::Naming;

use super::connect;
use crate::fake::{Coll, Fake, FaultKind};

#[tokio::test]
async fn created_once_then_accepted_then_conflict_never_dropped() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    assert_eq!(
        cluster.shard_map().await.unwrap(),
        Default::default(),
        "empty before the schema"
    );
    assert!(cluster.stored_tenants().await.unwrap().is_empty());

    let spec = SchemaSpec::default();
    let first = cluster.ensure_schema(&spec).await.unwrap();
    assert_eq!(first.spec, spec);
    assert_eq!(first.created[0], "database network_assets");
    assert!(
        first.created[1].starts_with("graph network_assets"),
        "{:?}",
        first.created
    );
    assert_eq!(
        first
            .created
            .iter()
            .filter(|c| c.starts_with("index "))
            .count(),
        11
    );

    let posts = fake.requests(&Method::POST, "/_api/gharial");
    assert_eq!(posts.len(), 1);
    let body = &posts[0].body;
    assert_eq!(posts[0].path, "/_db/network_assets/_api/gharial");
    assert_eq!(body["name"], "network_assets");
    assert_eq!(body["isSmart"], true);
    assert_eq!(body["options"]["isDisjoint"], true);
    assert_eq!(body["options"]["smartGraphAttribute"], "tenantId");
    assert_eq!(body["options"]["numberOfShards"], 12);
    assert_eq!(body["options"]["replicationFactor"], 2);
    let db = fake.requests(&Method::POST, "/_api/database");
    assert_eq!(db[0].path, "/_db/_system/_api/database");
    assert_eq!(db[0].body["name"], "network_assets");

    let second = cluster.ensure_schema(&spec).await.unwrap();
    assert!(second.created.is_empty(), "{:?}", second.created);
    assert_eq!(second.spec, spec);
    assert_eq!(fake.requests(&Method::POST, "/_api/gharial").len(), 1);

    for conflicting in [
        SchemaSpec {
            naming: Naming::SnakeCase,
            ..spec
        },
        SchemaSpec {
            number_of_shards: 24,
            ..spec
        },
        SchemaSpec {
            replication_factor: 3,
            ..spec
        },
    ] {
        let err = cluster.ensure_schema(&conflicting).await.unwrap_err();
        assert!(
            matches!(err, BackendError::Conflict(ref m) if m.contains("never dropped")),
            "{err:?}"
        );
    }
    assert!(fake.with(|s| s.graph.is_some()));
    assert!(
        fake.with(|s| s.requests.iter().all(|r| r.method != Method::DELETE)),
        "nothing was ever dropped"
    );
    let map = cluster.shard_map().await.unwrap();
    assert_eq!(map.number_of_shards, 12);
    assert_eq!(map.replication_factor, 2);
    assert_eq!(map.collections.len(), 11);
    assert_eq!(map.groups.len(), 12);
    fake.assert_clean();
}

#[tokio::test]
async fn an_existing_graph_is_read_by_a_new_connection() {
    let fake = Fake::cluster().await;
    let spec = SchemaSpec {
        naming: Naming::SnakeCase,
        number_of_shards: 6,
        replication_factor: 3,
    };
    connect(fake.config())
        .await
        .ensure_schema(&spec)
        .await
        .unwrap();
    let posts = fake.requests(&Method::POST, "/_api/gharial");
    assert_eq!(
        posts[0].body["options"]["replicationFactor"], 3,
        "from the spec"
    );
    assert_eq!(posts[0].body["options"]["smartGraphAttribute"], "tenant_id");

    let again = connect(fake.config()).await;
    let map = again.shard_map().await.unwrap();
    assert_eq!((map.number_of_shards, map.replication_factor), (6, 3));
    assert!(map.collections.iter().any(|c| c.name == "device_proxy_out"));
    assert!(map.groups.iter().all(|g| g.followers.len() == 2));
    let report = again.ensure_schema(&spec).await.unwrap();
    assert!(report.created.is_empty());
}

#[tokio::test]
async fn a_graph_still_being_created_is_waited_for_not_called_a_conflict() {
    // An earlier ensure_schema timed out while ArangoDB went on creating the graph: its
    // collections exist, and the graph itself appears a moment later.
    let fake = Fake::cluster().await;
    let first = connect(fake.config()).await;
    first.ensure_schema(&SchemaSpec::default()).await.unwrap();
    fake.with(|s| {
        let graph = s.graph.take().unwrap();
        s.late_graph = Some((graph, 3));
    });
    let cluster = connect(fake.config()).await;
    let report = cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    assert!(
        !report.created.iter().any(|c| c.starts_with("graph")),
        "{report:?}"
    );
    // Nothing was created twice.
    assert_eq!(fake.requests(&Method::POST, "/_api/gharial").len(), 1);
}

#[tokio::test]
async fn a_creation_answered_503_after_it_began_is_waited_for() {
    // The Coordinator began creating the graph, then answered 503; the client sent it
    // again and heard "duplicate name" while the graph was still being finished.
    let fake = Fake::cluster().await;
    fake.fault(
        Some(Method::POST),
        "/_api/gharial",
        1,
        FaultKind::ActThen(503, 1457, "timeout in cluster operation"),
    );
    fake.with(|s| s.graph_lag = 3);
    let cluster = connect(fake.config()).await;
    let report = cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    assert_eq!(report.spec, SchemaSpec::default());
    assert_eq!(fake.requests(&Method::POST, "/_api/gharial").len(), 2);
    fake.assert_clean();
}

#[tokio::test]
async fn collections_in_the_way_are_reported_not_dropped() {
    let fake = Fake::cluster().await;
    fake.with(|s| {
        s.databases.insert("network_assets".into());
        s.collections.insert("Device".into(), Coll::default());
    });
    let cluster = connect(fake.config()).await;
    let err = cluster
        .ensure_schema(&SchemaSpec::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, BackendError::Conflict(ref m) if m.contains("Device") && m.contains("never dropped")),
        "{err:?}"
    );
    assert!(fake.requests(&Method::POST, "/_api/gharial").is_empty());
}

#[tokio::test]
async fn an_old_community_edition_is_told_what_to_do() {
    let fake = Fake::cluster().await;
    fake.with(|s| {
        s.version = "3.12.4".into();
        s.license = serde_json::json!({"license": "none"});
    });
    let cluster = connect(fake.config()).await;
    assert_eq!(cluster.server().edition.label(), "community");
    cluster
        .overview()
        .await
        .expect("the servers can still be shown");
    let err = cluster
        .ensure_schema(&SchemaSpec::default())
        .await
        .unwrap_err();
    match err {
        BackendError::NotSupported { reason, .. } => {
            assert!(
                reason.contains("3.12.5") && reason.contains("enterprise"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(fake.requests(&Method::POST, "/_api/database").is_empty());
}

#[tokio::test]
async fn invalid_specs_are_refused_before_any_request() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    let before = fake.with(|s| s.requests.len());
    for spec in [
        SchemaSpec {
            number_of_shards: 0,
            ..Default::default()
        },
        SchemaSpec {
            replication_factor: 11,
            ..Default::default()
        },
    ] {
        assert!(matches!(
            cluster.ensure_schema(&spec).await,
            Err(BackendError::Invalid(_))
        ));
    }
    assert_eq!(fake.with(|s| s.requests.len()), before);
}
