//! `ClusterBackend` for a real ArangoDB: each port operation as the HTTP calls and AQL
//! queries it takes. Works against a cluster Coordinator and against a single server (one
//! server, one shard group; moves not possible).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Instant;

use async_trait::async_trait;
use futures::future::{join_all, try_join_all};
use reqwest::Method;
use serde_json::Value;

use scaleout_domain::console::BackendKind;
use scaleout_domain::port::{
    BackendError, CancelFlag, ClusterBackend, ClusterOverview, LoadReport, MoveDeadline,
    MoveProgress, MoveReport, MoveRequest, ProgressFn, SchemaReport, SchemaSpec, ServerInfo,
    ShardMap, TenantCounts, TenantValidation, ValidationReport,
};
use scaleout_domain::tenant_weight::Stored;
use scaleout_domain::{
    Collection, Document, PointInTime, Snapshot, Tenant, TenantId, Validator, GRAPH_NAME,
};

use crate::aql::{self, Query};
use crate::client::{Call, Retry};
use crate::cluster::{decode, ArangoCluster, GraphState};
use crate::config::ArangoConfig;
use crate::import::{self, Outcome};
use crate::queries;
use crate::shards;

impl ArangoCluster {
    /// Where a shard group is now, read back from the cluster, in words.
    async fn placement_now(&self, g: &crate::cluster::GraphState, group: u32) -> String {
        match self.cluster_map(g).await {
            Ok((map, _)) => match map.groups.iter().find(|x| x.index == group) {
                Some(x) if x.followers.is_empty() => {
                    format!("the group is now led by {}", x.leader)
                }
                Some(x) => format!(
                    "the group is now led by {}, followed by {}",
                    x.leader,
                    x.followers.join(", ")
                ),
                None => format!("shard group {group} is no longer in the shard map"),
            },
            Err(e) => format!("where the group is now could not be read back ({e})"),
        }
    }

    pub(crate) async fn import_chunk(
        &self,
        naming: scaleout_domain::Naming,
        chunk: import::Chunk,
    ) -> Outcome {
        let _permit = self
            .inner
            .imports
            .acquire()
            .await
            .expect("the import semaphore is never closed");
        let collection = chunk.collection;
        let call = Call::new(Method::POST, self.client().db(&["_api", "import"]))
            .query("collection", collection.name(naming))
            .query("type", "list")
            .query("onDuplicate", "ignore")
            .query("details", "true")
            .raw_json(chunk.body)
            // onDuplicate=ignore: a repeated request stores nothing twice.
            .retry(Retry::Idempotent);
        match self.client().json::<Value>(call).await {
            Ok(v) => match import::parse_import(&v) {
                Ok(reply) => Outcome::Answered(collection, reply),
                Err(m) => Outcome::Failed(collection, decode("POST /_api/import")(m)),
            },
            Err(e) => Outcome::Failed(collection, e.into()),
        }
    }

    pub(crate) async fn tenant_documents(
        &self,
        g: &GraphState,
        query: Query,
        mut f: impl FnMut(Value),
    ) -> Result<(), BackendError> {
        aql::for_each_batch(
            self.client(),
            &query,
            self.inner.config.cursor_batch_size,
            Retry::Idempotent,
            |batch| {
                batch.into_iter().for_each(&mut f);
                Ok(())
            },
        )
        .await
        .map_err(|e| match e {
            BackendError::NotFound(m) => BackendError::Storage(format!(
                "a collection of the {GRAPH_NAME} graph ({} names) is missing: {m}",
                g.spec.naming
            )),
            other => other,
        })
    }
}

#[async_trait]
impl ClusterBackend for ArangoCluster {
    fn kind(&self) -> BackendKind {
        BackendKind::Arangodb
    }

    async fn overview(&self) -> Result<ClusterOverview, BackendError> {
        Ok(ClusterOverview {
            backend: BackendKind::Arangodb,
            mode: self.inner.server.mode,
            version: self.inner.server.version.clone(),
            edition: self.inner.server.edition.label().to_owned(),
            servers: self.health().await?,
        })
    }

