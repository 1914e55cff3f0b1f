//! The tenant data generator: (tenant, scale factor, naming, creation time) -> every
//! collection's documents, exactly as the spec counts them.
//!
//! Every entity (device, program, location, connection, installation) has its own random
//! stream seeded from the tenant id, so any entity can be produced on its own: documents
//! stream out collection by collection with only a handful in memory at a time (plus the
//! 30 s connection pairs, a few hundred KiB at s = 1000), and the output is identical on
//! every run and platform. Repeating an interrupted seeding therefore creates no
//! duplicates.

mod catalog;
mod connections;
mod devices;
mod installs;
mod locations;
mod software;
mod versions;

use std::collections::VecDeque;

use crate::collection::Collection;
use crate::document::{Body, ConnectionInfo, Document, Edge, VertexRef};
use crate::naming::Naming;
use crate::tenant::{ScaleFactor, Tenant, TenantId, TenantName};
use crate::time::{Interval, VERSIONS_PER_ENTITY};

/// A batch size that keeps import requests around a few hundred KiB.
pub const DEFAULT_BATCH_SIZE: usize = 1000;

/// Everything the generator's output depends on.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub tenant: TenantId,
    pub seed: u64,
    pub tenant_name: String,
    pub scale: u64,
    pub created_at: i64,
    pub naming: Naming,
}

impl Ctx {
    pub fn devices(&self) -> u64 {
        20 * self.scale
    }
    pub fn programs(&self) -> u64 {
        30 * self.scale
    }
    pub fn locations(&self) -> u64 {
        5 * self.scale
    }
    pub fn connections(&self) -> u64 {
        30 * self.scale
    }
    pub fn installs(&self) -> u64 {
        40 * self.scale
    }

    pub fn doc(&self, collection: Collection, key: String, body: Body) -> Document {
        Document {
            collection,
            naming: self.naming,
            key,
            tenant: self.tenant,
            body,
        }
    }

    /// An edge document; `_fromType`/`_toType` are the endpoints' collections.
    pub fn edge(
        &self,
        collection: Collection,
        key: String,
        from: VertexRef,
        to: VertexRef,
        interval: Interval,
        connection: Option<ConnectionInfo>,
    ) -> Document {
        let (from_type, to_type) = (from.collection, to.collection);
        self.doc(
            collection,
            key,
            Body::Edge(Edge {
                from,
                to,
                from_type,
                to_type,
                created: interval.created,
                expired: interval.expired,
                connection,
            }),
        )
    }

    /// Relationships and locations are valid from the tenant's creation on.
    pub fn since_creation(&self) -> Interval {
        Interval::from(self.created_at)
    }
}

/// Generates one tenant's documents. Cheap to create and clone; iterators own their state.
#[derive(Debug, Clone)]
pub struct Generator {
    ctx: Ctx,
}

impl Generator {
    /// The generator for `tenant`'s data in a database using `naming`.
    pub fn new(tenant: &Tenant, naming: Naming) -> Self {
        Self::from_parts(
            tenant.id,
            &tenant.name,
            tenant.scale_factor,
            tenant.created_at,
            naming,
        )
    }

    /// `created_at` (epoch seconds) is the tenant's creation time: current versions and all
    /// relationships start there, history reaches 25 days back.
    pub fn from_parts(
        tenant: TenantId,
        name: &TenantName,
        scale: ScaleFactor,
        created_at: i64,
        naming: Naming,
    ) -> Self {
        Generator {
            ctx: Ctx {
                tenant,
                seed: tenant.seed(),
                tenant_name: name.as_str().to_owned(),
                scale: u64::from(scale.get()),
                created_at,
                naming,
            },
        }
    }

    pub fn tenant(&self) -> TenantId {
        self.ctx.tenant
    }

    pub fn naming(&self) -> Naming {
        self.ctx.naming
    }

    /// Documents this generator emits for `collection` (the spec's count).
    pub fn count(&self, collection: Collection) -> u64 {
        collection.per_scale_unit() * self.ctx.scale
    }

    /// All documents: 1,095 x scale factor.
    pub fn total(&self) -> u64 {
        Collection::ALL.iter().map(|&c| self.count(c)).sum()
    }

