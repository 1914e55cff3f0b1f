//! The HTML document around the app, rendered once per page on the server.

use leptos::prelude::*;
use leptos_meta::MetaTags;

use crate::app::App;
use crate::components::chrome::head_basics;

/// The full document: the server renders it, then the wasm bundle hydrates `<body>`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use_csp_nonce();
    // Under the build's name when there is one (cached for good; see server/src/assets.rs).
    let css = format!("/{}/scaleout.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                {head_basics(css)}
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

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
