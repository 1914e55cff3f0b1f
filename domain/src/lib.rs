//! scaleout's pure domain: the data model and rules, with no I/O, so it builds
//! for the server and for the browser (wasm32) alike.

pub mod console;
pub mod progress;