    async fn shard_map(&self) -> Result<ShardMap, BackendError> {
        let Some(g) = self.graph().await? else {
            return Ok(ShardMap::default());
        };
        if self.is_single() {
            self.single_map(&g).await
        } else {
            Ok(self.cluster_map(&g).await?.0)
        }
    }

    async fn ensure_schema(&self, spec: &SchemaSpec) -> Result<SchemaReport, BackendError> {
        self.provision(spec).await
    }

    async fn load_batch(
        &self,
        tenant: TenantId,
        batch: &[Document],
    ) -> Result<LoadReport, BackendError> {
        let g = self.require_graph().await?;
        import::check_batch(&g.spec, tenant, batch)?;
        if batch.is_empty() {
            return Ok(LoadReport::default());
        }
        let chunks = import::chunks(batch, self.inner.config.batch_bytes);
        let outcomes = join_all(
            chunks
                .into_iter()
                .map(|chunk| self.import_chunk(g.spec.naming, chunk)),
        )
        .await;
        // Written (in whole or in part): the next weighing reads again.
        self.inner.weights.forget();
        let report = import::summarize(tenant, batch.len(), outcomes)?;
        tracing::debug!(%tenant, created = report.created, ignored = report.ignored, "batch loaded");
        Ok(report)
    }

    async fn tenant_counts(&self, tenant: TenantId) -> Result<TenantCounts, BackendError> {
        let g = self.require_graph().await?;
        let batch = self.inner.config.cursor_batch_size;
        let counts = try_join_all(Collection::ALL.iter().map(|&c| {
            let q = queries::count_tenant(g.spec.naming, c, tenant);
            async move {
                let rows = aql::collect(self.client(), &q, batch, Retry::Idempotent).await?;
                let n = rows.first().and_then(Value::as_u64).unwrap_or(0);
                Ok::<_, BackendError>((c, n))
            }
        }))
        .await?;
        Ok(counts.into_iter().collect())
    }

    async fn stored_tenants(&self) -> Result<BTreeMap<TenantId, u64>, BackendError> {
        match self.graph().await? {
            Some(g) => self.tenant_totals(&g).await,
            None => Ok(BTreeMap::new()),
        }
    }

    async fn tenant_weights(&self) -> Result<BTreeMap<TenantId, Stored>, BackendError> {
        // A full read: shared by the pages that ask together, kept for a short while.
        self.inner
            .weights
            .get(|| async {
                match self.graph().await? {
                    Some(g) => self.weigh_tenants(&g).await,
                    None => Ok(BTreeMap::new()),
                }
            })
            .await
    }

    async fn remove_tenant(&self, tenant: TenantId) -> Result<u64, BackendError> {
        let g = self.require_graph().await?;
        let mut removed = 0;
        // Edges first: an interrupted removal leaves no edge pointing at a removed vertex.
        for c in Collection::EDGES.into_iter().chain(Collection::VERTICES) {
            let q = queries::remove_tenant(g.spec.naming, c, tenant);
            let rows = aql::collect(self.client(), &q, 1, Retry::UnsentOnly).await?;
            removed += rows.first().and_then(Value::as_u64).unwrap_or(0);
            self.inner.weights.forget();
        }
        tracing::info!(%tenant, removed, "tenant removed");
        Ok(removed)
    }

