//! The embedded back end: a simulated ArangoDB-style cluster kept in one SQLite
//! file, so the console runs and demos with nothing to install.
//!
//! It behaves like a small ArangoDB cluster where it matters to users: documents go
//! to a shard by a stable hash of the tenant id, every SmartGraph collection follows
//! the first one's placement, shard groups move at a finite rate while reads and
//! writes go on, and a failed DB server's leaders fail over to in-sync followers.
//! Durability is real: WAL mode with full sync, one transaction per batch.

mod backend;
pub mod busy;
mod config;
mod documents;
mod moves;
mod placement;
mod store;
mod topology;

pub use backend::EmbeddedCluster;
pub use config::EmbeddedConfig;
pub use store::directory_problem;
