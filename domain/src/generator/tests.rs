use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::document::{DeviceType, Location};
use crate::keys::split_version_key;
use crate::time::{history_window, FOREVER};

const T: i64 = 1_700_000_000;

fn generator(seed: u64, s: u32, naming: Naming) -> Generator {
    Generator::from_parts(
        TenantId::from_seed(seed),
        &TenantName::parse("Acme Corp").unwrap(),
        ScaleFactor::new(s).unwrap(),
        T,
        naming,
    )
}

fn edges(g: &Generator, c: Collection) -> Vec<Edge> {
    g.documents(c)
        .map(|d| match d.body {
            Body::Edge(e) => e,
            other => panic!("not an edge: {other:?}"),
        })
        .collect()
}

#[test]
fn every_collection_has_the_spec_count_and_unique_keys() {
    for s in [1, 2, 5] {
        let g = generator(1, s, Naming::CamelCase);
        let mut total = 0;
        for c in Collection::ALL {
            let docs = g.documents(c);
            assert_eq!(docs.len() as u64, g.count(c));
            let keys: Vec<String> = docs.map(|d| d.key).collect();
            assert_eq!(
                keys.len() as u64,
                c.expected_count(ScaleFactor::new(s).unwrap()),
                "{c}"
            );
            let unique: BTreeSet<&String> = keys.iter().collect();
            assert_eq!(unique.len(), keys.len(), "{c} has duplicate keys");
            total += keys.len() as u64;
        }
        assert_eq!(total, 1095 * u64::from(s));
        assert_eq!(g.total(), total);
    }
}

#[test]
fn keys_have_smartgraph_form() {
    let g = generator(2, 1, Naming::CamelCase);
    let t = g.tenant();
    let keys: Vec<(Collection, String)> =
        g.all_documents().map(|d| (d.collection, d.key)).collect();
    assert!(keys.contains(&(Collection::DeviceProxyIn, format!("{t}:device7"))));
    assert!(keys.contains(&(Collection::DeviceProxyOut, format!("{t}:device7"))));
    assert!(keys.contains(&(Collection::Device, format!("{t}:device7-0"))));
    assert!(keys.contains(&(Collection::Device, format!("{t}:device7-5"))));
    assert!(!keys.contains(&(Collection::Device, format!("{t}:device7-6"))));
    assert!(keys.contains(&(Collection::Software, format!("{t}:software29-5"))));
    assert!(keys.contains(&(Collection::Location, format!("{t}:location4"))));
    assert!(keys.contains(&(Collection::HasVersion, format!("{t}:device7-3-in:{t}"))));
    for (c, k) in &keys {
        if c.is_edge() {
            assert!(
                k.starts_with(&format!("{t}:")) && k.ends_with(&format!(":{t}")),
                "{k}"
            );
        } else {
            assert!(k.starts_with(&format!("{t}:")), "{k}");
        }
    }
}

#[test]
fn device_types_are_balanced_and_installs_avoid_routers() {
    for s in [1, 3] {
        let g = generator(3, s, Naming::CamelCase);
        let mut types: BTreeMap<String, DeviceType> = BTreeMap::new();
        for d in g.documents(Collection::Device) {
            if let Body::Device(dev) = d.body {
                let (entity, _) = split_version_key(&d.key).unwrap();
                let prev = types.insert(entity.to_owned(), dev.device_type);
                assert!(
                    prev.is_none() || prev == Some(dev.device_type),
                    "type changed"
                );
            }
        }
        for t in DeviceType::ALL {
            assert_eq!(
                types.values().filter(|x| *x == t).count() as u32,
                4 * s,
                "{t}"
            );
        }
        let installs = edges(&g, Collection::HasDeviceSoftware);
        let mut pairs = BTreeSet::new();
        let mut programs = BTreeSet::new();
        for e in &installs {
            assert_ne!(
                types[&e.from.key],
                DeviceType::Router,
                "software on a router"
            );
            assert!(
                pairs.insert((e.from.key.clone(), e.to.key.clone())),
                "duplicate install"
            );
            programs.insert(e.to.key.clone());
        }
        assert_eq!(programs.len() as u32, 30 * s, "every program installed");
    }
}

