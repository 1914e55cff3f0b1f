//! What a stakeholder's read-only link shows (the dashboard, shards, the demo) as an app
//! of its own, hydrated by a bundle of its own (`watch.js`, `watch_bg.wasm`, feature
//! `watch-bundle`): no router, no operator page, no planner. Stakeholders open their link
//! on a phone, often before anything starts (issue 19). Each page is a page load (the
//! bundle stays cached); the live stream follows what happens while it is open.
//! The server renders these paths with [`watch_shell`] for stakeholders only: the team
//! keeps the console, whose router has the same pages.

use leptos::form::ActionForm;
use leptos::prelude::*;
use scaleout_domain::access::Role;

use crate::api::access::{get_session, Logout};
use crate::components::chrome::{Brand, Footer, SkipLink};
use crate::components::no_script::NoScriptRefresh;
use crate::components::query;
use crate::components::returned::ReturnedError;
use crate::pages;

/// The pages this app renders, with their titles, for the server's routing.
pub const PAGES: [(&str, &str); 3] = [("/", "Dashboard"), ("/shards", "Shards"), ("/demo", "Demo")];

/// Header, the page for the path, footer: the console's look and a stakeholder's navigation.
#[component]
pub fn WatchApp() -> impl IntoView {
    // The shell writes the title (see components::title): no leptos_meta here.
    provide_context(crate::components::title::PublicPage);
    crate::components::live::provide_live();
    let live = crate::components::live::use_live();
    // The live stream starts from what the page was rendered with (the session's
    // activity count, which comes with the HTML).
    let session = Resource::new(|| (), |_| get_session());
    Effect::new(move |_| {
        if let Some(Ok(me)) = session.get() {
            live.session_is(me.role, me.activity_seq);
        }
    });
    // Logging out answers with a redirect: the browser loads the next page itself.
    #[cfg(feature = "hydrate")]
    let _ = leptos::server_fn::redirect::set_redirect_hook(|to: &str| {
        let _ = window().location().set_href(to);
    });
    let logout = ServerAction::<Logout>::new();
    let here = current();
    // Each page's code is a module of its own, fetched with the page (the dashboard's
    // visitors do not download the demo's) and loaded before hydration (`load_page`), so
    // this is ready at once.
    let page = Suspend::new(async move {
        match here {
            "/shards" => shards_page().await,
            "/demo" => demo_page().await,
            _ => dashboard_page().await,
        }
    });
    let link = move |href: &'static str, label: &'static str| {
        view! { <li><a href=href aria-current=(href == here).then_some("page")>{label}</a></li> }
    };
    view! {
        <SkipLink />
        <header class="top">
            <Brand />
            <nav aria-label="Main">
                <ul data-role=Role::Stakeholder.as_str()>
                    {link("/", "Dashboard")}
                    {link("/shards", "Shards")}
                    {link("/demo", "Demo")}
                    <li><span class="badge">"read-only"</span></li>
                    <li>
                        <ActionForm action=logout>
                            <button type="submit" class="link-button">"Log out"</button>
                        </ActionForm>
                    </li>
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">
            <NoScriptRefresh seconds=10 />
            <ReturnedError />
            <Suspense fallback=|| ()>{page}</Suspense>
        </main>
        <Footer />
    }
}

// Split in the browser only: on the server, `lazy` would ask the console's manifest to
// preload modules of the console's own.
#[cfg_attr(feature = "watch-bundle", leptos::lazy)]
async fn dashboard_page() -> AnyView {
    view! { <pages::Dashboard /> }.into_any()
}

#[cfg_attr(feature = "watch-bundle", leptos::lazy)]
async fn shards_page() -> AnyView {
    view! { <pages::Shards /> }.into_any()
}

#[cfg_attr(feature = "watch-bundle", leptos::lazy)]
async fn demo_page() -> AnyView {
    view! { <pages::Demo /> }.into_any()
}

/// Loads the page's module, so that its lazy function answers on first call.
#[cfg(feature = "watch-bundle")]
pub async fn load_page() {
    match current() {
        "/shards" => __preload_shards_page().await,
        "/demo" => __preload_demo_page().await,
        _ => __preload_dashboard_page().await,
    }
}

/// The page's path among [`PAGES`] (the dashboard for any other).
fn current() -> &'static str {
    page_of(&query::path()).unwrap_or("/")
}

/// Which of [`PAGES`] `path` is (a trailing slash allowed), if any: the server asks it
/// too, to choose this app for a stakeholder.
pub fn page_of(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    PAGES
        .iter()
        .map(|(p, _)| *p)
        .find(|p| p.trim_end_matches('/') == path)
}

/// The document around [`WatchApp`]: the console's stylesheet, the watch bundle's scripts,
/// and the modules the page will ask for, preloaded beside them.
#[cfg(feature = "ssr")]
pub fn watch_shell(options: LeptosOptions) -> impl IntoView {
    let here = current();
    let title = PAGES
        .iter()
        .find(|(p, _)| *p == here)
        .map_or("Dashboard", |(_, t)| *t);
    let head = preloads(&options, here).into_any();
    crate::public::bundle_shell(options, "watch/watch", "scaleout.css", title, head, || {
        view! { <WatchApp /> }.into_any()
    })
}

/// Preload links for the page's modules and the live stream's, from the split's manifest
/// (`pkg/watch/__wasm_split_manifest.json`; none without a built site): without them the
/// browser learns of each only once the main module runs.
#[cfg(feature = "ssr")]
fn preloads(options: &LeptosOptions, here: &str) -> impl IntoView {
    let dir = format!("{}/watch", options.site_pkg_dir);
    let path = std::path::Path::new(options.site_root.as_ref())
        .join(&dir)
        .join("__wasm_split_manifest.json");
    let manifest: std::collections::BTreeMap<String, Vec<String>> = std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let page = match here {
        "/shards" => "shards_page_",
        "/demo" => "demo_page_",
        _ => "dashboard_page_",
    };
    let mut modules: Vec<String> = Vec::new();
    for (split, needs) in &manifest {
        if split.starts_with(page) || split.starts_with("follow_activity_") {
            for module in needs {
                if !modules.contains(module) {
                    modules.push(module.clone());
                }
            }
        }
    }
    let loader = (!modules.is_empty()).then(|| {
        let href = format!("/{dir}/__wasm_split.______________________.js");
        view! { <link rel="modulepreload" href=href /> }
    });
    view! {
        {modules
            .into_iter()
            .map(|m| {
                let href = format!("/{dir}/{m}.wasm");
                view! { <link rel="preload" href=href r#as="fetch" r#type="application/wasm" crossorigin="anonymous" /> }
            })
            .collect_view()}
        {loader}
    }
}
