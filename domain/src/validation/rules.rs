//! Rules about a single document, and the per-collection count rule.

use super::{Rule, Violation};
use crate::collection::Collection;
use crate::document::{Body, Document};
use crate::keys::{edge_key_parts, key_tenant, split_version_key};
use crate::naming::{Attr, Naming};
use crate::tenant::{ScaleFactor, TenantId};

/// Isolation rule 1a: the tenant attribute names `tenant`.
pub fn check_tenant(doc: &Document, tenant: TenantId) -> Option<Violation> {
    (doc.tenant != tenant).then(|| {
        Violation::new(
            doc.id(),
            Rule::TenantAttribute,
            format!(
                "{} is {:?} but the document belongs to tenant {tenant}",
                Attr::TenantId.name(doc.naming),
                doc.tenant.as_str()
            ),
        )
    })
}

/// Isolation rule 1b: the key is in SmartGraph form for `tenant` (pass `doc.tenant` to
/// check the key against the document's own tenant attribute).
pub fn check_key(doc: &Document, tenant: TenantId) -> Option<Violation> {
    let t = tenant.as_str();
    let problem = if doc.collection.is_edge() {
        match edge_key_parts(&doc.key) {
            Some((from, local, to)) if from == t && to == t && !local.is_empty() => None,
            _ => Some(format!("edge key {:?} is not {t}:<local>:{t}", doc.key)),
        }
    } else {
        match doc.key.split_once(':') {
            Some((prefix, local)) if prefix == t && !local.is_empty() => None,
            _ => Some(format!("key {:?} is not {t}:<local>", doc.key)),
        }
    };
    problem.map(|m| Violation::new(doc.id(), Rule::KeyPrefix, m))
}

/// Timed documents must have `created < expired`.
pub fn check_interval(doc: &Document) -> Option<Violation> {
    let i = doc.interval()?;
    i.is_empty().then(|| {
        Violation::new(
            doc.id(),
            Rule::VersionInterval,
            format!("created {} is not before expired {}", i.created, i.expired),
        )
    })
}

/// Isolation rule 2 and edge integrity: both endpoints in the edge's own tenant (its tenant
/// attribute), allowed collections, `_fromType`/`_toType` matching, no self-loops, and a
/// hasVersion edge only joining an entity's proxy to that entity's own version.
pub fn check_edge(doc: &Document) -> Vec<Violation> {
    let mut out = Vec::new();
    let Body::Edge(e) = &doc.body else {
        return out;
    };
    let n = doc.naming;
    let tenant = doc.tenant.as_str();
    for (attr, end) in [(Attr::From, &e.from), (Attr::To, &e.to)] {
        if key_tenant(&end.key) != Some(tenant) {
            out.push(Violation::new(
                doc.id(),
                Rule::CrossTenantEdge,
                format!(
                    "{} {} is outside the edge's tenant {tenant}",
                    attr.name(n),
                    end.id(n)
                ),
            ));
        }
    }
    let pair = (e.from.collection, e.to.collection);
    if !doc.collection.endpoints().contains(&pair) {
        out.push(Violation::new(
            doc.id(),
            Rule::EdgeEndpoint,
            format!(
                "{} may not join {} to {}",
                doc.collection.name(n),
                pair.0.name(n),
                pair.1.name(n)
            ),
        ));
    }
    for (attr, declared, actual) in [
        (Attr::FromType, e.from_type, e.from.collection),
        (Attr::ToType, e.to_type, e.to.collection),
    ] {
        if declared != actual {
            out.push(Violation::new(
                doc.id(),
                Rule::EdgeEndpoint,
                format!(
                    "{} is {} but the vertex is in {}",
                    attr.name(n),
                    declared.name(n),
                    actual.name(n)
                ),
            ));
        }
    }
    if (doc.collection == Collection::HasConnection) != e.connection.is_some() {
        out.push(Violation::new(
            doc.id(),
            Rule::Malformed,
            "connection attributes belong on hasConnection edges, and only there",
        ));
    }
    if doc.collection == Collection::HasConnection && e.from.key == e.to.key {
        out.push(Violation::new(
            doc.id(),
            Rule::SelfLoop,
            format!("connects device {} to itself", e.from.key),
        ));
    }
    if doc.collection == Collection::HasVersion {
        let (proxy, version) =
            if matches!(e.to.collection, Collection::Device | Collection::Software) {
                (&e.from, &e.to)
            } else {
                (&e.to, &e.from)
            };
        if let Some((entity, _)) = split_version_key(&version.key) {
            if entity != proxy.key {
                out.push(Violation::new(
                    doc.id(),
                    Rule::EdgeEndpoint,
                    format!(
                        "joins proxy {} to another entity's version {}",
                        proxy.id(n),
                        version.id(n)
                    ),
                ));
            }
        }
    }
    out
}

/// Isolation rule 4: each collection holds exactly the spec's count for `scale`. `counts`
/// is indexed by [`Collection::index`].
pub fn check_counts(counts: &[u64; 11], scale: ScaleFactor, naming: Naming) -> Vec<Violation> {
    Collection::ALL
        .iter()
        .filter_map(|&c| {
            let (have, want) = (counts[c.index()], c.expected_count(scale));
            (have != want).then(|| {
                Violation::new(
                    c.name(naming),
                    Rule::Count,
                    format!(
                        "{} holds {have} of the tenant's documents; scale factor {scale} requires {want}",
                        c.name(naming)
                    ),
                )
            })
        })
        .collect()
}
