//! Tests against a fake ArangoDB (an axum server on 127.0.0.1:0) and against the recorded
//! exchanges with a real ArangoDB 3.12.

mod client;
mod cursor;
mod loading;
mod move_faults;
mod moves;
mod port_suite;
mod recorded;
mod schema;
mod single;
mod weights;

use scaleout_domain::port::{ClusterBackend, SchemaSpec};
use scaleout_domain::{Naming, Tenant};

use crate::fake::Fake;
use crate::{ArangoCluster, ArangoConfig};

async fn connect(config: ArangoConfig) -> ArangoCluster {
    ArangoCluster::connect(config)
        .await
        .expect("connect to the fake")
}

/// A fake cluster with the schema in place and the tenant loaded.
async fn loaded(tenant: &Tenant) -> (Fake, ArangoCluster) {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    scaleout_port_suite::load_tenant(&cluster, tenant, Naming::CamelCase).await;
    (fake, cluster)
}

/// A cancel flag that is set `after` from now, as a person pressing Cancel; await the
/// handle once the move has answered.
fn cancel_after(
    after: std::time::Duration,
) -> (
    scaleout_domain::port::CancelFlag,
    tokio::task::JoinHandle<()>,
) {
    let cancel = scaleout_domain::port::CancelFlag::new();
    let canceller = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            cancel.cancel();
        })
    };
    (cancel, canceller)
}
