//! Server-side services: everything the web console and the CLI do goes through
//! here, so both shells stay thin and behave the same.

pub mod access;
pub mod activity;
pub mod audit;
pub mod clock;
pub mod config;
pub mod console;
pub mod error;
pub mod health;
pub mod jobs;
pub mod metrics;
pub mod operations;
pub mod preflight;
pub mod store;
pub mod streams;
pub mod visibility;

pub use config::{ConsoleConfig, Secret, SITE_WASM_FILE};
pub use console::Console;
pub use error::{ErrorKind, ServiceError};
