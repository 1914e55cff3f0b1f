//! `ClusterBackend` for the embedded store: each call runs its SQLite work on a
//! blocking thread, so the async server never stalls on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use async_trait::async_trait;
use scaleout_domain::console::BackendKind;
use scaleout_domain::port::{
    shard_index_for, BackendError, CancelFlag, ClusterBackend, ClusterMode, ClusterOverview,
    CollectionShards, GroupTally, LoadReport, MoveDeadline, MoveReport, MoveRequest, MoveSlots,
    ProgressFn, SchemaReport, SchemaSpec, ServerHealth, ServerInfo, ServerRole, ShardGroup,
    ShardInfo, ShardMap, TenantCounts, TenantValidation, ValidationReport,
};
use scaleout_domain::tenant_weight::Stored;
use scaleout_domain::{
    network_assets_indexes, Collection, Document, PointInTime, Snapshot, Tenant, TenantId,
    Validator,
};

use crate::config::EmbeddedConfig;
use crate::documents::{self, Stat};
use crate::placement::{self, Placement};
use crate::store::Store;
use crate::{moves, topology};

/// Shard ids look like ArangoDB's: `s<number>`, distinct across collections.
const SHARD_ID_BASE: u64 = 100_000;

/// The simulated cluster. Cheap to clone; clones share the store.
#[derive(Debug, Clone)]
pub struct EmbeddedCluster {
    store: Arc<Store>,
    config: EmbeddedConfig,
    /// Shard groups with a move under way: one move per group at a time.
    moving: MoveSlots,
}

impl EmbeddedCluster {
    /// Opens (or creates) the store; a new store starts with 3 DB servers,
    /// 1 coordinator and 3 agents.
    pub fn open(config: EmbeddedConfig) -> Result<Self, BackendError> {
        let store = Store::open(&config.path)?;
        store.write(|tx| topology::ensure_initial_servers(tx))?;
        Ok(EmbeddedCluster {
            store: Arc::new(store),
            config,
            moving: MoveSlots::default(),
        })
    }

    pub fn config(&self) -> &EmbeddedConfig {
        &self.config
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, BackendError> + Send + 'static,
    ) -> Result<T, BackendError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| BackendError::Storage(format!("a storage task failed: {e}")))?
    }

    /// Test support: stores one raw JSON document, bypassing every check, to
    /// simulate data that got in by another way. Never used by the console.
    pub async fn inject_raw(
        &self,
        collection: Collection,
        value: serde_json::Value,
    ) -> Result<(), BackendError> {
        self.blocking(move |store| {
            store.write(|tx| {
                let spec = topology::require_schema(tx)?;
                let tenant_attr = value
                    .get(scaleout_domain::Attr::TenantId.name(spec.naming))
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string();
                let key = value
                    .get("_key")
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| BackendError::Invalid("a raw document needs a _key".into()))?
                    .to_string();
                documents::insert_raw(tx, &spec, collection, &tenant_attr, &key, &value)
            })
        })
        .await
    }
}

/// The healthy set, for placement rules.
fn health_lookup(servers: &[ServerInfo]) -> impl Fn(&str) -> bool + '_ {
    move |name| {
        servers
            .iter()
            .any(|s| s.short_name == name && s.health == ServerHealth::Good)
    }
}

/// Refuses to touch a tenant whose shard group has no serving replica.
fn require_available(
    conn: &rusqlite::Connection,
    spec: &SchemaSpec,
    tenant: TenantId,
) -> Result<(), BackendError> {
    let group = shard_index_for(tenant, spec.number_of_shards);
    let p = placement::load(conn, group)?;
    let servers = topology::list_servers(conn)?;
    if p.available(health_lookup(&servers)) {
        Ok(())
    } else {
        Err(BackendError::Unavailable(format!(
            "tenant {tenant} is in shard group {group}, whose servers ({}) have failed with no in-sync replica left: restore {}",
            std::iter::once(&p.leader).chain(&p.followers).cloned().collect::<Vec<_>>().join(", "),
            p.leader
        )))
    }
}

fn shard_id(c: Collection, group: u32) -> String {
    format!(
        "s{}",
        SHARD_ID_BASE + c.index() as u64 * 1000 + u64::from(group)
    )
}

