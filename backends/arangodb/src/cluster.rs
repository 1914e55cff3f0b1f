//! The connection to ArangoDB: connecting (auth, version, role, edition), what it found,
//! and the graph and servers every operation starts from. The port's operations are in
//! `backend.rs`; creating the schema in `provisioning.rs`; reading the shard layout in
//! `layout.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::Value;
use tokio::sync::Semaphore;

use scaleout_domain::port::{BackendError, ClusterMode, SchemaSpec, ServerInfo, ShardMap};
use scaleout_domain::{TenantId, GRAPH_NAME};

use crate::client::{Call, Client, Retry};
use crate::config::ArangoConfig;
use crate::error::ArangoError;
use crate::rebalance::{self, RebalanceOptions, RebalancePlan};
use crate::schema::{self, GraphInfo};
use crate::topology::{self, Edition, Role, ServerDescription};

/// The graph as the adapter needs it: its spec and the collection the others follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphState {
    pub(crate) spec: SchemaSpec,
    pub(crate) initial: String,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: ArangoConfig,
    pub(crate) client: Client,
    pub(crate) server: ServerDescription,
    /// Cached once read: the graph is never changed or dropped by the console.
    pub(crate) graph: Mutex<Option<GraphState>>,
    /// Tenant -> shard of the initial collection; stable for the graph's lifetime (moves
    /// change where a shard lives, not which shard a tenant is in).
    pub(crate) tenant_shards: Mutex<HashMap<TenantId, String>>,
    /// Import requests in flight, across all loads.
    pub(crate) imports: Semaphore,
    /// Shard groups with a move under way from this console.
    pub(crate) moving: scaleout_domain::port::MoveSlots,
    /// Whether the user may follow moves, and the jobs lost sight of.
    pub(crate) jobs: crate::moves::JobBook,
    /// The last weighing of every tenant (a full read), for a short while.
    pub(crate) weights: crate::weights::WeightsCache,
}

/// A connection to ArangoDB implementing the cluster port. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ArangoCluster {
    pub(crate) inner: Arc<Inner>,
}

/// An answer that does not have the documented shape.
pub(crate) fn decode(what: &str) -> impl Fn(String) -> BackendError + '_ {
    move |m| BackendError::Storage(format!("unexpected answer from ArangoDB to {what}: {m}"))
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn no_graph(database: &str) -> BackendError {
    BackendError::Conflict(format!(
        "the {GRAPH_NAME} SmartGraph does not exist yet in database {database}: ensure the schema first (adding a tenant does)"
    ))
}

impl ArangoCluster {
    /// Connects: authenticates, then reads version, role and edition. Fails when the URL
    /// is not a Coordinator or single server, or the credentials are refused. Missing
    /// SmartGraph support is only logged here (the console can still show the servers);
    /// `ensure_schema` refuses with what to do.
    pub async fn connect(config: ArangoConfig) -> Result<ArangoCluster, BackendError> {
        let client = Client::new(&config)?;
        let version: Value = client
            .json(Call::new(Method::GET, ["_api", "version"]).query("details", "true"))
            .await?;
        let version = topology::parse_version(&version).map_err(decode("GET /_api/version"))?;
        let role: Value = client
            .json(Call::new(Method::GET, ["_admin", "server", "role"]))
            .await?;
        let role = topology::parse_role(&role).map_err(BackendError::Invalid)?;
        let edition = match client
            .json::<Value>(Call::new(Method::GET, ["_admin", "license"]))
            .await
        {
            Ok(v) => match topology::parse_license(&v) {
                Edition::Unknown => topology::edition_from_version(&version),
                e => e,
            },
            Err(e @ ArangoError::Api { .. }) => {
                tracing::debug!(error = %e, "no /_admin/license; the edition comes from /_api/version");
                topology::edition_from_version(&version)
            }
            Err(e) => return Err(e.into()),
        };
        let single_server_id = if role == Role::Single {
            match client
                .json::<Value>(Call::new(Method::GET, ["_admin", "status"]))
                .await
            {
                Ok(v) => topology::parse_status_server_id(&v),
                Err(e) => {
                    tracing::debug!(error = %e, "no server id from /_admin/status");
                    None
                }
            }
        } else {
            None
        };
        let server = ServerDescription {
            version: version.version,
            mode: match role {
                Role::Single => ClusterMode::Single,
                Role::Coordinator => ClusterMode::Cluster,
            },
            edition,
            single_server_id,
        };
        if let Err(why) = server.smart_graphs_available() {
            tracing::warn!("{why}");
        }
        tracing::info!(
            location = %config.location(),
            version = %server.version,
            mode = ?server.mode,
            edition = server.edition.label(),
            "connected to ArangoDB"
        );
        let imports = Semaphore::new(config.max_in_flight_imports);
        Ok(ArangoCluster {
            inner: Arc::new(Inner {
                config,
                client,
                server,
                graph: Mutex::new(None),
                tenant_shards: Mutex::new(HashMap::new()),
                imports,
                moving: Default::default(),
                jobs: Default::default(),
                weights: crate::weights::WeightsCache::new(crate::weights::FRESH_FOR),
            }),
        })
    }

