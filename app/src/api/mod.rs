//! Server functions, grouped by area. Each has a stable endpoint under `/api`
//! and is called with POST.

pub mod access;
pub mod activity;
pub mod cluster;
pub mod console;
pub mod dashboard;
pub mod isolation;
pub mod jobs;
pub mod portal;
#[cfg(feature = "ssr")]
pub(crate) mod server;
pub mod signup;
pub mod team;
pub mod tenants;
