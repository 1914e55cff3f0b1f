use serde_json::json;

use super::*;
use crate::collection::Collection;
use crate::document::{Body, DeviceType, Document, VertexRef};
use crate::naming::Naming;
use crate::tenant::{ScaleFactor, TenantId, TenantName};
use crate::Generator;

const T: i64 = 1_700_000_000;

fn tid() -> TenantId {
    TenantId::parse("abcdef012345").unwrap()
}

fn other() -> TenantId {
    TenantId::parse("999999999999").unwrap()
}

fn docs(naming: Naming) -> Vec<Document> {
    Generator::from_parts(
        tid(),
        &TenantName::parse("Acme Corp").unwrap(),
        ScaleFactor::ONE,
        T,
        naming,
    )
    .all_documents()
    .collect()
}

fn run(docs: &[Document]) -> Vec<Violation> {
    validate(tid(), ScaleFactor::ONE, Naming::CamelCase, docs)
}

fn rules(v: &[Violation]) -> Vec<Rule> {
    let mut r: Vec<Rule> = v.iter().map(|v| v.rule).collect();
    r.dedup();
    r
}

fn find(docs: &mut [Document], c: Collection, key_suffix: &str) -> usize {
    docs.iter()
        .position(|d| d.collection == c && d.key.ends_with(key_suffix))
        .unwrap_or_else(|| panic!("no {c} ending in {key_suffix}"))
}

#[test]
fn generated_data_is_clean() {
    for naming in Naming::ALL {
        let d = docs(naming);
        assert_eq!(validate(tid(), ScaleFactor::ONE, naming, &d), vec![]);
        // Order does not matter: edges before vertices, reversed.
        let reversed: Vec<Document> = d.iter().rev().cloned().collect();
        assert_eq!(validate(tid(), ScaleFactor::ONE, naming, &reversed), vec![]);
    }
}

#[test]
fn wrong_tenant_attribute() {
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::Location, ":location2");
    d[i].tenant = other();
    let v = run(&d);
    assert_eq!(rules(&v), vec![Rule::TenantAttribute]);
    assert_eq!(v[0].id, format!("Location/{}:location2", tid()));
    assert!(v[0].message.contains("tenantId"), "{}", v[0].message);
}

#[test]
fn wrong_key_prefix() {
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::DeviceProxyIn, ":device3");
    d[i].key = format!("{}:device3", other());
    let r = rules(&run(&d));
    assert!(r.contains(&Rule::KeyPrefix), "{r:?}");
    // Edge keys must end with the tenant too.
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::HasLocation, &format!(":{}", tid()));
    d[i].key = format!("{}:x", tid());
    assert_eq!(rules(&run(&d)), vec![Rule::KeyPrefix]);
}

#[test]
fn cross_tenant_edge() {
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::HasConnection, &format!(":{}", tid()));
    if let Body::Edge(e) = &mut d[i].body {
        e.to = VertexRef::new(Collection::DeviceProxyIn, format!("{}:device1", other()));
    }
    let v = run(&d);
    assert_eq!(rules(&v), vec![Rule::CrossTenantEdge], "{v:?}");
    assert!(v[0].message.contains("_to"), "{}", v[0].message);
}

#[test]
fn missing_tenant_attribute_from_json() {
    let d = docs(Naming::SnakeCase);
    let mut val = Validator::new(tid(), ScaleFactor::ONE, Naming::SnakeCase);
    for doc in &d {
        let mut j = doc.to_json();
        if doc.collection == Collection::Software && doc.key.ends_with(":software1-2") {
            j.as_object_mut().unwrap().remove("tenant_id");
        }
        val.feed_json(doc.collection, &j);
    }
    assert_eq!(val.documents_seen(), 1095);
    let v = val.finish();
    assert!(
        v.iter().any(|v| v.rule == Rule::TenantAttribute
            && v.id == format!("software/{}:software1-2", tid())),
        "{v:?}"
    );
    // The skipped version leaves a hole in its chain and dangling hasVersion edges.
    assert!(!v.iter().any(|v| v.rule == Rule::Count), "{v:?}");
}

#[test]
fn malformed_json_is_reported_not_panicked() {
    let mut val = Validator::new(tid(), ScaleFactor::ONE, Naming::CamelCase);
    val.feed_json(Collection::Device, &json!({"_key": "x"}));
    val.feed_json(Collection::Device, &json!(42));
    let v = val.finish();
    assert!(
        v.iter().filter(|v| v.rule == Rule::TenantAttribute).count() == 1,
        "{v:?}"
    );
    assert!(v
        .iter()
        .any(|v| v.rule == Rule::Malformed && v.id == "Device/?"));
}

#[test]
fn version_chain_corruptions() {
    // A gap: version -2 expires earlier than -1 is created.
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::Device, ":device4-2");
    if let Body::Device(dev) = &mut d[i].body {
        dev.expired -= 60;
    }
    let r = rules(&run(&d));
    assert!(r.contains(&Rule::VersionGap), "{r:?}");
    assert!(r.contains(&Rule::VersionEdgeInterval), "{r:?}");

    // Identical consecutive versions.
    let mut d = docs(Naming::CamelCase);
    let newer = find(&mut d, Collection::Software, ":software5-1");
    let older = find(&mut d, Collection::Software, ":software5-2");
    let (Body::Software(n), Body::Software(o)) = (d[newer].body.clone(), &mut d[older].body) else {
        unreachable!()
    };
    o.port_number = n.port_number;
    o.is_enabled = n.is_enabled;
    let v = run(&d);
    assert_eq!(rules(&v), vec![Rule::IdenticalVersions], "{v:?}");
    assert_eq!(v[0].id, format!("Software/{}:software5-2", tid()));

    // Two current versions.
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::Device, ":device0-1");
    if let Body::Device(dev) = &mut d[i].body {
        dev.expired = i64::MAX;
    }
    let r = rules(&run(&d));
    assert!(
        r.contains(&Rule::CurrentVersion) && r.contains(&Rule::VersionOverlap),
        "{r:?}"
    );
}

