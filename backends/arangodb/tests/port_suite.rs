//! The shared port suite against a real ArangoDB, when `ARANGO_URL` is set (a Coordinator
//! or a single server; `ARANGO_USER`, default root, and `ARANGO_PASSWORD`, default empty).
//! Without it every test says it was skipped, and why, and passes.
//!
//! Each test works in a database of its own (`scaleout_suite_<pid>_<n>`), dropped at the
//! end, pass or fail; the suite never touches any other database.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use futures::FutureExt;
use scaleout_arangodb::{ArangoCluster, ArangoConfig};
use scaleout_domain::port::BackendError;
use scaleout_domain::Collection;
use scaleout_port_suite as suite;
use serde_json::Value;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// One test's connection and database.
struct Real {
    cluster: ArangoCluster,
    http: reqwest::Client,
    url: String,
    user: String,
    password: String,
    database: String,
}

impl Real {
    async fn start(test: &str) -> Option<Real> {
        let Ok(url) = std::env::var("ARANGO_URL") else {
            eprintln!(
                "port suite against ArangoDB: {test} SKIPPED because ARANGO_URL is not set. \
                 Start ArangoDB (e.g. docker compose -f deploy/arangodb-cluster/docker-compose.yml up -d) \
                 and run with ARANGO_URL=http://127.0.0.1:8529 (and ARANGO_PASSWORD if root has one)."
            );
            return None;
        };
        let user = std::env::var("ARANGO_USER").unwrap_or_else(|_| "root".into());
        let password = std::env::var("ARANGO_PASSWORD").unwrap_or_default();
        let database = format!(
            "scaleout_suite_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let config = ArangoConfig::new(url.trim_end_matches('/'))
            .with_credentials(user.clone(), password.clone())
            .with_database(database.clone());
        let cluster = ArangoCluster::connect(config)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to ArangoDB at {url}: {e}"));
        eprintln!(
            "port suite against ArangoDB {} ({:?}, {}): {test} in database {database}",
            cluster.server().version,
            cluster.server().mode,
            cluster.server().edition.label()
        );
        Some(Real {
            cluster,
            http: reqwest::Client::new(),
            url: url.trim_end_matches('/').to_owned(),
            user,
            password,
            database,
        })
    }

    /// Drops the test's database, then lets a failure through.
    async fn finish(self, outcome: std::thread::Result<()>) {
        let dropped = self
            .http
            .delete(format!(
                "{}/_db/_system/_api/database/{}",
                self.url, self.database
            ))
            .basic_auth(&self.user, Some(&self.password))
            .send()
            .await;
        if let Err(e) = dropped {
            eprintln!("could not drop test database {}: {e}", self.database);
        }
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }
}

#[async_trait]
impl suite::Harness for Real {
    /// Through the document API, past the adapter's checks; ArangoDB itself refuses what a
    /// Disjoint SmartGraph cannot hold (its 4xxx errors, e.g. 4003 key prefix, 4010
    /// cross-tenant edge; 1221 illegal key), which the suite accepts.
    async fn inject_raw(&self, collection: Collection, value: Value) -> Result<bool, BackendError> {
        let response = self
            .http
            .post(format!(
                "{}/_db/{}/_api/document/{}",
                self.url,
                self.database,
                collection.camel_name()
            ))
            .basic_auth(&self.user, Some(&self.password))
            .json(&value)
            .send()
            .await
            .map_err(|e| BackendError::Storage(e.to_string()))?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(true);
        }
        match body["errorNum"].as_i64() {
            Some(n) if (4000..5000).contains(&n) || n == 1221 => Ok(false),
            _ => Err(BackendError::Storage(format!(
                "inject_raw: {status} {body}"
            ))),
        }
    }
}

macro_rules! suite_test {
    ($name:ident, |$real:ident| $body:expr) => {
        #[tokio::test]
        async fn $name() {
            let Some($real) = Real::start(stringify!($name)).await else {
                return;
            };
            let outcome = AssertUnwindSafe(async { $body.await }).catch_unwind().await;
            $real.finish(outcome).await;
        }
    };
}

suite_test!(schema_is_idempotent, |real| suite::schema_is_idempotent(
    &real.cluster
));
suite_test!(load_count_remove, |real| suite::load_count_remove(
    &real.cluster
));
suite_test!(validation_catches_corruption, |real| {
    suite::validation_catches_corruption(&real.cluster, &real)
});
suite_test!(group_move_keeps_counts_and_placement, |real| async {
    if real.cluster.server().mode == scaleout_domain::port::ClusterMode::Single {
        eprintln!(
            "port suite: group_move_keeps_counts_and_placement SKIPPED: ARANGO_URL is a single \
             server, which has no shards to move; point it at a cluster's Coordinator"
        );
        return;
    }
    suite::group_move_keeps_counts_and_placement(&real.cluster).await
});
suite_test!(add_server_then_move_onto_it, |real| {
    suite::add_server_then_move_onto_it(&real.cluster)
});
suite_test!(failover, |real| suite::failover(&real.cluster));
