//! The streaming validator: feed it a tenant's documents in any order and in any number of
//! batches, then `finish()`. Per-document rules run as documents arrive; rules that need
//! the whole tenant (counts, chains, dangling endpoints, installations) keep compact state
//! (fingerprints, version summaries, a few keys) and run at the end.

use serde_json::Value;

use super::chains::{check_chain, content_fingerprint, VersionInfo};
use super::rules::{check_counts, check_edge, check_interval, check_key, check_tenant};
use super::{Rule, Violation};
use crate::collection::Collection;
use crate::document::{Body, DeviceType, Document, Edge, VertexRef};
use crate::generator::Batch;
use crate::hashing::{fingerprint, DetHashMap, DetHashSet};
use crate::keys::{key_tenant, split_version_key};
use crate::naming::{Attr, Naming};
use crate::tenant::{ScaleFactor, TenantId};
use crate::time::Interval;

fn vertex_hash(collection: Collection, key: &str) -> u64 {
    fingerprint(&(collection, key))
}

/// Validates one tenant's documents; see the module docs.
#[derive(Debug)]
pub struct Validator {
    tenant: TenantId,
    scale: ScaleFactor,
    naming: Naming,
    counts: [u64; 11],
    /// Fingerprints of every (collection, key) seen: duplicate keys and dangling endpoints.
    seen: DetHashSet<u64>,
    /// Versions per (Device|Software, entity key).
    chains: DetHashMap<(Collection, String), Vec<VersionInfo>>,
    routers: DetHashSet<String>,
    programs: DetHashSet<String>,
    installed: DetHashSet<String>,
    /// (edge id, device key) of every installation, checked against routers at the end.
    installs: Vec<(String, String)>,
    connections: DetHashSet<(String, String)>,
    /// Endpoints not seen yet when their edge arrived: (hash, edge id, endpoint id).
    pending_endpoints: Vec<(u64, String, String)>,
    /// hasVersion edges whose version had not arrived yet.
    pending_version_edges: Vec<(String, VertexRef, Interval)>,
    violations: Vec<Violation>,
}

impl Validator {
    /// A validator for `tenant`'s documents, stored with `naming`, at scale factor `scale`.
    pub fn new(tenant: TenantId, scale: ScaleFactor, naming: Naming) -> Self {
        Validator {
            tenant,
            scale,
            naming,
            counts: [0; 11],
            seen: DetHashSet::default(),
            chains: DetHashMap::default(),
            routers: DetHashSet::default(),
            programs: DetHashSet::default(),
            installed: DetHashSet::default(),
            installs: Vec::new(),
            connections: DetHashSet::default(),
            pending_endpoints: Vec::new(),
            pending_version_edges: Vec::new(),
            violations: Vec::new(),
        }
    }