#[test]
fn graph_shape_corruptions() {
    // Self-loop.
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::HasConnection, &format!(":{}", tid()));
    if let Body::Edge(e) = &mut d[i].body {
        e.to.key = e.from.key.clone();
    }
    assert!(rules(&run(&d)).contains(&Rule::SelfLoop));

    // Duplicate connection (reversed direction counts too).
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::HasConnection, &format!(":{}", tid()));
    let mut dup = d[i].clone();
    dup.key = format!("{}:dup:{}", tid(), tid());
    if let Body::Edge(e) = &mut dup.body {
        std::mem::swap(&mut e.from.key, &mut e.to.key);
    }
    d.push(dup);
    let r = rules(&run(&d));
    assert!(
        r.contains(&Rule::DuplicateConnection) && r.contains(&Rule::Count),
        "{r:?}"
    );

    // Dangling endpoint and wrong _toType.
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::HasLocation, &format!(":{}", tid()));
    if let Body::Edge(e) = &mut d[i].body {
        e.to.key = format!("{}:location99", tid());
        e.to_type = Collection::Device;
    }
    let r = rules(&run(&d));
    assert!(
        r.contains(&Rule::DanglingEndpoint) && r.contains(&Rule::EdgeEndpoint),
        "{r:?}"
    );

    // Duplicate key.
    let mut d = docs(Naming::CamelCase);
    let i = find(&mut d, Collection::SoftwareProxyOut, ":software0");
    let copy = d[i].clone();
    d.push(copy);
    let r = rules(&run(&d));
    assert!(r.contains(&Rule::DuplicateKey), "{r:?}");
}

#[test]
fn software_rules() {
    let d = docs(Naming::CamelCase);
    let router = d
        .iter()
        .find_map(|doc| match &doc.body {
            Body::Device(dev) if dev.device_type == DeviceType::Router => Some(
                crate::keys::split_version_key(&doc.key)
                    .unwrap()
                    .0
                    .to_owned(),
            ),
            _ => None,
        })
        .unwrap();
    let mut d2 = d.clone();
    let i = d2
        .iter()
        .position(|x| x.collection == Collection::HasDeviceSoftware)
        .unwrap();
    if let Body::Edge(e) = &mut d2[i].body {
        e.from.key = router;
    }
    let r = rules(&run(&d2));
    assert!(r.contains(&Rule::SoftwareOnRouter), "{r:?}");

    // Drop every installation of software7.
    let d3: Vec<Document> = d
        .into_iter()
        .filter(|x| {
            !(x.collection == Collection::HasDeviceSoftware
                && x.as_edge().unwrap().to.key.ends_with(":software7"))
        })
        .collect();
    let v = run(&d3);
    assert!(
        v.iter().any(|v| v.rule == Rule::ProgramNotInstalled
            && v.id == format!("SoftwareProxyIn/{}:software7", tid())),
        "{v:?}"
    );
    assert!(v
        .iter()
        .any(|v| v.rule == Rule::Count && v.id == "hasDeviceSoftware"));
}

#[test]
fn counts_are_checked_against_the_scale_factor() {
    let d = docs(Naming::CamelCase);
    let v = validate(tid(), ScaleFactor::new(2).unwrap(), Naming::CamelCase, &d);
    assert_eq!(v.len(), 11);
    assert!(v.iter().all(|v| v.rule == Rule::Count));
    assert!(v
        .iter()
        .any(|v| v.message
            == "Device holds 120 of the tenant's documents; scale factor 2 requires 240"));
}

#[test]
fn foreign_documents_are_reported() {
    let mine = docs(Naming::CamelCase);
    let theirs: Vec<Document> = Generator::from_parts(
        other(),
        &TenantName::parse("Other").unwrap(),
        ScaleFactor::ONE,
        T,
        Naming::CamelCase,
    )
    .documents(Collection::Location)
    .take(1)
    .collect();
    let all: Vec<&Document> = mine.iter().chain(&theirs).collect();
    let r = rules(&validate(tid(), ScaleFactor::ONE, Naming::CamelCase, all));
    assert!(
        r.contains(&Rule::TenantAttribute)
            && r.contains(&Rule::KeyPrefix)
            && r.contains(&Rule::Count)
    );
}

#[test]
fn violations_serialize_for_reports() {
    let v = Violation::new("Device/x", Rule::VersionGap, "gap");
    let j = serde_json::to_value(&v).unwrap();
    assert_eq!(
        j,
        json!({"id": "Device/x", "rule": "versionGap", "message": "gap"})
    );
    assert_eq!(v.to_string(), "Device/x: gap");
    assert!(!Rule::VersionGap.to_string().is_empty());
}