    async fn validate(&self, tenants: &[Tenant]) -> Result<ValidationReport, BackendError> {
        let mut report = ValidationReport::default();
        // No SmartGraph and no tenant: nothing is stored, nothing breaks isolation.
        let g = match self.graph().await? {
            Some(g) => g,
            None if tenants.is_empty() => return Ok(report),
            None => self.require_graph().await?,
        };
        for tenant in tenants {
            let mut validator = Validator::new(tenant.id, tenant.scale_factor, g.spec.naming);
            for c in Collection::ALL {
                let q = queries::tenant_documents(g.spec.naming, c, tenant.id);
                self.tenant_documents(&g, q, |v| validator.feed_json(c, &v))
                    .await?;
            }
            let documents = validator.documents_seen();
            report.documents_checked += documents;
            report.tenants.push(TenantValidation {
                tenant: tenant.id,
                documents,
                violations: validator.finish(),
            });
        }
        // Data of tenants nobody registered breaks isolation too.
        let known: BTreeSet<TenantId> = tenants.iter().map(|t| t.id).collect();
        for (text, (id, _)) in self.tenant_values(&g).await? {
            match id {
                Some(id) if known.contains(&id) => {}
                Some(id) => report.unknown_tenants.push(id),
                None => report.unreadable_tenant_values.push(text),
            }
        }
        Ok(report)
    }

    async fn point_in_time(&self, tenant: TenantId, t: i64) -> Result<Snapshot, BackendError> {
        let g = self.require_graph().await?;
        let naming = g.spec.naming;
        let mut view = PointInTime::new(t);
        let mut problems = 0usize;
        let mut seen_versions: HashSet<(Collection, String)> = HashSet::new();
        for proxies in [Collection::DeviceProxyIn, Collection::SoftwareProxyIn] {
            let q = queries::versions_at(naming, proxies, tenant, t);
            self.tenant_documents(&g, q, |row| {
                let edge = row
                    .get("edge")
                    .map(|e| Document::from_json(Collection::HasVersion, naming, e));
                let vertex = row
                    .get("collection")
                    .and_then(Value::as_str)
                    .and_then(|name| Collection::from_name(name, naming))
                    .zip(row.get("vertex"))
                    .map(|(c, v)| Document::from_json(c, naming, v));
                match (edge, vertex) {
                    (Some(Ok(e)), Some(Ok(v))) => {
                        view.feed(&e);
                        if seen_versions.insert((v.collection, v.key.clone())) {
                            view.feed(&v);
                        }
                    }
                    _ => problems += 1,
                }
            })
            .await?;
        }
        for c in [
            Collection::Location,
            Collection::HasConnection,
            Collection::HasLocation,
            Collection::HasDeviceSoftware,
        ] {
            let q = queries::valid_at(naming, c, tenant, t);
            self.tenant_documents(&g, q, |v| match Document::from_json(c, naming, &v) {
                Ok(doc) => view.feed(&doc),
                Err(_) => problems += 1,
            })
            .await?;
        }
        if problems > 0 {
            tracing::warn!(%tenant, problems, "documents skipped in the point-in-time view: run validate");
        }
        Ok(view.finish())
    }

    async fn tenant_shard_group(&self, tenant: TenantId) -> Result<u32, BackendError> {
        let g = self.require_graph().await?;
        if self.is_single() {
            return Ok(0);
        }
        let order = shards::sorted_shards(self.initial_shards(&g).await?.keys());
        self.group_of(&g, tenant, &order).await
    }

