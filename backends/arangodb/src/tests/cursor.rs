//! AQL through cursors: paging with hasMore, abandoning, bind variables only.

use axum::http::Method;
use scaleout_domain::port::{BackendError, ClusterBackend, SchemaSpec};
use scaleout_domain::{snapshot_at, Collection, Generator, Naming};
use scaleout_port_suite::tenant;

use super::{connect, loaded};
use crate::fake::{Fake, FaultKind};

#[tokio::test]
async fn results_are_read_across_many_batches() {
    let t = tenant(1, "Pager AB", 1);
    let fake = Fake::cluster().await;
    let mut config = fake.config();
    config.cursor_batch_size = 7;
    let cluster = connect(config).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    scaleout_port_suite::load_tenant(&cluster, &t, Naming::CamelCase).await;

    let report = cluster.validate(std::slice::from_ref(&t)).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.documents_checked, 1095);
    let created = fake.requests(&Method::POST, "/_api/cursor");
    let first: Vec<_> = created
        .iter()
        .filter(|r| r.path.ends_with("/_api/cursor"))
        .collect();
    let next: Vec<_> = created
        .iter()
        .filter(|r| !r.path.ends_with("/_api/cursor"))
        .collect();
    assert!(next.len() > 100, "paged: {} further batches", next.len());
    for r in &first {
        assert_eq!(r.path, "/_db/network_assets/_api/cursor");
        assert_eq!(r.body["batchSize"], 7);
        let bind = r.body["bindVars"].as_object().expect("bind variables");
        let text = r.body["query"].as_str().unwrap();
        if let Some(tenant) = bind.get("tenant") {
            assert_eq!(tenant, t.id.as_str());
            assert!(!text.contains(t.id.as_str()), "{text}");
        }
        let coll = bind["@coll"].as_str().unwrap();
        assert!(!text.contains(coll), "{text}");
    }
    assert!(
        fake.requests(&Method::DELETE, "/_api/cursor").is_empty(),
        "read to the end"
    );
    fake.assert_clean();
}

/// Validates `t`, read 10 documents a batch, with its first next-batch request refused
/// with this status and error: the fake and the validation's error.
async fn next_batch_refused(
    t: scaleout_domain::Tenant,
    status: u16,
    error_num: i64,
    message: &'static str,
) -> (Fake, BackendError) {
    let fake = Fake::cluster().await;
    let mut config = fake.config();
    config.cursor_batch_size = 10;
    let cluster = connect(config).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    scaleout_port_suite::load_tenant(&cluster, &t, Naming::CamelCase).await;
    fake.fault(
        Some(Method::POST),
        "/_api/cursor/",
        1,
        FaultKind::Status(status, error_num, message),
    );
    let err = cluster
        .validate(std::slice::from_ref(&t))
        .await
        .unwrap_err();
    (fake, err)
}

#[tokio::test]
async fn an_abandoned_cursor_is_deleted() {
    let (fake, err) =
        next_batch_refused(tenant(2, "Quitter SA", 1), 500, 4, "internal error").await;
    assert!(
        matches!(err, BackendError::Storage(ref m) if m.contains("internal error")),
        "{err:?}"
    );
    let failed = fake.requests(&Method::POST, "/_api/cursor/");
    let deleted = fake.requests(&Method::DELETE, "/_api/cursor/");
    assert_eq!(deleted.len(), 1);
    assert_eq!(
        deleted[0].path, failed[0].path,
        "the cursor that failed is freed"
    );
    assert!(fake.with(|s| s.cursors.is_empty()));
}

#[tokio::test]
async fn a_cursor_arangodb_lost_is_not_called_a_missing_collection() {
    let (_, err) =
        next_batch_refused(tenant(3, "Expired AG", 1), 404, 1600, "cursor not found").await;
    assert!(
        matches!(err, BackendError::Unavailable(ref m)
            if m.contains("no longer knows this read's cursor") && !m.contains("missing")),
        "{err:?}"
    );
}

