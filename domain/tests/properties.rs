//! Property tests of the generator, the rules and the point-in-time view. Heavy properties
//! run few cases at small scale factors so `cargo test` stays fast in the debug profile;
//! the closed-form counts are checked for every scale factor.

use std::hash::{DefaultHasher, Hasher};

use proptest::prelude::*;
use scaleout_domain::{
    snapshot_at, validate, Body, Collection, Document, Generator, Naming, Rule, ScaleFactor,
    TenantId, TenantName, Validator, VertexRef, FOREVER,
};

const DAY: i64 = 86_400;

fn naming() -> impl Strategy<Value = Naming> {
    prop_oneof![Just(Naming::CamelCase), Just(Naming::SnakeCase)]
}

/// 2001-01-01 .. 2096-01-01.
fn creation_time() -> impl Strategy<Value = i64> {
    978_307_200i64..4_000_000_000
}

fn generator(seed: u64, s: u32, naming: Naming, created: i64) -> Generator {
    Generator::from_parts(
        TenantId::from_seed(seed),
        &TenantName::parse("Fortune 500 Corp").unwrap(),
        ScaleFactor::new(s).unwrap(),
        created,
        naming,
    )
}

fn digest(g: &Generator, batch: usize) -> (u64, u64) {
    let mut h = DefaultHasher::new();
    let mut buf = Vec::new();
    let mut n = 0;
    for b in g.batches(batch) {
        for d in &b.documents {
            buf.clear();
            serde_json::to_writer(&mut buf, d).unwrap();
            h.write(&buf);
            n += 1;
        }
    }
    (h.finish(), n)
}

#[test]
fn counts_for_every_scale_factor_in_closed_form() {
    for s in ScaleFactor::all() {
        let g = generator(1, s.get(), Naming::CamelCase, 1_700_000_000);
        let mut total = 0;
        for c in Collection::ALL {
            let n = g.documents(c).len() as u64;
            assert_eq!(n, c.per_scale_unit() * u64::from(s.get()));
            total += n;
        }
        assert_eq!(total, 1095 * u64::from(s.get()));
    }
}

/// The largest tenant, generated in full through the batch path (counting only).
#[test]
fn counts_at_scale_1000_by_generation() {
    let g = generator(2, 1000, Naming::CamelCase, 1_700_000_000);
    let mut per = [0u64; 11];
    let mut largest_batch = 0;
    for b in g.batches(5000) {
        largest_batch = largest_batch.max(b.documents.len());
        per[b.collection.index()] += b.documents.len() as u64;
    }
    for c in Collection::ALL {
        assert_eq!(per[c.index()], c.per_scale_unit() * 1000, "{c}");
    }
    assert_eq!(per.iter().sum::<u64>(), 1_095_000);
    assert!(largest_batch <= 5000);
}

