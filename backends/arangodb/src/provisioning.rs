//! Creating what is missing of the schema: the database, the Disjoint SmartGraph and its
//! indexes. What exists and matches is accepted; what contradicts the request is reported
//! and left alone (nothing is ever dropped).

use reqwest::Method;
use serde_json::Value;

use scaleout_domain::port::{BackendError, SchemaReport, SchemaSpec};
use scaleout_domain::{network_assets_indexes, Attr, Collection, GRAPH_NAME};

use crate::client::{Call, Retry};
use crate::cluster::{decode, lock, no_graph, ArangoCluster, GraphState};
use crate::config::ArangoConfig;
use crate::error::{codes, ArangoError};
use crate::schema::{self, GraphInfo};

impl ArangoCluster {
    /// Creates what is missing of database, graph and indexes; see the module docs.
    pub(crate) async fn provision(&self, spec: &SchemaSpec) -> Result<SchemaReport, BackendError> {
        schema::check_spec(spec)?;
        self.inner
            .server
            .smart_graphs_available()
            .map_err(|why| ArangoConfig::not_supported("ensure_schema", why))?;
        let mut created = Vec::new();
        if self.ensure_database(spec).await? {
            created.push(format!("database {}", self.database()));
        }
        let info = match self.fetch_graph().await? {
            Some(existing) => existing,
            None => match self.create_graph(spec).await? {
                Some(new) => {
                    created.push(format!(
                        "graph {GRAPH_NAME} (Disjoint SmartGraph on {}, {} shards, replication factor {})",
                        Attr::TenantId.name(spec.naming),
                        spec.number_of_shards,
                        spec.replication_factor
                    ));
                    new
                }
                None => self
                    .fetch_graph()
                    .await?
                    .ok_or_else(|| no_graph(self.database()))?,
            },
        };
        let actual = schema::compare(&info, spec)
            .map_err(|differences| schema::conflict(self.database(), &info, &differences))?;
        let state = self.state_of(&info)?;
        let state = GraphState {
            spec: actual,
            ..state
        };
        *lock(&self.inner.graph) = Some(state);
        self.ensure_indexes(&actual, &mut created).await?;
        if !created.is_empty() {
            tracing::info!(created = ?created, "ArangoDB schema created");
        }
        Ok(SchemaReport {
            spec: actual,
            created,
        })
    }

    /// Creates the database; an existing one is fine (409), as is one the user cannot
    /// create but can use.
    pub(crate) async fn ensure_database(&self, spec: &SchemaSpec) -> Result<bool, BackendError> {
        let call = Call::new(Method::POST, ["_db", "_system", "_api", "database"])
            .json(&schema::database_body(self.database(), spec));
        match self.client().send(call).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_api(409, None) => Ok(false),
            Err(
                e @ (ArangoError::Unauthorized { .. }
                | ArangoError::NoAccess { .. }
                | ArangoError::Api {
                    status: 401 | 403, ..
                }),
            ) => {
                let current = Call::new(
                    Method::GET,
                    self.client().db(&["_api", "database", "current"]),
                );
                match self.client().send(current).await {
                    Ok(_) => Ok(false),
                    Err(_) => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn create_graph(
        &self,
        spec: &SchemaSpec,
    ) -> Result<Option<GraphInfo>, BackendError> {
        // A SmartGraph creates its collections; same-named ones must not exist.
        let list = Call::new(Method::GET, self.client().db(&["_api", "collection"]))
            .query("excludeSystem", "true");
        let v: Value = self.client().json(list).await?;
        let existing =
            schema::parse_collection_names(&v).map_err(decode("GET /_api/collection"))?;
        let clashes: Vec<&str> = Collection::ALL
            .iter()
            .map(|c| c.name(spec.naming))
            .filter(|n| existing.iter().any(|e| e == n))
            .collect();
        if !clashes.is_empty() {
            // Perhaps an earlier creation that timed out on our side, still being finished
            // by ArangoDB (collections first, the graph last): wait for it before calling
            // the collections a conflict.
            if self.graph_appears().await? {
                return Ok(None);
            }
            return Err(BackendError::Conflict(format!(
                "collections {} exist in database {} but the {GRAPH_NAME} graph does not: a SmartGraph \
                 creates its own collections. They are never dropped: remove them yourself or use \
                 another database (--arango-database)",
                clashes.join(", "),
                self.database()
            )));
        }
        let body = schema::graph_body(spec)?;
        let call = Call::new(Method::POST, self.client().db(&["_api", "gharial"])).json(&body);
        match self.client().json::<Value>(call).await {
            // ArangoDB may finish it all the same (23 collections, each waiting for its
            // replicas): wait for the graph rather than leave half of it behind.
            Err(e @ ArangoError::Timeout { .. }) => {
                if self.graph_appears().await? {
                    Ok(None)
                } else {
                    Err(e.into())
                }
            }
            Ok(v) => schema::parse_graph(&v)
                .map(Some)
                .map_err(decode("POST /_api/gharial")),
            // Created meanwhile: by someone else, or by our own first request when a 503
            // came after ArangoDB had begun (the client then sent it again), perhaps still
            // being finished. Wait for it, then compare with it.
            Err(e) if e.error_num() == Some(codes::GRAPH_DUPLICATE) || e.is_api(409, None) => {
                self.graph_appears().await?;
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Reads the graph again for as long as one request may take (the graph is the last
    /// thing a creation writes); true once it is there.
    async fn graph_appears(&self) -> Result<bool, BackendError> {
        let config = &self.inner.config;
        let step = config
            .poll_interval
            .max(std::time::Duration::from_millis(250));
        let deadline = std::time::Instant::now() + config.request_timeout;
        tracing::info!(
            wait_s = config.request_timeout.as_secs(),
            "the graph's collections exist without the graph: waiting for a creation that may still be finishing"
        );
        while std::time::Instant::now() < deadline {
            tokio::time::sleep(step).await;
            if self.fetch_graph().await?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub(crate) async fn ensure_indexes(
        &self,
        spec: &SchemaSpec,
        created: &mut Vec<String>,
    ) -> Result<(), BackendError> {
        for ci in network_assets_indexes(spec.naming) {
            let call = Call::new(Method::POST, self.client().db(&["_api", "index"]))
                .query("collection", ci.collection.as_str())
                .json(&ci.index)
                .retry(Retry::Idempotent);
            let reply = self.client().send(call).await.map_err(|e| match e {
                ArangoError::Api { status: 409, .. } => BackendError::Conflict(format!(
                    "{e}: an index called {} exists on {} with other fields; it is never dropped",
                    ci.index.name, ci.collection
                )),
                other => other.into(),
            })?;
            let v: Value = reply.json()?;
            if schema::index_was_created(reply.status, &v) {
                created.push(format!("index {} on {}", ci.index.name, ci.collection));
            }
        }
        Ok(())
    }
}
