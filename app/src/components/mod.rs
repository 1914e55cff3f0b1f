//! Components shared by several pages.

pub mod errors;
pub mod follow;
pub mod job_watch;
pub mod network_explorer;
pub mod network_layout;
pub mod preflight;
pub mod progress;