    async fn move_shard_group(
        &self,
        request: &MoveRequest,
        deadline: &MoveDeadline,
        progress: ProgressFn<'_>,
        cancel: &CancelFlag,
    ) -> Result<MoveReport, BackendError> {
        self.require_cluster("move_shard_group")?;
        let g = self.require_graph().await?;
        let (map, servers) = self.cluster_map(&g).await?;
        let group = map
            .groups
            .iter()
            .find(|x| x.index == request.group)
            .ok_or_else(|| {
                BackendError::NotFound(format!(
                    "there is no shard group {}: the graph has {}",
                    request.group,
                    map.groups.len()
                ))
            })?;
        let checked = crate::moves::check_move(group, request, &servers)?;
        let shard = map
            .collections
            .iter()
            .find(|c| c.name == g.initial)
            .and_then(|c| c.shards.iter().find(|s| s.group == request.group))
            .map(|s| s.id.clone())
            .ok_or_else(|| {
                BackendError::NotFound(format!(
                    "{} has no shard in group {}",
                    g.initial, request.group
                ))
            })?;
        // A leader switch copies nothing: the new leader is an in-sync follower.
        let bytes = if checked.leader_switch {
            0
        } else {
            group.bytes
        };
        let _slot = self.inner.moving.claim(request.group)?;
        self.inner
            .jobs
            .clear_to_move(self.client(), request.group)
            .await?;
        let started = Instant::now();
        let body = crate::moves::move_body(self.database(), &g.initial, &shard, &checked);
        let what = crate::moves::describe_move(request);
        let job = crate::moves::start(self.client(), &body, &what).await?;
        tracing::info!(group = request.group, %shard, from = %request.from, to = %request.to, job, "moveShard started");
        progress(MoveProgress {
            bytes_done: 0,
            bytes_total: bytes,
            phase: scaleout_domain::port::MovePhase::Queued,
            estimated: false,
        });
        let watch = crate::moves::Watch {
            request,
            job: &job,
            bytes,
            leader_switch: checked.leader_switch,
            deadline,
            started,
            poll: self.inner.config.poll_interval,
        };
        let ended = crate::moves::wait(self.client(), &watch, progress, cancel).await;
        let what = crate::moves::describe(request, &job);
        match ended {
            crate::moves::Ended::Finished => {}
            crate::moves::Ended::Lost(e) => {
                self.inner.jobs.lost_sight(request.group, &job);
                return Err(e);
            }
            crate::moves::Ended::Failed { reason, cancelled } => {
                // Where the group really is now: a leader move aborted forwards ends Failed
                // with the new leader in place.
                let now = self.placement_now(&g, request.group).await;
                let why = reason.unwrap_or_else(|| "ArangoDB gave no reason".into());
                return Err(if cancelled {
                    BackendError::Cancelled(format!(
                        "{what} was stopped: ArangoDB ended the job as Failed ({why}); {now}"
                    ))
                } else {
                    BackendError::Storage(format!("{what} failed: {why}; {now}"))
                });
            }
            crate::moves::Ended::TimedOut {
                status,
                after,
                done,
                still_running,
            } => {
                if still_running {
                    self.inner.jobs.lost_sight(request.group, &job);
                }
                let now = self.placement_now(&g, request.group).await;
                return Err(BackendError::TimedOut(format!(
                    "{what} was still {} after {} s: {done}; {now}",
                    crate::moves::status_label(&status),
                    after.as_secs()
                )));
            }
        }
        progress(MoveProgress::done(bytes));
        tracing::info!(group = request.group, job, "shard group moved");
        Ok(MoveReport {
            request: request.clone(),
            bytes,
            millis: started.elapsed().as_millis() as u64,
        })
    }

    async fn add_db_servers(&self, _count: u32) -> Result<Vec<ServerInfo>, BackendError> {
        Err(ArangoConfig::not_supported(
            "add_db_servers",
            "ArangoDB's API cannot start servers: start a new DB server process (arangod with \
             --cluster.my-role DBSERVER and the agency endpoints, as in deploy/arangodb-cluster) and \
             it joins the cluster empty; until then, use what-if planning to plan for it",
        ))
    }

    async fn remove_db_server(&self, _server: &str) -> Result<(), BackendError> {
        Err(ArangoConfig::not_supported(
            "remove_db_server",
            "the console does not stop ArangoDB servers: move the server's shard groups away \
             (or drain it with ArangoDB's cleanOutServer), then stop its process and remove it \
             in ArangoDB's web interface",
        ))
    }

    async fn fail_server(&self, _server: &str) -> Result<(), BackendError> {
        Err(ArangoConfig::not_supported(
            "fail_server",
            "the console does not make real servers fail: stop a DB server's process to see its \
             leaders fail over (the servers and shards pages show it), or use what-if planning",
        ))
    }

    async fn restore_server(&self, _server: &str) -> Result<(), BackendError> {
        Err(ArangoConfig::not_supported(
            "restore_server",
            "start the DB server's process again: it rejoins the cluster and its replicas resynchronise",
        ))
    }
}