#[tokio::test]
async fn counts_removal_and_stored_tenants() {
    let t = tenant(3, "Counted Ltd", 2);
    let other = tenant(4, "Other Ltd", 1);
    let (fake, cluster) = loaded(&t).await;
    scaleout_port_suite::load_tenant(&cluster, &other, Naming::CamelCase).await;
    let counts = cluster.tenant_counts(t.id).await.unwrap();
    for c in Collection::ALL {
        assert_eq!(counts[&c], c.expected_count(t.scale_factor), "{c:?}");
    }
    let stored = cluster.stored_tenants().await.unwrap();
    assert_eq!(stored[&t.id], 2190);
    assert_eq!(stored[&other.id], 1095);

    assert_eq!(cluster.remove_tenant(t.id).await.unwrap(), 2190);
    assert_eq!(
        cluster
            .tenant_counts(t.id)
            .await
            .unwrap()
            .values()
            .sum::<u64>(),
        0
    );
    assert_eq!(
        cluster
            .tenant_counts(other.id)
            .await
            .unwrap()
            .values()
            .sum::<u64>(),
        1095
    );
    // Edges went first.
    let removals: Vec<String> = fake.with(|s| {
        s.requests
            .iter()
            .filter(|r| {
                r.body["query"]
                    .as_str()
                    .is_some_and(|q| q.contains("REMOVE"))
            })
            .map(|r| r.body["bindVars"]["@coll"].as_str().unwrap().to_owned())
            .collect()
    });
    assert_eq!(removals.len(), 11);
    assert!(removals[..4]
        .iter()
        .all(|c| Collection::from_name(c, Naming::CamelCase)
            .unwrap()
            .is_edge()));
    fake.assert_clean();
}

#[tokio::test]
async fn the_point_in_time_view_matches_the_domain_s() {
    let t = tenant(5, "Timeline Oy", 1);
    let (fake, cluster) = loaded(&t).await;
    let docs: Vec<_> = Generator::new(&t, Naming::CamelCase)
        .batches(10_000)
        .flat_map(|b| b.documents)
        .collect();
    for at in [
        t.created_at,
        t.created_at - 7 * 86_400,
        t.created_at - 20 * 86_400,
    ] {
        let ours = cluster.point_in_time(t.id, at).await.unwrap();
        let expected = snapshot_at(&docs, at);
        assert!(!expected.devices.is_empty());
        assert_eq!(ours.in_key_order(), expected.in_key_order(), "at {at}");
    }
    // The versions came through a traversal of the named graph, bound as @graph.
    let traversals = fake.with(|s| {
        s.requests
            .iter()
            .filter(|r| {
                r.body["query"]
                    .as_str()
                    .is_some_and(|q| q.contains("GRAPH @graph"))
            })
            .map(|r| r.body["bindVars"]["graph"].clone())
            .collect::<Vec<_>>()
    });
    assert_eq!(traversals.len(), 6);
    assert!(traversals.iter().all(|g| g == "network_assets"));
    fake.assert_clean();
}

#[tokio::test]
async fn validation_finds_foreign_and_unreadable_tenant_values() {
    let t = tenant(6, "Clean Co", 1);
    let (fake, cluster) = loaded(&t).await;
    let stranger = tenant(7, "Stranger", 1);
    fake.with(|s| {
        s.inject("Location", serde_json::json!({"_key": format!("{}:location0", stranger.id), "tenantId": stranger.id.as_str()}));
        s.inject("Location", serde_json::json!({"_key": "x:location0", "tenantId": 42}));
    });
    let report = cluster.validate(std::slice::from_ref(&t)).await.unwrap();
    assert_eq!(report.unknown_tenants, vec![stranger.id]);
    assert_eq!(report.unreadable_tenant_values, vec!["42".to_owned()]);
    assert_eq!(report.tenants[0].violations, vec![]);
    assert!(!report.is_clean());
}
