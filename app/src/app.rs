//! The app shell: header, navigation and the routes of every page.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

use crate::pages::{Dashboard, Demo, NotFound, Servers, Shards, Tenants};

/// Pages whose content comes from server functions render in `SsrMode::Async`: the
/// HTML is sent once their data is in, so it is readable without JavaScript (the default
/// out-of-order streaming needs a script to swap the data in).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();

    view! {
        <Title formatter=|page: String| format!("{page} · scaleout") />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="top">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    " scaleout"
                </a>
                <nav aria-label="Main">
                    <ul>
                        <li><A href="/" exact=true>"Dashboard"</A></li>
                        <li><A href="/tenants">"Tenants"</A></li>
                        <li><A href="/servers">"Servers"</A></li>
                        <li><A href="/shards">"Shards"</A></li>
                        <li><A href="/demo">"Demo"</A></li>
                    </ul>
                </nav>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("") view=Dashboard />
                    <Route path=path!("tenants") view=Tenants />
                    <Route path=path!("servers") view=Servers ssr=SsrMode::Async />
                    <Route path=path!("shards") view=Shards ssr=SsrMode::Async />
                    <Route path=path!("demo") view=Demo />
                </Routes>
            </main>
            <footer class="bottom">
                <p>"scaleout: tenants, shards and scale-out for the network-asset graph."</p>
            </footer>
        </Router>
    }
}

/// Marks `<body data-hydrated>` once the wasm bundle has taken over, so tests
/// (and people debugging) know when clicks are handled by the app.
fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