fn build_shard_map(
    spec: &SchemaSpec,
    placements: &[Placement],
    servers: &[ServerInfo],
    stats: &[(String, Collection, Stat)],
) -> ShardMap {
    let healthy = health_lookup(servers);
    let n = spec.number_of_shards;
    // (collection, group) -> totals; group -> tenants.
    let mut per_shard: BTreeMap<(Collection, u32), Stat> = BTreeMap::new();
    let mut tenants: BTreeMap<u32, BTreeSet<TenantId>> = BTreeMap::new();
    for (tenant, c, stat) in stats {
        let parsed = TenantId::parse(tenant).ok();
        let group = parsed.map(|t| shard_index_for(t, n)).unwrap_or(0);
        let e = per_shard.entry((*c, group)).or_default();
        e.docs += stat.docs;
        e.bytes += stat.bytes;
        if let Some(t) = parsed {
            tenants.entry(group).or_default().insert(t);
        }
    }
    let collections = Collection::ALL
        .iter()
        .map(|&c| CollectionShards {
            name: c.name(spec.naming).to_string(),
            shards: placements
                .iter()
                .map(|p| {
                    let stat = per_shard.get(&(c, p.group)).copied().unwrap_or_default();
                    ShardInfo {
                        id: shard_id(c, p.group),
                        group: p.group,
                        leader: p.leader.clone(),
                        followers: p.followers.clone(),
                        documents: stat.docs,
                        bytes: stat.bytes,
                        in_sync: p.in_sync(&healthy),
                        available: p.available(&healthy),
                    }
                })
                .collect(),
        })
        .collect();
    let groups = placements
        .iter()
        .map(|p| {
            let (docs, bytes) = Collection::ALL.iter().fold((0, 0), |(d, b), &c| {
                let s = per_shard.get(&(c, p.group)).copied().unwrap_or_default();
                (d + s.docs, b + s.bytes)
            });
            ShardGroup {
                index: p.group,
                leader: p.leader.clone(),
                followers: p.followers.clone(),
                documents: docs,
                bytes,
                tenants: tenants
                    .remove(&p.group)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
                in_sync: p.in_sync(&healthy),
                available: p.available(&healthy),
            }
        })
        .collect();
    ShardMap {
        number_of_shards: n,
        replication_factor: spec.replication_factor,
        collections,
        groups,
    }
}

#[async_trait]
impl ClusterBackend for EmbeddedCluster {
    fn kind(&self) -> BackendKind {
        BackendKind::Embedded
    }

    async fn overview(&self) -> Result<ClusterOverview, BackendError> {
        let servers = self.blocking(|s| s.read(topology::list_servers)).await?;
        Ok(ClusterOverview {
            backend: BackendKind::Embedded,
            mode: ClusterMode::Cluster,
            version: format!("3.12 (simulated by scaleout {})", env!("CARGO_PKG_VERSION")),
            edition: "simulated".into(),
            servers,
        })
    }

    async fn shard_map(&self) -> Result<ShardMap, BackendError> {
        self.blocking(|store| {
            store.read(|conn| {
                let Some(spec) = topology::read_schema(conn)? else {
                    return Ok(ShardMap::default());
                };
                let placements = placement::load_all(conn)?;
                let servers = topology::list_servers(conn)?;
                let stats = documents::all_stats(conn)?;
                Ok(build_shard_map(&spec, &placements, &servers, &stats))
            })
        })
        .await
    }