    /// Documents fed so far.
    pub fn documents_seen(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Violations found so far (per-document rules only; whole-tenant rules run at
    /// [`Validator::finish`]).
    pub fn violations_so_far(&self) -> usize {
        self.violations.len()
    }

    pub fn feed_batch(&mut self, batch: &Batch) {
        self.feed_all(&batch.documents);
    }

    pub fn feed_all<'a>(&mut self, docs: impl IntoIterator<Item = &'a Document>) {
        for d in docs {
            self.feed(d);
        }
    }

    /// Feeds one stored JSON document of `collection` (as a back end returns it). A
    /// document that does not parse counts towards its collection and is reported as
    /// [`Rule::TenantAttribute`] (tenant attribute missing or invalid) or
    /// [`Rule::Malformed`].
    pub fn feed_json(&mut self, collection: Collection, value: &Value) {
        match Document::from_json(collection, self.naming, value) {
            Ok(doc) => self.feed(&doc),
            Err(e) => {
                self.counts[collection.index()] += 1;
                let rule = if e.problem.attr() == Some(Attr::TenantId) {
                    Rule::TenantAttribute
                } else {
                    Rule::Malformed
                };
                let message = e.problem.to_string();
                self.violations.push(Violation::new(e.id, rule, message));
            }
        }
    }

    /// Feeds one document.
    pub fn feed(&mut self, doc: &Document) {
        self.counts[doc.collection.index()] += 1;
        if !doc.body_fits_collection() {
            self.violations.push(Violation::new(
                doc.id(),
                Rule::Malformed,
                format!(
                    "its contents are not those of a {} document",
                    doc.collection.name(doc.naming)
                ),
            ));
            return;
        }
        if !self.seen.insert(vertex_hash(doc.collection, &doc.key)) {
            self.violations.push(Violation::new(
                doc.id(),
                Rule::DuplicateKey,
                format!("key {:?} appears more than once", doc.key),
            ));
            return;
        }
        self.violations.extend(check_tenant(doc, self.tenant));
        self.violations.extend(check_key(doc, self.tenant));
        self.violations.extend(check_interval(doc));
        match &doc.body {
            Body::Device(_) | Body::Software(_) => self.feed_version(doc),
            Body::Proxy if doc.collection == Collection::SoftwareProxyIn => {
                self.programs.insert(doc.key.clone());
            }
            Body::Edge(e) => self.feed_edge(doc, e),
            _ => {}
        }
    }

    fn feed_version(&mut self, doc: &Document) {
        let Some((entity, n)) = split_version_key(&doc.key) else {
            self.violations.push(Violation::new(
                doc.id(),
                Rule::KeyFormat,
                format!(
                    "version key {:?} does not end in -<version number>",
                    doc.key
                ),
            ));
            return;
        };
        if let Body::Device(d) = &doc.body {
            if d.device_type == DeviceType::Router {
                self.routers.insert(entity.to_owned());
            }
        }
        let info = VersionInfo {
            n,
            interval: doc.interval().expect("versions have intervals"),
            fingerprint: content_fingerprint(&doc.body).expect("versions have contents"),
        };
        self.chains
            .entry((doc.collection, entity.to_owned()))
            .or_default()
            .push(info);
    }

    fn feed_edge(&mut self, doc: &Document, e: &Edge) {
        self.violations.extend(check_edge(doc));
        let tenant = self.tenant.as_str();
        for end in [&e.from, &e.to] {
            // Endpoints in other tenants are CrossTenantEdge violations already.
            if key_tenant(&end.key) != Some(tenant) {
                continue;
            }
            let h = vertex_hash(end.collection, &end.key);
            if !self.seen.contains(&h) {
                self.pending_endpoints
                    .push((h, doc.id(), end.id(doc.naming)));
            }
        }
        match doc.collection {
            Collection::HasConnection => {
                let pair = if e.from.key <= e.to.key {
                    (e.from.key.clone(), e.to.key.clone())
                } else {
                    (e.to.key.clone(), e.from.key.clone())
                };
                if e.from.key != e.to.key && !self.connections.insert(pair) {
                    self.violations.push(Violation::new(
                        doc.id(),
                        Rule::DuplicateConnection,
                        format!("{} and {} are already connected", e.from.key, e.to.key),
                    ));
                }
            }
            Collection::HasDeviceSoftware => {
                self.installs.push((doc.id(), e.from.key.clone()));
                self.installed.insert(e.to.key.clone());
            }
            Collection::HasVersion => {
                let version =
                    if matches!(e.to.collection, Collection::Device | Collection::Software) {
                        &e.to
                    } else {
                        &e.from
                    };
                if !self.check_version_edge(&doc.id(), version, e.interval()) {
                    self.pending_version_edges
                        .push((doc.id(), version.clone(), e.interval()));
                }
            }
            _ => {}
        }
    }

    /// Compares a hasVersion edge's interval with its version's; false if the version has
    /// not been seen (yet).
    fn check_version_edge(
        &mut self,
        edge_id: &str,
        version: &VertexRef,
        interval: Interval,
    ) -> bool {
        let Some((entity, n)) = split_version_key(&version.key) else {
            return true; // The version itself is reported under KeyFormat.
        };
        let Some(chain) = self.chains.get(&(version.collection, entity.to_owned())) else {
            return false;
        };
        let Some(v) = chain.iter().find(|v| v.n == n) else {
            return false;
        };
        if v.interval != interval {
            self.violations.push(Violation::new(
                edge_id,
                Rule::VersionEdgeInterval,
                format!(
                    "carries [{}, {}) but {} is valid [{}, {})",
                    interval.created,
                    interval.expired,
                    version.id(self.naming),
                    v.interval.created,
                    v.interval.expired
                ),
            ));
        }
        true
    }

    /// Runs the whole-tenant rules and returns every violation, sorted by document id and
    /// rule (so the result does not depend on the order documents were fed in).
    pub fn finish(mut self) -> Vec<Violation> {
        let naming = self.naming;
        self.violations
            .extend(check_counts(&self.counts, self.scale, naming));

        for ((collection, entity), versions) in self.chains.iter_mut() {
            self.violations
                .extend(check_chain(*collection, naming, entity, versions));
        }

        for (h, edge, end) in std::mem::take(&mut self.pending_endpoints) {
            if !self.seen.contains(&h) {
                self.violations.push(Violation::new(
                    edge,
                    Rule::DanglingEndpoint,
                    format!("points at {end}, which the tenant does not have"),
                ));
            }
        }
        for (edge, version, interval) in std::mem::take(&mut self.pending_version_edges) {
            // Still unseen: the dangling-endpoint rule has reported it.
            self.check_version_edge(&edge, &version, interval);
        }
        for (edge, device) in &self.installs {
            if self.routers.contains(device) {
                self.violations.push(Violation::new(
                    edge.clone(),
                    Rule::SoftwareOnRouter,
                    format!("installs software on router {device}"),
                ));
            }
        }
        for program in &self.programs {
            if !self.installed.contains(program) {
                self.violations.push(Violation::new(
                    format!("{}/{program}", Collection::SoftwareProxyIn.name(naming)),
                    Rule::ProgramNotInstalled,
                    format!("program {program} is installed on no device"),
                ));
            }
        }
        self.violations.sort();
        self.violations
    }
}

/// Runs every rule over `docs` (one tenant's documents, any order).
pub fn validate<'a>(
    tenant: TenantId,
    scale: ScaleFactor,
    naming: Naming,
    docs: impl IntoIterator<Item = &'a Document>,
) -> Vec<Violation> {
    let mut v = Validator::new(tenant, scale, naming);
    v.feed_all(docs);
    v.finish()
}
