//! Reading the shard layout from ArangoDB: shardDistribution, the collections' shard lists,
//! per-shard counts and sizes, and which shard group each tenant is in (responsibleShard).
//! `shards.rs` turns what is read here into the port's shard map.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use futures::future::try_join_all;
use futures::stream::{self, StreamExt, TryStreamExt};
use reqwest::Method;
use serde_json::{json, Value};

use scaleout_domain::port::{BackendError, ServerInfo, ShardMap};
use scaleout_domain::tenant_weight::Stored;
use scaleout_domain::{keys, Attr, Collection, TenantId};

use crate::aql;
use crate::client::{Call, Retry};
use crate::cluster::{decode, lock, ArangoCluster, GraphState};
use crate::queries;
use crate::shards::{self, CollectionData, Counts, Figures, Placement};

/// responsibleShard lookups in flight at once (only for tenants not looked up before).
const TENANT_LOOKUPS: usize = 8;

impl ArangoCluster {
    /// One collection of the graph with its shards, counts and figures. Smart edge
    /// collections are virtual: their shards are those of `_local_<name>`. When
    /// shardDistribution shows neither, the collections' own shard lists stand in.
    pub(crate) async fn collection_data(
        &self,
        name: &str,
        distribution: &shards::Distribution,
        short: &HashMap<String, String>,
    ) -> Result<CollectionData, BackendError> {
        let local = format!("_local_{name}");
        let listed = |n: &str| distribution.get(n).filter(|s| !s.is_empty()).cloned();
        let (holder, shards) = match listed(name).map(|s| (name.to_owned(), s)) {
            Some(found) => found,
            None => match listed(&local) {
                Some(s) => (local, s),
                None => {
                    self.shards_from_details([name, local.as_str()], short)
                        .await?
                }
            },
        };
        let (counts, figures) = self.counts_and_figures(&holder, !self.is_single()).await?;
        Ok(CollectionData {
            name: name.to_owned(),
            shards,
            counts,
            figures,
        })
    }

