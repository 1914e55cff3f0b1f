//! The scaleout web console: rendered on the server, hydrated in the browser.
// Leptos view types nest deeply; the portal page's resolve passes the default 128.
#![recursion_limit = "256"]
// The visitors' and the portal's bundles (features `public-bundle`, `portal-bundle`)
// leave the console's pages unused on purpose.
#![cfg_attr(
    any(feature = "public-bundle", feature = "portal-bundle"),
    allow(dead_code, unused_imports)
)]

pub mod api;
#[cfg(not(any(feature = "public-bundle", feature = "portal-bundle")))]
mod app;
mod components;
mod pages;
pub mod portal_app;
pub mod public;
#[cfg(not(any(feature = "public-bundle", feature = "portal-bundle")))]
mod routes;
#[cfg(not(any(feature = "public-bundle", feature = "portal-bundle")))]
mod shell;

#[cfg(not(any(feature = "public-bundle", feature = "portal-bundle")))]
pub use app::App;
#[cfg(not(any(feature = "public-bundle", feature = "portal-bundle")))]
pub use shell::shell;

/// Browser entry point, called by the hydration script once the wasm is loaded.
/// Hydration waits for the page's own wasm module (every page is a lazy route), then
/// marks `<body data-hydrated>`: from then on clicks are handled by the app (the tests,
/// and people debugging, wait for it).
#[cfg(all(
    feature = "hydrate",
    not(any(feature = "public-bundle", feature = "portal-bundle"))
))]
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

/// The public bundle's entry point (same name: the hydration script calls `hydrate`).
#[cfg(feature = "public-bundle")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Nothing in it loads lazily: plain (synchronous) hydration, and none of the code
    // that waits for modules.
    leptos::mount::hydrate_body(public::PublicApp);
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// The portal bundle's entry point (same name: the hydration script calls `hydrate`).
#[cfg(feature = "portal-bundle")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(portal_app::PortalApp);
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
