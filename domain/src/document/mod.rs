//! Documents: what the generator produces, storage back ends store and validators read.
//!
//! A document is typed (cheap to build, impossible to misspell) and carries its naming
//! convention, so `serde_json::to_writer(&mut buf, &doc)` writes exactly what goes into the
//! database (`hostName` or `host_name`, ...). [`Document::from_json`] reads that JSON back,
//! ignoring extra system attributes such as `_id` and `_rev`.

mod fields;
mod parse;
mod serialize;

pub use fields::{
    ConnectionInfo, ConnectionType, Device, DeviceType, Edge, GeoPoint, Location, Software,
    SoftwareType, VertexRef,
};

use crate::collection::{Collection, CollectionKind};
use crate::error::DocumentError;
use crate::naming::Naming;
use crate::tenant::TenantId;
use crate::time::Interval;

/// A document's contents, by kind of collection.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Device(Device),
    Software(Software),
    Location(Location),
    /// Proxies carry only key and tenant.
    Proxy,
    Edge(Edge),
}

/// One document of one tenant in one collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub collection: Collection,
    /// The convention its attribute (and referenced collection) names are written in.
    pub naming: Naming,
    /// `_key`, in SmartGraph form.
    pub key: String,
    /// The tenant attribute (`tenantId` / `tenant_id`).
    pub tenant: TenantId,
    pub body: Body,
}

impl Document {
    /// `<Collection>/<key>` (ArangoDB's `_id`).
    pub fn id(&self) -> String {
        format!("{}/{}", self.collection.name(self.naming), self.key)
    }

    /// This document as an edge endpoint.
    pub fn vertex_ref(&self) -> VertexRef {
        VertexRef::new(self.collection, self.key.clone())
    }

    /// The validity interval; `None` for proxies, which have no time fields.
    pub fn interval(&self) -> Option<Interval> {
        match &self.body {
            Body::Device(d) => Some(d.interval()),
            Body::Software(s) => Some(s.interval()),
            Body::Location(l) => Some(l.interval()),
            Body::Edge(e) => Some(e.interval()),
            Body::Proxy => None,
        }
    }

    /// Valid at `t` (`created <= t < expired`); proxies are timeless, so always.
    pub fn is_valid_at(&self, t: i64) -> bool {
        self.interval().is_none_or(|i| i.contains(t))
    }

    pub fn as_edge(&self) -> Option<&Edge> {
        match &self.body {
            Body::Edge(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the body is the kind the collection holds (always so for generated or
    /// parsed documents; hand-built ones could mix them up).
    pub fn body_fits_collection(&self) -> bool {
        matches!(
            (&self.body, self.collection, self.collection.kind()),
            (Body::Device(_), Collection::Device, _)
                | (Body::Software(_), Collection::Software, _)
                | (Body::Location(_), Collection::Location, _)
                | (Body::Proxy, _, CollectionKind::ProxyVertex)
                | (Body::Edge(_), _, CollectionKind::Edge)
        )
    }

    /// The stored JSON form as a value.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("documents always serialize")
    }

    /// Reads a stored document of `collection`, written in `naming`, back. Extra attributes
    /// (`_id`, `_rev`, ...) are ignored; missing or mistyped ones are reported.
    pub fn from_json(
        collection: Collection,
        naming: Naming,
        value: &serde_json::Value,
    ) -> Result<Document, DocumentError> {
        parse::parse(collection, naming, value)
    }
}

#[cfg(test)]
mod tests;
