//! The scaleout server: the web console over axum, and the CLI commands.
//! Both are thin shells over `scaleout_services`.

pub mod access;
pub mod assets;
pub mod cli;
pub mod connections;
pub mod health;
pub mod metrics;
pub mod openapi;
pub mod reports;
pub mod shutdown;
pub mod site;
pub mod watch_pages;
pub mod web;
