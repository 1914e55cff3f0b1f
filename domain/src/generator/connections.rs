//! The network: 30 s hasConnection edges over 20 s devices, all between distinct unordered
//! pairs and never a self-loop. A random spanning tree (every device reachable) plus
//! 10 s + 1 extra links; the old tooling's cap of ~100 connections does not exist here.

use std::collections::HashSet;

use super::catalog::BANDWIDTHS;
use super::{devices, Ctx};
use crate::collection::Collection;
use crate::document::{ConnectionInfo, ConnectionType, Document, VertexRef};
use crate::hashing::DetState;
use crate::keys::{device_local, edge_key};
use crate::prng::{Prng, Purpose};

/// The (from, to) device indices of every connection, in emission order.
pub(crate) fn pairs(ctx: &Ctx) -> Vec<(u32, u32)> {
    let n = ctx.devices();
    let wanted = ctx.connections() as usize;
    let mut rng = Prng::stream(ctx.seed, Purpose::Topology, 0);
    let mut out = Vec::with_capacity(wanted);
    let mut seen: HashSet<(u32, u32), DetState> =
        HashSet::with_capacity_and_hasher(wanted, DetState::default());
    let unordered = |a: u32, b: u32| (a.min(b), a.max(b));
    // Spanning tree: each device links to a random earlier one (n - 1 distinct pairs).
    for i in 1..n {
        let parent = rng.below(i) as u32;
        let pair = (parent, i as u32);
        seen.insert(unordered(pair.0, pair.1));
        out.push(pair);
    }
    // Extra links between random distinct devices not linked yet. At least 190 pairs
    // exist for 20 devices and fewer than 1 in 6 are taken, so this ends quickly.
    while out.len() < wanted {
        let a = rng.below(n) as u32;
        let b = rng.below(n) as u32;
        if a != b && seen.insert(unordered(a, b)) {
            out.push((a, b));
        }
    }
    out
}

pub(crate) fn connection(ctx: &Ctx, k: u64, (a, b): (u32, u32)) -> Document {
    let mut rng = Prng::stream(ctx.seed, Purpose::Connection, k);
    let connection_type = *rng.pick(ConnectionType::ALL);
    let (a, b) = (u64::from(a), u64::from(b));
    ctx.edge(
        Collection::HasConnection,
        edge_key(
            ctx.tenant,
            format_args!("{}-{}", device_local(a), device_local(b)),
        ),
        VertexRef::new(Collection::DeviceProxyOut, devices::entity_key(ctx, a)),
        VertexRef::new(Collection::DeviceProxyIn, devices::entity_key(ctx, b)),
        ctx.since_creation(),
        Some(ConnectionInfo {
            connection_type,
            bandwidth_capacity: (*rng.pick(BANDWIDTHS)).to_owned(),
            network_latency: format!("{}ms", rng.between(1, 20)),
        }),
    )
}