    async fn ensure_schema(&self, spec: &SchemaSpec) -> Result<SchemaReport, BackendError> {
        spec.check()?;
        let spec = *spec;
        self.blocking(move |store| {
            store.write(|tx| {
                if let Some(existing) = topology::read_schema(tx)? {
                    if existing == spec {
                        return Ok(SchemaReport { spec: existing, created: Vec::new() });
                    }
                    return Err(BackendError::Conflict(format!(
                        "the network_assets graph already exists with {} names, {} shards and replication factor {}; \
                         it is never dropped: use those settings (requested {} names, {} shards, replication factor {})",
                        existing.naming,
                        existing.number_of_shards,
                        existing.replication_factor,
                        spec.naming,
                        spec.number_of_shards,
                        spec.replication_factor
                    )));
                }
                let servers = topology::list_servers(tx)?;
                let db_servers: Vec<String> = servers
                    .iter()
                    .filter(|s| s.role == ServerRole::DbServer && s.health == ServerHealth::Good)
                    .map(|s| s.short_name.clone())
                    .collect();
                let placements = placement::initial(spec.number_of_shards, spec.replication_factor, &db_servers)?;
                let mut created = vec!["database network_assets".to_string()];
                for (i, c) in Collection::ALL.iter().enumerate() {
                    let name = c.name(spec.naming);
                    tx.execute(
                        "INSERT INTO collections (coll, name, shard_base) VALUES (?1, ?2, ?3)",
                        rusqlite::params![i as i64, name, (SHARD_ID_BASE + i as u64 * 1000) as i64],
                    )
                    .map_err(crate::store::storage)?;
                    created.push(format!("collection {name}"));
                }
                for p in &placements {
                    placement::save(tx, p)?;
                }
                created.push(format!(
                    "graph network_assets (disjoint, {} shards, replication factor {})",
                    spec.number_of_shards, spec.replication_factor
                ));
                for ci in network_assets_indexes(spec.naming) {
                    let coll = Collection::from_name(&ci.collection, spec.naming)
                        .map(|c| c.index() as i64)
                        .unwrap_or(-1);
                    tx.execute(
                        "INSERT INTO indexes (coll, fields) VALUES (?1, ?2)",
                        rusqlite::params![coll, ci.index.fields.join(",")],
                    )
                    .map_err(crate::store::storage)?;
                    created.push(format!("index {} on {}", ci.index.name, ci.collection));
                }
                topology::write_schema(tx, &spec)?;
                Ok(SchemaReport { spec, created })
            })
        })
        .await
    }

    async fn load_batch(
        &self,
        tenant: TenantId,
        batch: &[Document],
    ) -> Result<LoadReport, BackendError> {
        let batch = batch.to_vec();
        self.blocking(move |store| {
            store.write(|tx| {
                let spec = topology::require_schema(tx)?;
                scaleout_domain::port::check_write(&spec, tenant, &batch)?;
                require_available(tx, &spec, tenant)?;
                documents::insert_batch(tx, &spec, tenant, &batch)
            })
        })
        .await
    }

    async fn tenant_counts(&self, tenant: TenantId) -> Result<TenantCounts, BackendError> {
        self.blocking(move |store| {
            store.read(|conn| {
                let spec = topology::require_schema(conn)?;
                require_available(conn, &spec, tenant)?;
                Ok(documents::tenant_stats(conn, tenant)?
                    .into_iter()
                    .map(|(c, s)| (c, s.docs))
                    .collect())
            })
        })
        .await
    }

    async fn stored_tenants(&self) -> Result<BTreeMap<TenantId, u64>, BackendError> {
        self.blocking(|store| {
            store.read(|conn| {
                let mut out = BTreeMap::new();
                for (tenant, _, stat) in documents::all_stats(conn)? {
                    if let Ok(t) = TenantId::parse(&tenant) {
                        *out.entry(t).or_insert(0) += stat.docs;
                    }
                }
                Ok(out)
            })
        })
        .await
    }

    async fn tenant_weights(&self) -> Result<BTreeMap<TenantId, Stored>, BackendError> {
        self.blocking(|store| {
            store.read(|conn| {
                let mut out: BTreeMap<TenantId, Stored> = BTreeMap::new();
                for (tenant, _, stat) in documents::all_stats(conn)? {
                    if let Ok(t) = TenantId::parse(&tenant) {
                        let w = out.entry(t).or_default();
                        w.documents += stat.docs;
                        w.bytes += stat.bytes;
                    }
                }
                Ok(out)
            })
        })
        .await
    }

    async fn remove_tenant(&self, tenant: TenantId) -> Result<u64, BackendError> {
        self.blocking(move |store| {
            store.write(|tx| {
                let spec = topology::require_schema(tx)?;
                require_available(tx, &spec, tenant)?;
                documents::remove_tenant(tx, tenant.as_str())
            })
        })
        .await
    }

