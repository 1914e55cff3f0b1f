//! Programs: proxies and six versions. Older versions differ from the next newer one by a
//! new port or a toggled isEnabled.

use std::collections::VecDeque;

use super::catalog::software_products;
use super::versions::{version_intervals, Entity};
use super::Ctx;
use crate::collection::Collection;
use crate::document::{Body, Document, Software, SoftwareType};
use crate::keys::{software_local, version_key, vertex_key};
use crate::prng::{Prng, Purpose};

pub(crate) const PORT_MIN: u16 = 8000;
pub(crate) const PORT_MAX: u16 = 9000;

pub(crate) fn entity_key(ctx: &Ctx, p: u64) -> String {
    vertex_key(ctx.tenant, software_local(p))
}

pub(crate) fn proxy(ctx: &Ctx, collection: Collection, p: u64) -> Document {
    ctx.doc(collection, entity_key(ctx, p), Body::Proxy)
}

fn port(rng: &mut Prng) -> u16 {
    rng.between(u64::from(PORT_MIN), u64::from(PORT_MAX)) as u16
}

/// The 6 versions of program `p`, current (`-0`) first.
pub(crate) fn versions(ctx: &Ctx, p: u64, out: &mut VecDeque<Document>) {
    let mut rng = Prng::stream(ctx.seed, Purpose::Software, p);
    let ty = *rng.pick(SoftwareType::ALL);
    let (name, version) = *rng.pick(software_products(ty));
    let mut sw = Software {
        name: name.to_owned(),
        software_type: ty,
        version: version.to_owned(),
        port_number: port(&mut rng),
        is_enabled: rng.chance(9, 10),
        created: 0,
        expired: 0,
    };
    let entity = entity_key(ctx, p);
    for (n, interval) in version_intervals(ctx, Entity::Software, p)
        .iter()
        .enumerate()
    {
        if n > 0 {
            if rng.chance(1, 2) {
                let previous = sw.port_number;
                while sw.port_number == previous {
                    sw.port_number = port(&mut rng);
                }
            } else {
                sw.is_enabled = !sw.is_enabled;
            }
        }
        sw.created = interval.created;
        sw.expired = interval.expired;
        out.push_back(ctx.doc(
            Collection::Software,
            version_key(&entity, n as u32),
            Body::Software(sw.clone()),
        ));
    }
}
