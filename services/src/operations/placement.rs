//! Placing new tenants (`--placement`, default balanced): each goes to the shard
//! group that leaves the cluster best balanced by bytes, counting the tenants on
//! their way in, by choosing its id, since the SmartGraph's hash of the id decides
//! the group. The cluster itself says where a candidate id lands (the embedded back
//! end computes the hash; ArangoDB answers `responsibleShard`), a few candidates at
//! a time and at most [`CANDIDATES_PER_GROUP`] per group. Every choice is recorded
//! with its reason. See `scaleout_domain::tenant_placement`.

use futures::future::join_all;
use scaleout_domain::tenant_placement::{choose, PlacementMode, CANDIDATES_PER_GROUP};
use scaleout_domain::{documents_per_tenant, ScaleFactor, TenantStatus};

use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::NewTenant;
use crate::store::PlacementRecord;

/// Candidate ids asked about at once (ArangoDB answers each with a request).
const PROBES_AT_ONCE: usize = 8;

/// Bytes a document takes before any is stored to measure it (the generator's
/// documents average about this much).
const ESTIMATED_BYTES_PER_DOCUMENT: u64 = 250;

/// Chooses the ids of tenants about to be onboarded, in turn: each one counts
/// the ones placed before it.
pub async fn place(
    console: &Console,
    tenants: Vec<NewTenant>,
) -> Result<Vec<NewTenant>, ServiceError> {
    let backend = console.backend();
    let mut map = backend.shard_map().await?;
    let mode = console.config().placement;
    if map.number_of_shards == 0 && mode == PlacementMode::Balanced {
        // No graph yet: make it now (its shape as configured), so the cluster can
        // say where each candidate lands; the first tenants' job finds it made.
        if let Some(first) = tenants.first() {
            let spec = super::schema::spec(console, first.naming).await?;
            backend.ensure_schema(&spec).await?;
            map = backend.shard_map().await?;
        }
    }
    if map.number_of_shards == 0 {
        // No graph yet (hash placement): it is made with the first tenant.
        for t in &tenants {
            record(
                console,
                t,
                None,
                mode,
                "the first tenants: the graph is made with them, every shard group empty",
                1,
            )?;
        }
        return Ok(tenants);
    }
    let groups = map.number_of_shards as usize;
    // Bytes per document as stored, to weigh tenants not stored yet (an estimate
    // while nothing is stored).
    let (bytes, docs) = map
        .groups
        .iter()
        .fold((0u64, 0u64), |(b, d), g| (b + g.bytes, d + g.documents));
    let per_doc = if docs > 0 && bytes > 0 {
        bytes.div_ceil(docs)
    } else {
        ESTIMATED_BYTES_PER_DOCUMENT
    };
    let mut loads = vec![0u64; groups];
    for g in &map.groups {
        if let Some(load) = loads.get_mut(g.index as usize) {
            *load = g.bytes;
        }
    }
    // Tenants being onboarded weigh where they are going, in full.
    for record in console.store().tenants()? {
        if record.tenant.status == TenantStatus::Provisioning {
            let group = backend.tenant_shard_group(record.tenant.id).await?;
            if let Some(load) = loads.get_mut(group as usize) {
                *load += documents_per_tenant(record.tenant.scale_factor) * per_doc;
            }
        }
    }
    let mut placed = Vec::with_capacity(tenants.len());
    for mut t in tenants {
        let weight = ScaleFactor::new(t.scale_factor)
            .map(documents_per_tenant)
            .unwrap_or(0)
            * per_doc;
        let (group, why, probed) = match mode {
            PlacementMode::Hash => {
                let group = backend.tenant_shard_group(t.id).await?;
                (
                    group,
                    format!(
                        "shard group {group}, where the hash of its id lands (--placement hash)"
                    ),
                    1,
                )
            }
            PlacementMode::Balanced => {
                let choice = balanced(console, &t, &loads, groups).await?;
                t.id = choice.id;
                (choice.group, choice.why, choice.probed)
            }
        };
        if let Some(load) = loads.get_mut(group as usize) {
            *load += weight;
        }
        record(console, &t, Some(group), mode, &why, probed as u32)?;
        placed.push(t);
    }
    Ok(placed)
}

/// Draws candidate ids a few at a time until one lands in the lightest group.
async fn balanced(
    console: &Console,
    t: &NewTenant,
    loads: &[u64],
    groups: usize,
) -> Result<scaleout_domain::tenant_placement::Choice, ServiceError> {
    let target = scaleout_domain::tenant_placement::lightest(loads).unwrap_or(0);
    let budget = CANDIDATES_PER_GROUP * groups;
    let mut drawn = Vec::new();
    let mut ids = super::tenants::candidate_ids(console, &t.name);
    // The id prepared first is the first candidate: with nothing to choose
    // between, placement changes nothing.
    let mut first = Some(t.id);
    while drawn.len() < budget {
        let mut batch = Vec::with_capacity(PROBES_AT_ONCE);
        while batch.len() < PROBES_AT_ONCE && drawn.len() + batch.len() < budget {
            let id = match first.take() {
                Some(id) => id,
                None => match ids.next() {
                    Some(id) => id?,
                    None => break,
                },
            };
            if !drawn.iter().any(|(d, _)| *d == id) && !batch.contains(&id) {
                batch.push(id);
            }
        }
        if batch.is_empty() {
            break;
        }
        let backend = console.backend();
        let answers = join_all(batch.iter().map(|id| backend.tenant_shard_group(*id))).await;
        for (id, group) in batch.into_iter().zip(answers) {
            drawn.push((id, group?));
        }
        if drawn.iter().any(|(_, g)| *g == target) {
            break;
        }
    }
    choose(loads, &drawn)
        .ok_or_else(|| ServiceError::Store("no candidate id could be placed".into()))
}

fn record(
    console: &Console,
    t: &NewTenant,
    group: Option<u32>,
    mode: PlacementMode,
    why: &str,
    probed: u32,
) -> Result<(), ServiceError> {
    console.store().save_placement(&PlacementRecord {
        tenant_id: t.id,
        shard_group: group,
        mode: mode.as_str().into(),
        why: why.into(),
        probed,
    })
}