#[test]
fn connections_are_distinct_pairs_without_self_loops() {
    for s in [1, 2, 10] {
        let g = generator(4, s, Naming::CamelCase);
        let conns = edges(&g, Collection::HasConnection);
        assert_eq!(conns.len() as u32, 30 * s);
        let mut pairs = BTreeSet::new();
        for e in &conns {
            assert_ne!(e.from.key, e.to.key);
            assert_eq!(e.from.collection, Collection::DeviceProxyOut);
            assert_eq!(e.to.collection, Collection::DeviceProxyIn);
            let p = if e.from.key < e.to.key {
                (e.from.key.clone(), e.to.key.clone())
            } else {
                (e.to.key.clone(), e.from.key.clone())
            };
            assert!(pairs.insert(p), "duplicate connection");
            let c = e.connection.as_ref().unwrap();
            assert!(c.bandwidth_capacity.ends_with("bps") && c.network_latency.ends_with("ms"));
        }
        // The spanning tree reaches every device.
        let touched: BTreeSet<&String> = conns
            .iter()
            .flat_map(|e| [&e.from.key, &e.to.key])
            .collect();
        assert_eq!(touched.len() as u32, 20 * s);
    }
}

#[test]
fn version_chains_follow_the_time_travel_rules() {
    let g = generator(5, 1, Naming::CamelCase);
    let mut by_entity: BTreeMap<String, Vec<(u32, Document)>> = BTreeMap::new();
    for d in g
        .documents(Collection::Device)
        .chain(g.documents(Collection::Software))
    {
        let (entity, n) = split_version_key(&d.key).unwrap();
        by_entity
            .entry(entity.to_owned())
            .or_default()
            .push((n, d.clone()));
    }
    assert_eq!(by_entity.len(), 50);
    for (entity, mut versions) in by_entity {
        versions.sort_by_key(|(n, _)| *n);
        assert_eq!(versions.len(), 6, "{entity}");
        let current = versions[0].1.interval().unwrap();
        assert_eq!(current, Interval::new(T, FOREVER));
        for n in 1..6 {
            let newer = &versions[n - 1].1;
            let older = &versions[n].1;
            let oi = older.interval().unwrap();
            assert_eq!(
                oi.expired,
                newer.interval().unwrap().created,
                "{entity} -{n}"
            );
            let (lo, hi) = history_window(T, n as u32);
            assert!(
                (lo..=hi).contains(&oi.created),
                "{entity} -{n} created outside its window"
            );
            let changed = match (&older.body, &newer.body) {
                (Body::Device(a), Body::Device(b)) => {
                    (a.firewall_rules != b.firewall_rules) ^ (a.host_name != b.host_name)
                        && a.name == b.name
                        && a.serial_number == b.serial_number
                }
                (Body::Software(a), Body::Software(b)) => {
                    (a.port_number != b.port_number) ^ (a.is_enabled != b.is_enabled)
                }
                _ => unreachable!(),
            };
            assert!(
                changed,
                "{entity}: -{n} must differ from -{} by one change",
                n - 1
            );
        }
    }
}

#[test]
fn has_version_edges_carry_their_versions_interval() {
    let g = generator(6, 1, Naming::CamelCase);
    let intervals: BTreeMap<(Collection, String), Interval> = g
        .documents(Collection::Device)
        .chain(g.documents(Collection::Software))
        .map(|d| ((d.collection, d.key.clone()), d.interval().unwrap()))
        .collect();
    let hv = edges(&g, Collection::HasVersion);
    assert_eq!(hv.len(), 600);
    for e in hv {
        let version = if matches!(e.to.collection, Collection::Device | Collection::Software) {
            &e.to
        } else {
            &e.from
        };
        assert_eq!(
            intervals[&(version.collection, version.key.clone())],
            e.interval()
        );
        assert_eq!(e.from_type, e.from.collection);
        assert_eq!(e.to_type, e.to.collection);
    }
    for c in [
        Collection::HasConnection,
        Collection::HasLocation,
        Collection::HasDeviceSoftware,
    ] {
        for e in edges(&g, c) {
            assert_eq!(e.interval(), Interval::new(T, FOREVER));
        }
    }
}