    /// One collection's documents, in a stable order.
    pub fn documents(&self, collection: Collection) -> CollectionDocuments {
        let ctx = &self.ctx;
        let entities = match collection {
            Collection::Device
            | Collection::DeviceProxyIn
            | Collection::DeviceProxyOut
            | Collection::HasLocation => ctx.devices(),
            Collection::Software | Collection::SoftwareProxyIn | Collection::SoftwareProxyOut => {
                ctx.programs()
            }
            Collection::Location => ctx.locations(),
            Collection::HasConnection => ctx.connections(),
            Collection::HasDeviceSoftware => ctx.installs(),
            Collection::HasVersion => ctx.devices() + ctx.programs(),
        };
        CollectionDocuments {
            ctx: ctx.clone(),
            collection,
            next_entity: 0,
            entities,
            remaining: self.count(collection),
            buf: VecDeque::with_capacity(2 * VERSIONS_PER_ENTITY as usize),
            pairs: Vec::new(),
        }
    }

    /// Every document, collection by collection (vertices first).
    pub fn all_documents(&self) -> impl Iterator<Item = Document> {
        let this = self.clone();
        Collection::ALL
            .into_iter()
            .flat_map(move |c| this.documents(c))
    }

    /// Every document in batches of at most `batch_size` (0 counts as 1); a batch never
    /// spans two collections, so each maps to one import request.
    pub fn batches(&self, batch_size: usize) -> Batches {
        Batches {
            generator: self.clone(),
            next_collection: 0,
            current: None,
            batch_size: batch_size.max(1),
        }
    }
}

/// One collection's documents; see [`Generator::documents`].
#[derive(Debug)]
pub struct CollectionDocuments {
    ctx: Ctx,
    collection: Collection,
    next_entity: u64,
    entities: u64,
    remaining: u64,
    buf: VecDeque<Document>,
    /// hasConnection only: the device pairs, computed on first use.
    pairs: Vec<(u32, u32)>,
}

impl CollectionDocuments {
    pub fn collection(&self) -> Collection {
        self.collection
    }

    fn emit(&mut self, entity: u64) {
        let ctx = &self.ctx;
        let out = &mut self.buf;
        match self.collection {
            Collection::Device => devices::versions(ctx, entity, out),
            Collection::DeviceProxyIn | Collection::DeviceProxyOut => {
                out.push_back(devices::proxy(ctx, self.collection, entity))
            }
            Collection::Software => software::versions(ctx, entity, out),
            Collection::SoftwareProxyIn | Collection::SoftwareProxyOut => {
                out.push_back(software::proxy(ctx, self.collection, entity))
            }
            Collection::Location => out.push_back(locations::location(ctx, entity)),
            Collection::HasConnection => {
                if self.pairs.is_empty() {
                    self.pairs = connections::pairs(ctx);
                }
                let pair = self.pairs[entity as usize];
                out.push_back(connections::connection(ctx, entity, pair))
            }
            Collection::HasLocation => out.push_back(locations::has_location(ctx, entity)),
            Collection::HasDeviceSoftware => out.push_back(installs::install(ctx, entity)),
            Collection::HasVersion => {
                if entity < ctx.devices() {
                    versions::has_version_edges(ctx, versions::Entity::Device, entity, out)
                } else {
                    let p = entity - ctx.devices();
                    versions::has_version_edges(ctx, versions::Entity::Software, p, out)
                }
            }
        }
    }
}

impl Iterator for CollectionDocuments {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        loop {
            if let Some(d) = self.buf.pop_front() {
                self.remaining -= 1;
                return Some(d);
            }
            if self.next_entity >= self.entities {
                return None;
            }
            let e = self.next_entity;
            self.next_entity += 1;
            self.emit(e);
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.remaining).unwrap_or(usize::MAX);
        (n, Some(n))
    }
}

impl ExactSizeIterator for CollectionDocuments {}

/// Up to `batch_size` documents of one collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub collection: Collection,
    pub documents: Vec<Document>,
}

/// See [`Generator::batches`].
#[derive(Debug)]
pub struct Batches {
    generator: Generator,
    next_collection: usize,
    current: Option<CollectionDocuments>,
    batch_size: usize,
}

impl Iterator for Batches {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        loop {
            let docs = match &mut self.current {
                Some(it) => it,
                None => {
                    let c = *Collection::ALL.get(self.next_collection)?;
                    self.next_collection += 1;
                    self.current.insert(self.generator.documents(c))
                }
            };
            let collection = docs.collection();
            let documents: Vec<Document> = docs.by_ref().take(self.batch_size).collect();
            if documents.is_empty() {
                self.current = None;
                continue;
            }
            return Some(Batch {
                collection,
                documents,
            });
        }
    }
}

#[cfg(test)]
mod tests;