    /// The first of `candidates` with shards, read from `shards?details=true` (Plan only:
    /// Current is taken to agree).
    pub(crate) async fn shards_from_details(
        &self,
        candidates: [&str; 2],
        short: &HashMap<String, String>,
    ) -> Result<(String, BTreeMap<String, Placement>), BackendError> {
        for name in candidates {
            match self.shards_details(name).await {
                Ok(details) if !details.is_empty() => {
                    return Ok((name.to_owned(), placements_from_details(&details, short)))
                }
                Ok(_) => {}
                Err(BackendError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok((candidates[0].to_owned(), BTreeMap::new()))
    }

    pub(crate) async fn counts_and_figures(
        &self,
        collection: &str,
        details: bool,
    ) -> Result<(Counts, Figures), BackendError> {
        let mut count = Call::new(
            Method::GET,
            self.client()
                .db(&["_api", "collection", collection, "count"]),
        );
        if details {
            count = count.query("details", "true");
        }
        let figures = Call::new(
            Method::GET,
            self.client()
                .db(&["_api", "collection", collection, "figures"]),
        );
        let (c, f) = futures::try_join!(
            self.client().json::<Value>(count),
            self.client().json::<Value>(figures)
        )?;
        Ok((
            shards::parse_count(&c).map_err(decode("GET /_api/collection/<c>/count"))?,
            shards::parse_figures(&f).map_err(decode("GET /_api/collection/<c>/figures"))?,
        ))
    }

    /// The initial collection's shards by number: position = shard group.
    pub(crate) async fn initial_shards(
        &self,
        g: &GraphState,
    ) -> Result<BTreeMap<String, Vec<String>>, BackendError> {
        self.shards_details(&g.initial).await
    }

    /// `shards?details=true`: shard -> [leader id, follower ids...].
    pub(crate) async fn shards_details(
        &self,
        collection: &str,
    ) -> Result<BTreeMap<String, Vec<String>>, BackendError> {
        let call = Call::new(
            Method::GET,
            self.client()
                .db(&["_api", "collection", collection, "shards"]),
        )
        .query("details", "true");
        let v: Value = self.client().json(call).await?;
        shards::parse_shards_details(&v).map_err(decode("GET /_api/collection/<c>/shards"))
    }

    /// The shard of the initial collection a tenant's documents go to (`responsibleShard`
    /// with the tenant's smart key prefix and attribute), cached.
    pub(crate) async fn tenant_shard(
        &self,
        g: &GraphState,
        tenant: TenantId,
    ) -> Result<String, BackendError> {
        if let Some(s) = lock(&self.inner.tenant_shards).get(&tenant) {
            return Ok(s.clone());
        }
        let mut probe = serde_json::Map::new();
        probe.insert("_key".into(), json!(keys::vertex_key(tenant, "probe")));
        probe.insert(
            Attr::TenantId.name(g.spec.naming).into(),
            json!(tenant.as_str()),
        );
        let call = Call::new(
            Method::PUT,
            self.client()
                .db(&["_api", "collection", &g.initial, "responsibleShard"]),
        )
        .json(&Value::Object(probe))
        .retry(Retry::Idempotent);
        let v: Value = self.client().json(call).await?;
        let shard = shards::parse_responsible_shard(&v)
            .map_err(decode("PUT /_api/collection/<c>/responsibleShard"))?;
        lock(&self.inner.tenant_shards).insert(tenant, shard.clone());
        Ok(shard)
    }

    pub(crate) async fn group_of(
        &self,
        g: &GraphState,
        tenant: TenantId,
        order: &[String],
    ) -> Result<u32, BackendError> {
        let shard = self.tenant_shard(g, tenant).await?;
        order
            .iter()
            .position(|s| *s == shard)
            .map(|i| i as u32)
            .ok_or_else(|| {
                BackendError::Storage(format!(
                    "ArangoDB put tenant {tenant} in shard {shard}, which {} does not have",
                    g.initial
                ))
            })
    }

    /// Shard map and servers of a cluster.
    pub(crate) async fn cluster_map(
        &self,
        g: &GraphState,
    ) -> Result<(ShardMap, Vec<ServerInfo>), BackendError> {
        let servers = self.health().await?;
        let call = Call::new(
            Method::GET,
            self.client()
                .db(&["_admin", "cluster", "shardDistribution"]),
        );
        let v: Value = self.client().json(call).await?;
        let mut distribution = shards::parse_shard_distribution(&v)
            .map_err(decode("GET /_admin/cluster/shardDistribution"))?;
        let initial = self.initial_shards(g).await?;
        let short: HashMap<String, String> = servers
            .iter()
            .map(|s| (s.id.clone(), s.short_name.clone()))
            .collect();
        if distribution.get(&g.initial).is_none_or(|s| s.is_empty()) {
            // Fall back on the initial collection's own view (long ids, Plan only).
            distribution.insert(g.initial.clone(), placements_from_details(&initial, &short));
        }
        let collections = try_join_all(
            Collection::ALL
                .iter()
                .map(|c| self.collection_data(c.name(g.spec.naming), &distribution, &short)),
        )
        .await?;
        let order = shards::sorted_shards(initial.keys());
        let stored = self.tenant_totals(g).await?;
        let groups: Vec<(TenantId, u32)> = stream::iter(stored.into_keys())
            .map(|t| {
                let order = &order;
                async move { Ok::<_, BackendError>((t, self.group_of(g, t, order).await?)) }
            })
            .buffer_unordered(TENANT_LOOKUPS)
            .try_collect()
            .await?;
        let mut tenants: BTreeMap<u32, BTreeSet<TenantId>> = BTreeMap::new();
        for (t, group) in groups {
            tenants.entry(group).or_default().insert(t);
        }
        let mut map =
            shards::build_cluster_map(&g.spec, &g.initial, &collections, &servers, &tenants);
        let lagging = shards::lagging_hidden_clones(&distribution);
        for group in map.groups.iter_mut().filter(|x| lagging.contains(&x.index)) {
            group.in_sync = false;
        }
        Ok((map, servers))
    }

    pub(crate) async fn single_map(&self, g: &GraphState) -> Result<ShardMap, BackendError> {
        let collections = try_join_all(Collection::ALL.iter().map(|c| async move {
            let name = c.name(g.spec.naming);
            let (counts, figures) = self.counts_and_figures(name, false).await?;
            Ok::<_, BackendError>(CollectionData {
                name: name.to_owned(),
                shards: BTreeMap::new(),
                counts,
                figures,
            })
        }))
        .await?;
        let tenants: BTreeSet<TenantId> = self.tenant_totals(g).await?.into_keys().collect();
        Ok(shards::build_single_map(&g.spec, &collections, &tenants))
    }

    /// Every value of the tenant attribute with its document count, over all collections.
    pub(crate) async fn tenant_values(
        &self,
        g: &GraphState,
    ) -> Result<BTreeMap<String, (Option<TenantId>, u64)>, BackendError> {
        let batch = self.inner.config.cursor_batch_size;
        let per_collection = try_join_all(Collection::ALL.iter().map(|&c| {
            let q = queries::tenant_values(g.spec.naming, c);
            async move { aql::collect(self.client(), &q, batch, Retry::Idempotent).await }
        }))
        .await?;
        let mut out: BTreeMap<String, (Option<TenantId>, u64)> = BTreeMap::new();
        for row in per_collection.into_iter().flatten() {
            let (value, n) = match row.as_array().map(Vec::as_slice) {
                Some([value, n]) => (value.clone(), n.as_u64().unwrap_or(0)),
                _ => continue,
            };
            let text = match &value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let id = value.as_str().and_then(|s| TenantId::parse(s).ok());
            out.entry(text).or_insert((id, 0)).1 += n;
        }
        Ok(out)
    }

    /// Each tenant's documents and bytes over all collections (values of the tenant
    /// attribute that are not tenant ids are left to `validate`, which names them).
    pub(crate) async fn weigh_tenants(
        &self,
        g: &GraphState,
    ) -> Result<BTreeMap<TenantId, Stored>, BackendError> {
        let batch = self.inner.config.cursor_batch_size;
        let per_collection = try_join_all(Collection::ALL.iter().map(|&c| {
            let q = queries::tenant_weights(g.spec.naming, c);
            async move { aql::collect(self.client(), &q, batch, Retry::Idempotent).await }
        }))
        .await?;
        let mut out: BTreeMap<TenantId, Stored> = BTreeMap::new();
        for row in per_collection.into_iter().flatten() {
            let Some([value, n, bytes]) = row.as_array().map(Vec::as_slice) else {
                continue;
            };
            let Some(id) = value.as_str().and_then(|s| TenantId::parse(s).ok()) else {
                continue;
            };
            let w = out.entry(id).or_default();
            w.documents += n.as_u64().unwrap_or(0);
            // SUM of whole numbers, which AQL may write as a double.
            w.bytes += bytes.as_f64().map_or(0, |b| b.max(0.0) as u64);
        }
        Ok(out)
    }

    pub(crate) async fn tenant_totals(
        &self,
        g: &GraphState,
    ) -> Result<BTreeMap<TenantId, u64>, BackendError> {
        Ok(self
            .tenant_values(g)
            .await?
            .into_values()
            .filter_map(|(id, n)| id.map(|id| (id, n)))
            .collect())
    }
}

/// Placements from `shards?details=true` (long ids, Plan only), by short name.
fn placements_from_details(
    details: &BTreeMap<String, Vec<String>>,
    short: &HashMap<String, String>,
) -> BTreeMap<String, Placement> {
    let name = |id: &String| short.get(id).cloned().unwrap_or_else(|| id.clone());
    details
        .iter()
        .map(|(shard, ids)| {
            let leader = ids.first().map(name).unwrap_or_default();
            let followers: Vec<String> = ids.iter().skip(1).map(name).collect();
            let p = Placement {
                current_leader: Some(leader.clone()),
                current_followers: followers.clone(),
                plan_leader: leader,
                plan_followers: followers,
            };
            (shard.clone(), p)
        })
        .collect()
}
