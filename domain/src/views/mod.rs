//! What the console shows and the CLI prints: plain data produced by the
//! services on the server and read by the browser, so it lives here, in the
//! crate both sides share.

mod cluster;
mod demo;
mod jobs;
mod operations;
mod summary;
mod tenants;

pub use cluster::{
    AddedServers, GroupRow, RemovedServer, ServerLoad, ServerReport, ShardReport, TenantOrder,
    TenantRef, TenantRow, TenantSlice, MAX_DB_SERVERS, MAX_SERVERS_PER_ADD,
};
pub use demo::{
    DemoCheck, DemoReport, Metrics, StepRecord, Summary, TenantCheck, ValidationSummary,
};
pub use jobs::{data_changes_during, meanwhile_note, JobLog, JobRecord, JobState};
pub use operations::{
    ExecutedMove, PlanReview, Rebalance, UnregisteredTenant, Validation, STALE_PLAN,
};
pub use summary::ConsoleSummary;
pub use tenants::{AddedTenant, ImportRowNote, ImportStarted, RemovedTenant, TenantDetail};
