//! The pure domain of scaleout: the network-asset data every tenant gets
//! (`shared/domain/network-assets.md`), its Disjoint SmartGraph schema, a deterministic
//! streaming generator, the isolation/integrity rules and a point-in-time view.
//!
//! No I/O, no clocks, no threads, no randomness source: callers pass seeds and times, so
//! the same crate runs in the server, the simulator and the browser (wasm32).

pub mod access;
pub mod activity;
pub mod audit;
pub mod bulk_progress;
mod collection;
pub mod console;
mod document;
mod error;
pub mod execution;
mod generator;
mod hashing;
pub mod keys;
pub mod name_key;
mod naming;
pub mod network_page;
pub mod planner;
mod point_in_time;
pub mod port;
mod prng;
pub mod progress;
pub mod rebalance_progress;
mod schema;
mod tenant;
pub mod tenant_placement;
pub mod tenant_weight;
pub mod time;
pub mod units;
mod validation;
pub mod views;

pub use collection::{documents_per_tenant, Collection, CollectionKind, DOCUMENTS_PER_SCALE_UNIT};
pub use document::{
    Body, ConnectionInfo, ConnectionType, Device, DeviceType, Document, Edge, GeoPoint, Location,
    Software, SoftwareType, VertexRef,
};
pub use error::{
    DocumentError, DocumentProblem, DomainError, NamingError, ScaleFactorError, SchemaError,
    TenantIdError, TenantNameError,
};
pub use generator::{Batch, Batches, CollectionDocuments, Generator, DEFAULT_BATCH_SIZE};
pub use naming::{Attr, Naming};
pub use network_page::{NetworkPage, NetworkTotals};
pub use point_in_time::{
    snapshot_at, ConnectionAt, DeviceAt, Link, LocationAt, PointInTime, Snapshot, SoftwareAt,
};
pub use schema::{
    network_assets_graph, network_assets_indexes, CollectionIndex, EdgeDefinition, GraphDefinition,
    GraphOptions, IndexDefinition, DEFAULT_NUMBER_OF_SHARDS, GRAPH_NAME, MAX_NUMBER_OF_SHARDS,
    REPLICATION_FACTOR,
};
pub use tenant::{ScaleFactor, Tenant, TenantId, TenantName, TenantStatus};
pub use time::{Interval, FOREVER};
pub use validation::{
    check_chain, check_counts, check_edge, check_interval, check_key, check_tenant,
    content_fingerprint, validate, Rule, Validator, VersionInfo, Violation,
};
