//! The ArangoDB back end: the cluster port over ArangoDB's HTTP API, for a cluster
//! (through a Coordinator) or a single server.
//!
//! - Connects with a JWT from `/_open/auth` (renewed before it expires, and once on a 401)
//!   or basic auth; the password is a [`Secret`] that never prints.
//! - Creates the database and the Disjoint SmartGraph with its indexes; an existing graph
//!   that differs is reported, never dropped.
//! - Loads through `/_api/import` (`onDuplicate=ignore`, bounded concurrency, retries),
//!   reads through AQL with bind variables only, moves shard groups through moveShard jobs.
//!
//! See `API.md` beside the project (`../shared/arangodb/`) for the endpoints and their traps.

mod aql;
mod auth;
mod backend;
mod client;
mod cluster;
mod config;
mod envelope;
mod error;
mod import;
mod layout;
mod moves;
mod provisioning;
mod queries;
mod rebalance;
mod schema;
mod secret;
mod shards;
mod topology;
mod weights;

pub use cluster::ArangoCluster;
pub use config::{ArangoConfig, AuthMethod, RetryPolicy};
pub use error::ArangoError;
pub use rebalance::{Imbalance, RebalanceMove, RebalanceOptions, RebalancePlan};
pub use secret::Secret;
pub use topology::{Edition, ServerDescription};

/// A fake ArangoDB that behaves as the real one does around moves, cancels and failures
/// (see `moves.md`): for this crate's tests and, with the `fake` feature, for the console's
/// end-to-end tests through the CLI and the HTTP API.
#[cfg(any(test, feature = "fake"))]
pub mod fake;

#[cfg(test)]
mod tests;
