//! The scaleout web console: rendered on the server, hydrated in the browser.
// Leptos view types nest deeply; the portal page's resolve passes the default 128.
#![recursion_limit = "256"]
// The bundles of their own (features `public-bundle`, `portal-bundle`, `watch-bundle`)
// leave the console's pages unused on purpose.
#![cfg_attr(
    any(
        feature = "public-bundle",
        feature = "portal-bundle",
        feature = "watch-bundle"
    ),
    allow(dead_code, unused_imports)
)]

/// Items of the console's own build, not of the bundles of their own.
macro_rules! console_only {
    ($($item:item)*) => {
        $(
            #[cfg(not(any(
                feature = "public-bundle",
                feature = "portal-bundle",
                feature = "watch-bundle"
            )))]
            $item
        )*
    };
}

pub mod api;
/// The site's icon as a data address, for pages the server writes itself.
pub use components::chrome::FAVICON;
mod components;
mod pages;
pub mod portal_app;
pub mod public;
// Only where it is rendered or hydrated: its lazily loaded pages are exported by the
// splitter's macro, which would keep them in every other bundle.
#[cfg(any(feature = "ssr", feature = "watch-bundle"))]
pub mod watch_app;

console_only! {
    mod app;
    mod routes;
    mod shell;
    pub use app::App;
    pub use shell::shell;
}

/// Browser entry point, called by the hydration script once the wasm is loaded.
/// Hydration waits for the page's own wasm module (every page is a lazy route), then
/// marks `<body data-hydrated>`: from then on clicks are handled by the app (the tests,
/// and people debugging, wait for it).
#[cfg(all(
    feature = "hydrate",
    not(any(
        feature = "public-bundle",
        feature = "portal-bundle",
        feature = "watch-bundle"
    ))
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

/// The watch bundle's entry point (same name: the hydration script calls `hydrate`).
/// The page's own module is loaded first (preloaded by the page's HTML), so the page
/// hydrates at once, as any other.
#[cfg(feature = "watch-bundle")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async move {
        watch_app::load_page().await;
        leptos::mount::hydrate_body(watch_app::WatchApp);
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
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
