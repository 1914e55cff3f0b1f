//! Components shared by several pages.

pub mod preflight;
pub mod progress;
