//! Server-side services: everything the web console and the CLI do goes through
//! here, so both shells stay thin and behave the same.

pub mod clock;
pub mod config;
pub mod console;
pub mod error;
pub mod preflight;

pub use config::{ConsoleConfig, SITE_WASM_FILE};
pub use console::Console;
pub use error::ServiceError;
