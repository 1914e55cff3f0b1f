//! Version intervals and the hasVersion edges that hang each version between its proxies:
//! `ProxyIn -> version -> ProxyOut`, both edges carrying the version's interval.

use std::collections::VecDeque;

use super::{devices, software, Ctx};
use crate::collection::Collection;
use crate::document::{Document, VertexRef};
use crate::keys::{device_local, edge_key, software_local, version_key};
use crate::prng::{Prng, Purpose};
use crate::time::{history_window, Interval, FOREVER, VERSIONS_PER_ENTITY};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entity {
    Device,
    Software,
}

impl Entity {
    fn collections(self) -> (Collection, Collection, Collection) {
        match self {
            Entity::Device => (
                Collection::DeviceProxyIn,
                Collection::Device,
                Collection::DeviceProxyOut,
            ),
            Entity::Software => (
                Collection::SoftwareProxyIn,
                Collection::Software,
                Collection::SoftwareProxyOut,
            ),
        }
    }
}

/// Intervals of versions 0 (current, from the tenant's creation on) to 5: version n is
/// created 5(n-1)+1 to 5n days before the tenant's creation and expires when version n-1
/// is created. Drawn from their own stream so edges can be made without the contents.
pub(crate) fn version_intervals(
    ctx: &Ctx,
    entity: Entity,
    i: u64,
) -> [Interval; VERSIONS_PER_ENTITY as usize] {
    let purpose = match entity {
        Entity::Device => Purpose::DeviceTimes,
        Entity::Software => Purpose::SoftwareTimes,
    };
    let mut rng = Prng::stream(ctx.seed, purpose, i);
    let mut out = [Interval::from(ctx.created_at); VERSIONS_PER_ENTITY as usize];
    for n in 1..VERSIONS_PER_ENTITY as usize {
        let (lo, hi) = history_window(ctx.created_at, n as u32);
        let offset = rng.below(hi.abs_diff(lo) + 1) as i64;
        out[n] = Interval::new(lo.saturating_add(offset), out[n - 1].created);
    }
    debug_assert_eq!(out[0].expired, FOREVER);
    out
}

/// The 12 hasVersion edges of one device or program: for each version, in then out.
pub(crate) fn has_version_edges(ctx: &Ctx, entity: Entity, i: u64, out: &mut VecDeque<Document>) {
    let (proxy_in, versioned, proxy_out) = entity.collections();
    let (local, entity_key) = match entity {
        Entity::Device => (device_local(i), devices::entity_key(ctx, i)),
        Entity::Software => (software_local(i), software::entity_key(ctx, i)),
    };
    for (n, interval) in version_intervals(ctx, entity, i).into_iter().enumerate() {
        let version = VertexRef::new(versioned, version_key(&entity_key, n as u32));
        out.push_back(ctx.edge(
            Collection::HasVersion,
            edge_key(ctx.tenant, format_args!("{local}-{n}-in")),
            VertexRef::new(proxy_in, entity_key.clone()),
            version.clone(),
            interval,
            None,
        ));
        out.push_back(ctx.edge(
            Collection::HasVersion,
            edge_key(ctx.tenant, format_args!("{local}-{n}-out")),
            version,
            VertexRef::new(proxy_out, entity_key.clone()),
            interval,
            None,
        ));
    }
}
