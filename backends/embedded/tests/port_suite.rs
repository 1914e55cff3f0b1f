//! The shared port suite, run against the embedded back end.

use async_trait::async_trait;
use scaleout_domain::port::{BackendError, ClusterBackend};
use scaleout_domain::Collection;
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};
use scaleout_port_suite as suite;

struct Embedded {
    cluster: EmbeddedCluster,
    _dir: tempfile::TempDir,
}

fn fresh() -> Embedded {
    let dir = tempfile::tempdir().unwrap();
    let cluster =
        EmbeddedCluster::open(EmbeddedConfig::in_dir(dir.path()).instant_moves()).unwrap();
    Embedded { cluster, _dir: dir }
}

#[async_trait]
impl suite::Harness for Embedded {
    async fn inject_raw(
        &self,
        collection: Collection,
        value: serde_json::Value,
    ) -> Result<bool, BackendError> {
        self.cluster
            .inject_raw(collection, value)
            .await
            .map(|()| true)
    }
}

#[tokio::test]
async fn schema_is_idempotent() {
    suite::schema_is_idempotent(&fresh().cluster).await;
}

#[tokio::test]
async fn load_count_remove() {
    suite::load_count_remove(&fresh().cluster).await;
}

#[tokio::test]
async fn validation_catches_corruption() {
    let e = fresh();
    suite::validation_catches_corruption(&e.cluster, &e).await;
}

#[tokio::test]
async fn group_move_keeps_counts_and_placement() {
    suite::group_move_keeps_counts_and_placement(&fresh().cluster).await;
}

#[tokio::test]
async fn add_server_then_move_onto_it() {
    suite::add_server_then_move_onto_it(&fresh().cluster).await;
}

#[tokio::test]
async fn failover() {
    suite::failover(&fresh().cluster).await;
}

#[tokio::test]
async fn the_embedded_store_refuses_what_arangodb_refuses() {
    let e = fresh();
    let b: &dyn ClusterBackend = &e.cluster;
    b.ensure_schema(&Default::default()).await.unwrap();
    let a = suite::tenant(1, "Alpha", 1);
    let z = suite::tenant(2, "Zeta", 1);
    let mut batch: Vec<_> = scaleout_domain::Generator::new(&a, Default::default())
        .documents(Collection::Location)
        .collect();
    // A document of another tenant slipped into a's batch: nothing is stored.
    batch[1].key = format!("{}:location1", z.id);
    let err = b.load_batch(a.id, &batch).await.unwrap_err();
    assert!(
        matches!(err, BackendError::Invalid(ref m) if m.contains("nothing was stored")),
        "{err:?}"
    );
    assert_eq!(
        b.tenant_counts(a.id).await.unwrap()[&Collection::Location],
        0
    );
}

#[tokio::test]
async fn point_in_time_matches_the_domain() {
    suite::point_in_time_matches_the_domain(&fresh().cluster).await;
}