    /// Version, mode and edition found when connecting.
    pub fn server(&self) -> &ServerDescription {
        &self.inner.server
    }

    pub fn config(&self) -> &ArangoConfig {
        &self.inner.config
    }

    /// Where the data lives, without credentials.
    pub fn location(&self) -> String {
        self.inner.config.location()
    }

    /// ArangoDB's own rebalancing plan with the documented default options (compute only:
    /// nothing moves).
    pub async fn rebalance_plan(&self) -> Result<RebalancePlan, BackendError> {
        self.rebalance_plan_with(&RebalanceOptions::default()).await
    }

    /// ArangoDB's own rebalancing plan (compute only), servers by short name and shards of
    /// the graph with their collection and shard group.
    pub async fn rebalance_plan_with(
        &self,
        options: &RebalanceOptions,
    ) -> Result<RebalancePlan, BackendError> {
        self.require_cluster("rebalance_plan")?;
        let call = Call::new(Method::POST, ["_admin", "cluster", "rebalance"])
            .json(&options.body())
            .retry(Retry::Idempotent);
        let v: Value = self.client().json(call).await?;
        let (map, servers) = match self.graph().await? {
            Some(g) => self.cluster_map(&g).await?,
            None => (ShardMap::default(), self.health().await?),
        };
        rebalance::parse_plan(&v, &servers, &map).map_err(decode("POST /_admin/cluster/rebalance"))
    }

    pub(crate) fn client(&self) -> &Client {
        &self.inner.client
    }

    pub(crate) fn database(&self) -> &str {
        &self.inner.config.database
    }

    pub(crate) fn is_single(&self) -> bool {
        self.inner.server.mode == ClusterMode::Single
    }

    pub(crate) fn require_cluster(&self, operation: &'static str) -> Result<(), BackendError> {
        if self.is_single() {
            return Err(ArangoConfig::not_supported(
                operation,
                "a single ArangoDB server has no shards to move or balance: connect the console to a cluster's Coordinator",
            ));
        }
        Ok(())
    }

    pub(crate) async fn fetch_graph(&self) -> Result<Option<GraphInfo>, BackendError> {
        let call = Call::new(
            Method::GET,
            self.client().db(&["_api", "gharial", GRAPH_NAME]),
        );
        match self.client().json::<Value>(call).await {
            Ok(v) => schema::parse_graph(&v)
                .map(Some)
                .map_err(decode("GET /_api/gharial")),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn state_of(&self, info: &GraphInfo) -> Result<GraphState, BackendError> {
        let naming = info.naming().ok_or_else(|| {
            BackendError::Conflict(format!(
                "the {GRAPH_NAME} graph in database {} is not the console's (its smart attribute is {}). \
                 It is never dropped: use another database (--arango-database)",
                self.database(),
                info.smart_graph_attribute.as_deref().unwrap_or("missing")
            ))
        })?;
        let initial = info.initial_collection().ok_or_else(|| {
            BackendError::Storage(format!("the {GRAPH_NAME} graph has no collections"))
        })?;
        Ok(GraphState {
            spec: SchemaSpec {
                naming,
                number_of_shards: info.number_of_shards.unwrap_or(1),
                replication_factor: info.replication_factor.unwrap_or(1),
            },
            initial,
        })
    }

    /// The graph, read once; `None` while the database or the graph does not exist.
    pub(crate) async fn graph(&self) -> Result<Option<GraphState>, BackendError> {
        if let Some(g) = lock(&self.inner.graph).clone() {
            return Ok(Some(g));
        }
        let Some(info) = self.fetch_graph().await? else {
            return Ok(None);
        };
        let state = self.state_of(&info)?;
        *lock(&self.inner.graph) = Some(state.clone());
        Ok(Some(state))
    }

    pub(crate) async fn require_graph(&self) -> Result<GraphState, BackendError> {
        self.graph().await?.ok_or_else(|| no_graph(self.database()))
    }

    pub(crate) async fn health(&self) -> Result<Vec<ServerInfo>, BackendError> {
        if self.is_single() {
            return Ok(vec![topology::single_server(
                self.inner.server.single_server_id.as_deref(),
            )]);
        }
        let v: Value = self
            .client()
            .json(Call::new(Method::GET, ["_admin", "cluster", "health"]))
            .await?;
        topology::parse_health(&v).map_err(decode("GET /_admin/cluster/health"))
    }
}