    async fn validate(&self, tenants: &[Tenant]) -> Result<ValidationReport, BackendError> {
        let tenants = tenants.to_vec();
        self.blocking(move |store| {
            store.read(|conn| {
                let mut report = ValidationReport::default();
                // No SmartGraph and no tenant: nothing is stored, nothing breaks isolation.
                let spec = match topology::read_schema(conn)? {
                    Some(spec) => spec,
                    None if tenants.is_empty() => return Ok(report),
                    None => topology::require_schema(conn)?,
                };
                let known: BTreeSet<String> =
                    tenants.iter().map(|t| t.id.as_str().to_string()).collect();
                for tenant in &tenants {
                    require_available(conn, &spec, tenant.id)?;
                    let mut validator = Validator::new(tenant.id, tenant.scale_factor, spec.naming);
                    let mut unreadable = Vec::new();
                    documents::for_each_json(
                        conn,
                        tenant.id.as_str(),
                        &Collection::ALL,
                        |c, json| match json {
                            Ok(value) => validator.feed_json(c, &value),
                            Err(message) => unreadable.push(message),
                        },
                    )?;
                    let documents = validator.documents_seen();
                    report.documents_checked += documents;
                    let mut violations = validator.finish();
                    violations.extend(unreadable.into_iter().map(|m| {
                        scaleout_domain::Violation::new(
                            m.split(':').next().unwrap_or("").to_string(),
                            scaleout_domain::Rule::Malformed,
                            m,
                        )
                    }));
                    report.tenants.push(TenantValidation {
                        tenant: tenant.id,
                        documents,
                        violations,
                    });
                }
                // Data whose tenant attribute names no registered tenant breaks isolation too.
                let mut strangers = BTreeSet::new();
                for (tenant, _, _) in documents::all_stats(conn)? {
                    if !known.contains(&tenant) {
                        strangers.insert(tenant);
                    }
                }
                report.unknown_tenants = strangers
                    .iter()
                    .filter_map(|t| TenantId::parse(t).ok())
                    .collect();
                report.unreadable_tenant_values = strangers
                    .into_iter()
                    .filter(|t| TenantId::parse(t).is_err())
                    .collect();
                Ok(report)
            })
        })
        .await
    }

    async fn point_in_time(&self, tenant: TenantId, t: i64) -> Result<Snapshot, BackendError> {
        self.blocking(move |store| {
            store.read(|conn| {
                let spec = topology::require_schema(conn)?;
                require_available(conn, &spec, tenant)?;
                let mut view = PointInTime::new(t);
                let mut problems = 0usize;
                // Most documents are versions valid at another time: skip them unparsed.
                documents::for_each_body(conn, tenant.as_str(), &Collection::ALL, |c, _, body| {
                    if !documents::may_be_valid_at(body, t) {
                        return;
                    }
                    let parsed = serde_json::from_str(body).map_err(|_| ());
                    match parsed.and_then(|v| Document::from_json(c, spec.naming, &v).map_err(|_| ())) {
                        Ok(doc) => view.feed(&doc),
                        Err(()) => problems += 1,
                    }
                })?;
                if problems > 0 {
                    tracing::warn!(%tenant, problems, "documents skipped in the point-in-time view: run validate");
                }
                Ok(view.finish())
            })
        })
        .await
    }

    async fn tenant_shard_group(&self, tenant: TenantId) -> Result<u32, BackendError> {
        let spec = self
            .blocking(|store| store.read(topology::require_schema))
            .await?;
        Ok(shard_index_for(tenant, spec.number_of_shards))
    }

