//! The HTML document around the app, rendered once per page on the server.

use leptos::prelude::*;
use leptos_meta::MetaTags;

use crate::app::App;

/// The full document: the server renders it, then the wasm bundle hydrates `<body>`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use_csp_nonce();
    // Under the build's name when there is one (cached for good; see server/src/assets.rs).
    let css = format!("/{}/scaleout.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href=FAVICON type="image/svg+xml" />
                <link rel="stylesheet" href=css />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// public/favicon.svg, in the page itself: a cold visit saves a request (on a phone link,
/// a round trip and its headers) for 200 bytes of HTML.
pub(crate) const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect x='4' y='4' width='24' height='24' rx='4' transform='rotate(45 16 16)' fill='%232456c8'/%3E%3Ccircle cx='16' cy='16' r='4' fill='%23fff'/%3E%3C/svg%3E";

/// The access guard chose this response's Content-Security-Policy nonce; the
/// hydration scripts carry it, so they run and injected ones do not.
pub(crate) fn use_csp_nonce() {
    #[cfg(feature = "ssr")]
    if let Some(nonce) = use_context::<axum::http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<scaleout_services::access::CspNonce>()
            .cloned()
    }) {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}
