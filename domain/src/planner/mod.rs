//! The rebalance planner (issue 5): a pure, deterministic planner of shard moves that
//! balances real sizes, keeps SmartGraph shard groups together, plans for servers that do
//! not exist yet (what-if) and for servers to drain, and says how good its plan is.
//!
//! No I/O, no clock, no threads: it runs in the server, the CLI and the browser (wasm32).
//!
//! * [`plan`] turns a [`ClusterSnapshot`] and [`PlanOptions`] into a [`Plan`]
//!   (algorithm in [`plan`](self::plan()) and its module docs, lower bound in [`bounds`],
//!   figures including ArangoDB's own imbalance scores in [`metrics`]).
//! * [`snapshot_from_json`] reads a saved ArangoDB shardDistribution response (with an
//!   optional sizes file) or the console's own snapshot; [`render_text`] prints a plan.

mod balance;
pub mod bounds;
mod error;
mod exact;
mod explain;
mod import;
pub mod metrics;
mod options;
mod plan;
mod record;
mod render;
mod search;
mod snapshot;
mod state;
mod target;

pub use error::PlanError;
pub use import::snapshot_from_json;
pub use metrics::{ArangoImbalance, Figures, ServerFigures, Stats, ARANGO_SHARD_SIZE, PI_FACTOR};
pub use options::{what_if_name, BalanceTarget, PlanOptions};
pub use plan::{plan, Plan, PlannedMove, Role, StepKind};
pub use render::render_text;
pub use snapshot::{ClusterSnapshot, Health, SnapshotGroup, SnapshotServer};
