//! The scaleout web console: rendered on the server, hydrated in the browser.
// Leptos view types nest deeply; the portal page's resolve passes the default 128.
#![recursion_limit = "256"]

pub mod api;
mod app;
mod components;
mod pages;
mod routes;
mod shell;

pub use app::App;
pub use shell::shell;

/// Browser entry point, called by the hydration script once the wasm is loaded.
/// Hydration waits for the page's own wasm module (every page is a lazy route), then
/// marks `<body data-hydrated>`: from then on clicks are handled by the app (the tests,
/// and people debugging, wait for it).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async move {
        let body = leptos::prelude::document()
            .body()
            .expect("a page has a body");
        let app = leptos::mount::hydrate_from_async(body.clone(), App).await;
        app.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
