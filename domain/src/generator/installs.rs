//! Software installations: 40 s hasDeviceSoftware edges. The first 30 s install every
//! program once; the other 10 s install programs 0, 3, 6, ... a second time on a different
//! device. Targets are always non-routers, and no (device, program) pair repeats, all in
//! closed form so any installation can be produced on its own.

use super::{devices, software, Ctx};
use crate::collection::Collection;
use crate::document::{Document, VertexRef};
use crate::keys::{device_local, edge_key, software_local};
use crate::prng::{Prng, Purpose};

/// Position (among non-routers) of the device program `p` is first installed on.
fn first_host(ctx: &Ctx, p: u64) -> u64 {
    Prng::stream(ctx.seed, Purpose::Install, p).below(devices::non_router_count(ctx))
}

/// (device index, program index) of installation `k`.
pub(crate) fn target(ctx: &Ctx, k: u64) -> (u64, u64) {
    let programs = ctx.programs();
    let hosts = devices::non_router_count(ctx);
    if k < programs {
        (devices::non_router(ctx, first_host(ctx, k)), k)
    } else {
        let p = 3 * (k - programs);
        // Any non-router but the first host (hosts >= 16, so there is always another).
        let shift = 1 + Prng::stream(ctx.seed, Purpose::Install, k).below(hosts - 1);
        let host = (first_host(ctx, p) + shift) % hosts;
        (devices::non_router(ctx, host), p)
    }
}

pub(crate) fn install(ctx: &Ctx, k: u64) -> Document {
    let (d, p) = target(ctx, k);
    ctx.edge(
        Collection::HasDeviceSoftware,
        edge_key(
            ctx.tenant,
            format_args!("{}-{}", device_local(d), software_local(p)),
        ),
        VertexRef::new(Collection::DeviceProxyOut, devices::entity_key(ctx, d)),
        VertexRef::new(Collection::SoftwareProxyIn, software::entity_key(ctx, p)),
        ctx.since_creation(),
        None,
    )
}
