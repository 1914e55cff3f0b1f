//! What every page has around its content, in the console and in the visitors' app: the
//! document's head, the skip link and brand, the footer. One place, so the two apps look
//! and read the same.

use leptos::prelude::*;

/// public/favicon.svg, in the page itself: a cold visit saves a request (on a phone link,
/// a round trip and its headers) for 200 bytes of HTML.
pub const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect x='4' y='4' width='24' height='24' rx='4' transform='rotate(45 16 16)' fill='%232456c8'/%3E%3Ccircle cx='16' cy='16' r='4' fill='%23fff'/%3E%3C/svg%3E";

/// The head's fixed part: encoding, viewport, colour scheme, icon, the stylesheet `css`.
pub fn head_basics(css: String) -> impl IntoView {
    view! {
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" href=FAVICON type="image/svg+xml" />
        <link rel="stylesheet" href=css />
    }
}

/// The link past the navigation, for the keyboard.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
    }
}

/// The brand, linking home.
#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true">"◆"</span>
            " scaleout"
        </a>
    }
}

/// The footer.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="bottom">
            <p>"scaleout: the network inventories of many companies in one shared graph database, each kept apart."</p>
        </footer>
    }
}
