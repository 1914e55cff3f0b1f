//! Long operations run as jobs: stored with their parameters, state, ordered
//! progress events and result; watched live by any number of browsers or a CLI;
//! resumable after a crash because every job is idempotent given its spec.

mod context;
mod manager;
pub mod precheck;
mod spec;
mod watch;

pub use context::JobCtx;
pub use manager::Jobs;
pub use spec::{JobSpec, NewTenant};
