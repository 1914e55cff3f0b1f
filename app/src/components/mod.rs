//! Components shared by several pages.

pub mod errors;
pub mod follow;
pub mod job_watch;
pub mod preflight;
pub mod progress;
