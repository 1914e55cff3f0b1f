//! Devices: their types, their proxies and their six configuration versions. Older versions
//! are derived from newer ones by one real change (a firewall rule added or removed, or a
//! new host name), so consecutive versions always differ.

use std::collections::VecDeque;

use super::catalog::{host_prefix, operating_systems, FIREWALL_RULES};
use super::versions::{version_intervals, Entity};
use super::Ctx;
use crate::collection::Collection;
use crate::document::{Body, Device, DeviceType, Document};
use crate::keys::{device_local, version_key, vertex_key};
use crate::prng::{Prng, Purpose};

/// Types are dealt in blocks of five, one of each type shuffled, so every tenant has exactly
/// 4 s devices of each type (and hence 16 s non-routers to install software on).
const BLOCK: u64 = 5;

fn block_types(ctx: &Ctx, block: u64) -> [DeviceType; 5] {
    let mut types = [
        DeviceType::Server,
        DeviceType::Router,
        DeviceType::Laptop,
        DeviceType::IoT,
        DeviceType::Firewall,
    ];
    Prng::stream(ctx.seed, Purpose::DeviceTypes, block).shuffle(&mut types);
    types
}

pub(crate) fn device_type(ctx: &Ctx, i: u64) -> DeviceType {
    block_types(ctx, i / BLOCK)[(i % BLOCK) as usize]
}

/// Devices that are not routers (the only ones software may be installed on).
pub(crate) fn non_router_count(ctx: &Ctx) -> u64 {
    ctx.devices() / BLOCK * (BLOCK - 1)
}

/// The index of the `k`-th non-router device.
pub(crate) fn non_router(ctx: &Ctx, k: u64) -> u64 {
    let block = k / (BLOCK - 1);
    let nth = (k % (BLOCK - 1)) as usize;
    let types = block_types(ctx, block);
    let pos = types
        .iter()
        .enumerate()
        .filter(|(_, t)| **t != DeviceType::Router)
        .nth(nth)
        .map(|(p, _)| p as u64)
        .expect("a block has four non-routers");
    block * BLOCK + pos
}

pub(crate) fn entity_key(ctx: &Ctx, i: u64) -> String {
    vertex_key(ctx.tenant, device_local(i))
}

pub(crate) fn proxy(ctx: &Ctx, collection: Collection, i: u64) -> Document {
    ctx.doc(collection, entity_key(ctx, i), Body::Proxy)
}

fn mac_address(rng: &mut Prng) -> String {
    let b = rng.next_u64().to_be_bytes();
    // 02: a locally administered unicast address, so no real vendor is impersonated.
    format!(
        "02:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[0], b[1], b[2], b[3], b[4]
    )
}

/// The 6 versions of device `i`, current (`-0`) first.
pub(crate) fn versions(ctx: &Ctx, i: u64, out: &mut VecDeque<Document>) {
    let ty = device_type(ctx, i);
    let mut rng = Prng::stream(ctx.seed, Purpose::Device, i);
    let (os, os_version) = *rng.pick(operating_systems(ty));
    let prefix = host_prefix(ty);

    // Current rules: 2 to 4 distinct rules of the pool, kept in pool order.
    let mut order: Vec<usize> = (0..FIREWALL_RULES.len()).collect();
    rng.shuffle(&mut order);
    let mut rules: Vec<usize> = order[..rng.between(2, 4) as usize].to_vec();
    rules.sort_unstable();

    let mut device = Device {
        name: format!("{} {i}", ty.label()),
        device_type: ty,
        model: format!("{} Model {}", ty.label(), rng.between(100, 999)),
        serial_number: format!("SN{:010X}", rng.next_u64() >> 24),
        ip_address: format!("192.168.{}.{}", i / 254, i % 254 + 1),
        mac_address: mac_address(&mut rng),
        operating_system: os.to_owned(),
        os_version: os_version.to_owned(),
        host_name: format!("{prefix}-{i:05}"),
        firewall_rules: Vec::new(),
        created: 0,
        expired: 0,
    };

    let entity = entity_key(ctx, i);
    let intervals = version_intervals(ctx, Entity::Device, i);
    for (n, interval) in intervals.iter().enumerate() {
        if n > 0 {
            older_change(&mut rng, &mut rules, &mut device.host_name, prefix, i, n);
        }
        device.firewall_rules = rules
            .iter()
            .map(|&r| FIREWALL_RULES[r].to_owned())
            .collect();
        device.created = interval.created;
        device.expired = interval.expired;
        out.push_back(ctx.doc(
            Collection::Device,
            version_key(&entity, n as u32),
            Body::Device(device.clone()),
        ));
    }
}

/// Turns version n-1 into the older version n with exactly one visible change.
fn older_change(
    rng: &mut Prng,
    rules: &mut Vec<usize>,
    host_name: &mut String,
    prefix: &str,
    i: u64,
    n: usize,
) {
    match rng.below(3) {
        0 if rules.len() < FIREWALL_RULES.len() => {
            let absent: Vec<usize> = (0..FIREWALL_RULES.len())
                .filter(|r| !rules.contains(r))
                .collect();
            rules.push(*rng.pick(&absent));
            rules.sort_unstable();
        }
        1 if rules.len() > 1 => {
            let at = rng.index(rules.len());
            rules.remove(at);
        }
        // A host name unique to this version, so it differs from every newer one.
        _ => *host_name = format!("{prefix}-{i:05}-r{n}"),
    }
}