    async fn move_shard_group(
        &self,
        request: &MoveRequest,
        deadline: &MoveDeadline,
        progress: ProgressFn<'_>,
        cancel: &CancelFlag,
    ) -> Result<MoveReport, BackendError> {
        let req = request.clone();
        // Check before copying anything.
        let (bytes, switch) = self
            .blocking({
                let req = req.clone();
                move |store| {
                    store.read(|conn| {
                        topology::require_schema(conn)?;
                        let p = placement::load(conn, req.group)?;
                        placement::check_move(&p, &req)?;
                        if placement::is_leader_switch(&p, &req) {
                            return Ok((0, true)); // nothing to copy
                        }
                        let target = topology::require_db_server(conn, &req.to)?;
                        if target.health != ServerHealth::Good {
                            return Err(BackendError::Conflict(format!(
                                "{} is not healthy: a shard never moves onto a failed server",
                                req.to
                            )));
                        }
                        let map = build_shard_map(
                            &topology::require_schema(conn)?,
                            &placement::load_all(conn)?,
                            &topology::list_servers(conn)?,
                            &documents::all_stats(conn)?,
                        );
                        let bytes = map
                            .groups
                            .iter()
                            .find(|g| g.index == req.group)
                            .map(|g| g.bytes)
                            .unwrap_or(0);
                        Ok((bytes, false))
                    })
                }
            })
            .await?;
        let _slot = self.moving.claim(req.group)?;
        let store = self.store.clone();
        let endpoints = [req.from.clone(), req.to.clone()];
        let report = moves::copy(&self.config, &req, (bytes, switch), deadline, progress, cancel, || {
            let servers = store.read(topology::list_servers)?;
            for name in &endpoints {
                if let Some(s) = servers.iter().find(|s| &s.short_name == name) {
                    if s.health != ServerHealth::Good && name == &req.to {
                        return Err(BackendError::Unavailable(format!(
                            "{name} failed during the move of shard group {}; the group stays where it was",
                            req.group
                        )));
                    }
                }
            }
            Ok(())
        })
        .await?;
        let req2 = req.clone();
        self.blocking(move |store| {
            store.write(|tx| {
                let mut p = placement::load(tx, req2.group)?;
                placement::check_move(&p, &req2)?;
                placement::apply_move(&mut p, &req2);
                placement::save(tx, &p)
            })
        })
        .await?;
        tracing::info!(group = req.group, from = %req.from, to = %req.to, bytes, "shard group moved");
        Ok(report)
    }

    async fn group_tally(&self, group: u32) -> Result<GroupTally, BackendError> {
        self.blocking(move |store| {
            store.read(|conn| {
                topology::require_schema(conn)?;
                documents::group_tally(conn, group)
            })
        })
        .await
    }

    async fn add_db_servers(&self, count: u32) -> Result<Vec<ServerInfo>, BackendError> {
        self.blocking(move |store| store.write(|tx| topology::add_db_servers(tx, count)))
            .await
    }

    async fn remove_db_server(&self, server: &str) -> Result<(), BackendError> {
        let name = server.to_string();
        self.blocking(move |store| {
            store.write(|tx| {
                let s = topology::require_db_server(tx, &name)?;
                let held: Vec<String> = placement::load_all(tx)?
                    .iter()
                    .filter(|p| p.holds(&s.short_name))
                    .map(|p| p.group.to_string())
                    .collect();
                if !held.is_empty() {
                    return Err(BackendError::Conflict(format!(
                        "{} still holds shard groups {}: move them away (or rebalance with it drained) first",
                        s.short_name,
                        held.join(", ")
                    )));
                }
                let remaining = topology::list_servers(tx)?
                    .iter()
                    .filter(|x| x.role == ServerRole::DbServer && x.short_name != s.short_name)
                    .count();
                if remaining == 0 {
                    return Err(BackendError::Conflict("the last DB server cannot be removed".into()));
                }
                topology::delete_server(tx, &s.short_name)
            })
        })
        .await
    }

    async fn fail_server(&self, server: &str) -> Result<(), BackendError> {
        let name = server.to_string();
        self.blocking(move |store| {
            store.write(|tx| {
                let s = topology::require_db_server(tx, &name)?;
                if s.health == ServerHealth::Failed {
                    return Ok(());
                }
                topology::set_health(tx, &s.short_name, ServerHealth::Failed)?;
                let servers = topology::list_servers(tx)?;
                let mut placements = placement::load_all(tx)?;
                let result = placement::fail_over(&mut placements, &s.short_name, health_lookup(&servers));
                for p in &placements {
                    placement::save(tx, p)?;
                }
                tracing::warn!(server = %s.short_name, promoted = ?result.promoted, unavailable = ?result.unavailable, "DB server failed");
                Ok(())
            })
        })
        .await
    }

    async fn restore_server(&self, server: &str) -> Result<(), BackendError> {
        let name = server.to_string();
        self.blocking(move |store| {
            store.write(|tx| {
                let s = topology::require_db_server(tx, &name)?;
                topology::set_health(tx, &s.short_name, ServerHealth::Good)?;
                let mut placements = placement::load_all(tx)?;
                placement::restore(&mut placements, &s.short_name);
                for p in &placements {
                    placement::save(tx, p)?;
                }
                Ok(())
            })
        })
        .await
    }
}
