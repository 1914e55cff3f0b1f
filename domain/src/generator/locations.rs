//! Locations (the spec's sites in order, repeated with a number once all ten are used) and
//! the hasLocation edge of every device.

use super::catalog::SITES;
use super::{devices, Ctx};
use crate::collection::Collection;
use crate::document::{Body, Document, GeoPoint, Location, VertexRef};
use crate::keys::{device_local, edge_key, location_local, vertex_key};
use crate::prng::{Prng, Purpose};

/// Rounds to 4 decimals (about 10 m), like the spec's coordinates.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub(crate) fn location_key(ctx: &Ctx, l: u64) -> String {
    vertex_key(ctx.tenant, location_local(l))
}

pub(crate) fn location(ctx: &Ctx, l: u64) -> Document {
    let site = &SITES[(l % SITES.len() as u64) as usize];
    let round = l / SITES.len() as u64;
    let (name, street_address, geo_location) = if round == 0 {
        (
            format!("{} - {}", ctx.tenant_name, site.name),
            site.street.to_owned(),
            GeoPoint {
                lon: site.lon,
                lat: site.lat,
            },
        )
    } else {
        // Later rounds reuse the sites: a numbered building nearby (within ~0.05 deg).
        let mut rng = Prng::stream(ctx.seed, Purpose::Location, l);
        let lat = round4(site.lat + 0.05 * rng.signed_unit());
        let lon = round4(site.lon + 0.05 * rng.signed_unit());
        (
            format!("{} - {} {}", ctx.tenant_name, site.name, round + 1),
            format!("Building {}, {}", round + 1, site.street),
            GeoPoint { lon, lat },
        )
    };
    let interval = ctx.since_creation();
    ctx.doc(
        Collection::Location,
        location_key(ctx, l),
        Body::Location(Location {
            name,
            street_address,
            geo_location,
            created: interval.created,
            expired: interval.expired,
        }),
    )
}

/// Devices are spread evenly over the locations (4 per location).
pub(crate) fn location_of_device(ctx: &Ctx, i: u64) -> u64 {
    i % ctx.locations()
}

pub(crate) fn has_location(ctx: &Ctx, i: u64) -> Document {
    let l = location_of_device(ctx, i);
    ctx.edge(
        Collection::HasLocation,
        edge_key(
            ctx.tenant,
            format_args!("{}-{}", device_local(i), location_local(l)),
        ),
        VertexRef::new(Collection::DeviceProxyOut, devices::entity_key(ctx, i)),
        VertexRef::new(Collection::Location, location_key(ctx, l)),
        ctx.since_creation(),
        None,
    )
}
