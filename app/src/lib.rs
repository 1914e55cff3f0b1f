//! The scaleout web console: rendered on the server, hydrated in the browser.
// Leptos view types nest deeply; the portal page's resolve passes the default 128.
#![recursion_limit = "256"]

pub mod api;
mod app;
mod components;
mod pages;
mod shell;

pub use app::App;
pub use shell::shell;

/// Browser entry point, called by the hydration script once the wasm is loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
