//! The customers' portal as an app of its own, hydrated by a bundle of its own
//! (`portal.js`, `portal_bg.wasm`, feature `portal-bundle`): no router, no operator
//! page, no planner in it. Customers open it on any device, often on slow links
//! (issue 19). The server renders `/portal` with [`portal_shell`]; the console's own
//! router still has the page, for links followed inside it.

use leptos::prelude::*;

use crate::components::chrome::{Footer, SkipLink};
use crate::pages;

/// The path this app renders, for the server's routing.
pub const PATH: &str = "/portal";

/// Header, the portal, footer: the console's look, with a customer's navigation.
#[component]
pub fn PortalApp() -> impl IntoView {
    // The shell writes the title (see components::title): no leptos_meta here.
    provide_context(crate::components::title::PublicPage);
    view! {
        <SkipLink />
        <header class="top">
            // A customer's home is the portal, not the team's console.
            <a class="brand" href="/portal">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                " scaleout"
            </a>
            <nav aria-label="Main">
                <ul data-role="anonymous">
                    <li><a href="/portal" aria-current="page">"Your portal"</a></li>
                    <li><a href="/signup">"Sign up"</a></li>
                    <li><a href="/login">"Team log in"</a></li>
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1"><pages::PortalPage /></main>
        <Footer />
    }
}

/// The document around [`PortalApp`]: the console's stylesheet (the network explorer
/// is drawn with it), the portal bundle's scripts.
#[cfg(feature = "ssr")]
pub fn portal_shell(options: LeptosOptions) -> impl IntoView {
    let head = ().into_any();
    crate::public::bundle_shell(
        options,
        "portal",
        "scaleout.css",
        "Your portal",
        head,
        || view! { <PortalApp /> }.into_any(),
    )
}