proptest! {
    // Each case generates and checks up to a few thousand documents in the debug profile.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn counts_by_generation(seed in any::<u64>(), s in 1u32..=40, naming in naming()) {
        let g = generator(seed, s, naming, 1_700_000_000);
        for c in Collection::ALL {
            prop_assert_eq!(g.documents(c).count() as u64, c.per_scale_unit() * u64::from(s));
        }
    }

    #[test]
    fn deterministic_bytes(seed in any::<u64>(), s in 1u32..=4, naming in naming(),
                           created in creation_time(), batch in 1usize..3000) {
        let a = digest(&generator(seed, s, naming, created), batch);
        let b = digest(&generator(seed, s, naming, created), 1000);
        prop_assert_eq!(a, b);
        prop_assert_eq!(a.1, 1095 * u64::from(s));
    }

    #[test]
    fn generated_documents_pass_every_rule(seed in any::<u64>(), s in 1u32..=5,
                                           naming in naming(), created in creation_time()) {
        let g = generator(seed, s, naming, created);
        let mut v = Validator::new(g.tenant(), ScaleFactor::new(s).unwrap(), naming);
        for b in g.batches(700) {
            v.feed_batch(&b);
        }
        let violations = v.finish();
        prop_assert!(violations.is_empty(), "{:?}", &violations[..violations.len().min(5)]);
    }

    #[test]
    fn json_round_trip_passes_every_rule(seed in any::<u64>(), naming in naming()) {
        let g = generator(seed, 1, naming, 1_700_000_000);
        let mut v = Validator::new(g.tenant(), ScaleFactor::ONE, naming);
        for d in g.all_documents() {
            let text = serde_json::to_string(&d).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&Document::from_json(d.collection, naming, &value).unwrap(), &d);
            v.feed_json(d.collection, &value);
        }
        prop_assert!(v.finish().is_empty());
    }

    #[test]
    fn corruption_is_caught_by_the_right_rule(seed in any::<u64>(), pick in any::<prop::sample::Index>(),
                                              kind in 0usize..5, naming in naming()) {
        let g = generator(seed, 1, naming, 1_700_000_000);
        let tenant = g.tenant();
        let intruder = TenantId::from_seed(seed ^ 0xFFFF);
        prop_assume!(intruder != tenant);
        let mut docs: Vec<Document> = g.all_documents().collect();
        let (expected, candidates): (Rule, Vec<usize>) = match kind {
            0 => (Rule::TenantAttribute, (0..docs.len()).collect()),
            1 => (Rule::KeyPrefix, (0..docs.len()).collect()),
            2 => (Rule::CrossTenantEdge, idx(&docs, |d| d.collection.is_edge())),
            3 => (Rule::VersionGap, idx(&docs, |d| is_version(d) && !d.key.ends_with("-0"))),
            _ => (Rule::IdenticalVersions, idx(&docs, |d| is_version(d) && !d.key.ends_with("-0"))),
        };
        let i = candidates[pick.index(candidates.len())];
        match kind {
            0 => docs[i].tenant = intruder,
            1 => {
                let local = docs[i].key.split_once(':').unwrap().1.to_owned();
                docs[i].key = format!("{intruder}:{local}");
            }
            2 => {
                let Body::Edge(e) = &mut docs[i].body else { unreachable!() };
                let local = e.from.key.split_once(':').unwrap().1.to_owned();
                e.from = VertexRef::new(e.from.collection, format!("{intruder}:{local}"));
            }
            3 => match &mut docs[i].body {
                Body::Device(d) => d.expired -= 1,
                Body::Software(s) => s.expired -= 1,
                _ => unreachable!(),
            },
            _ => {
                // Make the historical version i a copy of its newer neighbour's contents.
                let (entity, n) = docs[i].key.rsplit_once('-').unwrap();
                let newer_key = format!("{entity}-{}", n.parse::<u32>().unwrap() - 1);
                let j = docs.iter().position(|d| d.collection == docs[i].collection && d.key == newer_key).unwrap();
                let newer = docs[j].body.clone();
                match (&mut docs[i].body, newer) {
                    (Body::Device(old), Body::Device(new)) => {
                        old.host_name = new.host_name;
                        old.firewall_rules = new.firewall_rules;
                    }
                    (Body::Software(old), Body::Software(new)) => {
                        old.port_number = new.port_number;
                        old.is_enabled = new.is_enabled;
                    }
                    _ => unreachable!(),
                }
            }
        }
        let violations = validate(tenant, ScaleFactor::ONE, naming, &docs);
        let id = docs[i].id();
        prop_assert!(
            violations.iter().any(|v| v.rule == expected && v.id == id),
            "expected {:?} on {}, got {:?}", expected, id, violations
        );
    }

    #[test]
    fn point_in_time_view(seed in any::<u64>(), s in 1u32..=2, offset_days in -30i64..30,
                          jitter in 0i64..DAY) {
        let created = 1_700_000_000;
        let g = generator(seed, s, Naming::CamelCase, created);
        let docs: Vec<Document> = g.all_documents().collect();
        let t = created + offset_days * DAY + jitter;
        let snap = snapshot_at(&docs, t);
        let s = s as usize;
        let valid_versions = |c: Collection| docs.iter().filter(|d| d.collection == c && d.is_valid_at(t)).count();
        prop_assert_eq!(snap.devices.len(), valid_versions(Collection::Device));
        prop_assert_eq!(snap.software.len(), valid_versions(Collection::Software));
        if t >= created {
            prop_assert_eq!(snap.devices.len(), 20 * s);
            prop_assert_eq!(snap.software.len(), 30 * s);
            prop_assert!(snap.devices.iter().all(|d| d.version == 0 && d.device.expired == FOREVER));
            prop_assert_eq!(snap.locations.len(), 5 * s);
            prop_assert_eq!(snap.connections.len(), 30 * s);
            prop_assert_eq!(snap.placements.len(), 20 * s);
            prop_assert_eq!(snap.installations.len(), 40 * s);
        } else {
            // Before the tenant existed only history remains; relationships start at creation.
            prop_assert!(snap.devices.iter().all(|d| d.version > 0));
            prop_assert!(snap.connections.is_empty() && snap.locations.is_empty());
            if t < created - 25 * DAY {
                prop_assert!(snap.devices.is_empty());
            }
            if t >= created - DAY {
                prop_assert_eq!(snap.devices.len(), 20 * s);
            }
        }
        for d in &snap.devices {
            prop_assert!(d.device.created <= t && t < d.device.expired);
            prop_assert!(d.version_key.starts_with(&d.key));
        }
        for c in &snap.connections {
            prop_assert!(snap.devices.iter().any(|d| d.key == c.from && d.device.name == c.from_name));
        }
        let json = serde_json::to_string(&snap).unwrap();
        prop_assert_eq!(serde_json::from_str::<scaleout_domain::Snapshot>(&json).unwrap(), snap);
    }
}

fn is_version(d: &Document) -> bool {
    matches!(d.collection, Collection::Device | Collection::Software)
}

fn idx(docs: &[Document], f: impl Fn(&Document) -> bool) -> Vec<usize> {
    docs.iter()
        .enumerate()
        .filter(|(_, d)| f(d))
        .map(|(i, _)| i)
        .collect()
}
