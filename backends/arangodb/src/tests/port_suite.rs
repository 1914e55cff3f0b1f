//! The shared port suite against the fake ArangoDB cluster: the adapter meets the same
//! contract as the embedded back end (moves included; adding servers and failures are
//! NotSupported, which the suite accepts).

use async_trait::async_trait;
use scaleout_domain::port::BackendError;
use scaleout_domain::Collection;
use scaleout_port_suite as suite;

use super::connect;
use crate::fake::Fake;
use crate::ArangoCluster;

struct Subject {
    fake: Fake,
    cluster: ArangoCluster,
}

async fn fresh() -> Subject {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    Subject { fake, cluster }
}

#[async_trait]
impl suite::Harness for Subject {
    /// Straight into the fake's storage, past ArangoDB's checks.
    async fn inject_raw(
        &self,
        collection: Collection,
        value: serde_json::Value,
    ) -> Result<bool, BackendError> {
        self.fake.with(|s| s.inject(collection.camel_name(), value));
        Ok(true)
    }
}

#[tokio::test]
async fn schema_is_idempotent() {
    let s = fresh().await;
    suite::schema_is_idempotent(&s.cluster).await;
    s.fake.assert_clean();
}

#[tokio::test]
async fn load_count_remove() {
    let s = fresh().await;
    suite::load_count_remove(&s.cluster).await;
    s.fake.assert_clean();
}

#[tokio::test]
async fn validation_catches_corruption() {
    let s = fresh().await;
    suite::validation_catches_corruption(&s.cluster, &s).await;
    s.fake.assert_clean();
}

#[tokio::test]
async fn group_move_keeps_counts_and_placement() {
    let s = fresh().await;
    suite::group_move_keeps_counts_and_placement(&s.cluster).await;
    s.fake.assert_clean();
}

#[tokio::test]
async fn add_server_then_move_onto_it() {
    let s = fresh().await;
    suite::add_server_then_move_onto_it(&s.cluster).await;
}

#[tokio::test]
async fn failover() {
    let s = fresh().await;
    suite::failover(&s.cluster).await;
}