#[test]
fn locations_use_the_sites_in_order() {
    let g = generator(7, 3, Naming::CamelCase);
    let locs: Vec<Location> = g
        .documents(Collection::Location)
        .map(|d| match d.body {
            Body::Location(l) => l,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(locs.len(), 15);
    assert_eq!(locs[0].name, "Acme Corp - New York Data Center");
    assert_eq!(locs[0].geo_location.lat, 40.7128);
    assert_eq!(locs[0].geo_location.lon, -74.0060);
    assert_eq!(locs[9].name, "Acme Corp - Cape Town Hub");
    assert_eq!(locs[10].name, "Acme Corp - New York Data Center 2");
    assert!((locs[10].geo_location.lat - 40.7128).abs() <= 0.05);
    let names: BTreeSet<&String> = locs.iter().map(|l| &l.name).collect();
    assert_eq!(names.len(), 15, "location names are unique");
    let placed = edges(&g, Collection::HasLocation);
    assert_eq!(placed.len(), 60);
    assert!(placed
        .iter()
        .all(|e| e.to.collection == Collection::Location));
}

#[test]
fn devices_have_realistic_fields() {
    let g = generator(8, 2, Naming::CamelCase);
    let mut ips = BTreeSet::new();
    for d in g.documents(Collection::Device) {
        let Body::Device(dev) = d.body else {
            unreachable!()
        };
        assert!(dev.ip_address.starts_with("192.168."));
        if d.key.ends_with("-0") {
            assert!(ips.insert(dev.ip_address.clone()), "duplicate ip");
        }
        assert!(dev.model.starts_with(dev.device_type.label()) && dev.model.contains(" Model "));
        assert_eq!(dev.mac_address.len(), 17);
        assert!(!dev.firewall_rules.is_empty());
        assert!(!dev.operating_system.is_empty() && !dev.os_version.is_empty());
    }
    for d in g.documents(Collection::Software) {
        let Body::Software(s) = d.body else {
            unreachable!()
        };
        assert!((8000..=9000).contains(&s.port_number));
    }
}

#[test]
fn batches_cover_everything_without_spanning_collections() {
    let g = generator(9, 2, Naming::SnakeCase);
    let mut per: BTreeMap<Collection, u64> = BTreeMap::new();
    let mut n = 0;
    for b in g.batches(97) {
        assert!(!b.documents.is_empty() && b.documents.len() <= 97);
        assert!(b.documents.iter().all(|d| d.collection == b.collection));
        *per.entry(b.collection).or_default() += b.documents.len() as u64;
        n += 1;
    }
    for c in Collection::ALL {
        assert_eq!(per[&c], g.count(c));
    }
    assert!(n > 11);
    assert_eq!(g.batches(0).next().unwrap().documents.len(), 1);
    let all: Vec<Document> = g.batches(1000).flat_map(|b| b.documents).collect();
    let flat: Vec<Document> = g.all_documents().collect();
    assert_eq!(all, flat);
}

#[test]
fn same_input_same_bytes_and_tenants_differ() {
    let bytes = |g: &Generator| {
        let mut out = Vec::new();
        for d in g.all_documents() {
            serde_json::to_writer(&mut out, &d).unwrap();
            out.push(b'\n');
        }
        out
    };
    let a = bytes(&generator(10, 1, Naming::CamelCase));
    assert_eq!(a, bytes(&generator(10, 1, Naming::CamelCase)));
    assert_ne!(a, bytes(&generator(11, 1, Naming::CamelCase)));
    assert_ne!(a, bytes(&generator(10, 1, Naming::SnakeCase)));
}

#[test]
fn stored_json_follows_the_naming_convention() {
    let t = TenantId::parse("0a1b2c3d4e5f").unwrap();
    let g = Generator::from_parts(
        t,
        &TenantName::parse("Acme Corp").unwrap(),
        ScaleFactor::ONE,
        T,
        Naming::SnakeCase,
    );
    let dev = g.documents(Collection::Device).next().unwrap().to_json();
    let obj = dev.as_object().unwrap();
    for attr in [
        "_key",
        "host_name",
        "tenant_id",
        "firewall_rules",
        "serial_number",
        "os_version",
    ] {
        assert!(obj.contains_key(attr), "{attr} missing from {dev}");
    }
    assert!(!obj.contains_key("hostName"));
    assert_eq!(obj["tenant_id"], "0a1b2c3d4e5f");
    assert_eq!(obj["_key"], "0a1b2c3d4e5f:device0-0");
    assert_eq!(obj["expired"], i64::MAX);

    let conn = g
        .documents(Collection::HasConnection)
        .next()
        .unwrap()
        .to_json();
    let obj = conn.as_object().unwrap();
    for attr in [
        "_from",
        "_to",
        "_from_type",
        "_to_type",
        "connection_type",
        "bandwidth_capacity",
        "network_latency",
    ] {
        assert!(obj.contains_key(attr), "{attr} missing from {conn}");
    }
    assert!(obj["_from"]
        .as_str()
        .unwrap()
        .starts_with("device_proxy_out/0a1b2c3d4e5f:device"));
    assert_eq!(obj["_to_type"], "device_proxy_in");

    let camel = generator(12, 1, Naming::CamelCase);
    let loc = camel
        .documents(Collection::Location)
        .next()
        .unwrap()
        .to_json();
    assert_eq!(loc["geoLocation"]["type"], "Point");
    assert_eq!(loc["geoLocation"]["coordinates"][0], -74.006);
    assert!(loc["streetAddress"].is_string());
}
