//! Server functions, grouped by area. Each has a stable endpoint under `/api`.

pub mod console;
#[cfg(feature = "ssr")]
pub(crate) mod server;
