//! Every page is a lazy route: its code is a separate wasm module, fetched the first time
//! the page is shown (and, for the page a visitor lands on, preloaded beside the main
//! bundle by links in the server's HTML). A customer on /signup downloads the signup form,
//! not the rebalance planner.
//!
//! Pages are split by who opens them together, not one module per page: the splitter makes
//! one extra module for every set of splits that share code, so ten splits made about 90
//! small files per page (each a round trip on a slow phone link), six make a handful.
//! The planner (the what-if) has a module of its own, on the Servers page.
//!
//! The pages need no route data of their own (their resources live in their components,
//! and their first render's data comes with the HTML), so `data()` is empty.

use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages;

/// Declares a lazy route that renders `$page` from the split `$split`.
macro_rules! lazy_page {
    ($route:ident, $split:ident, $preload:ident, $page:ident) => {
        pub struct $route;
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }
            async fn view(_this: Self) -> AnyView {
                $split(Page::$page).await
            }
            async fn preload() {
                #[cfg(target_arch = "wasm32")]
                $preload().await;
            }
        }
    };
}

/// Which page a split renders.
#[derive(Clone, Copy)]
pub enum Page {
    Login,
    Signup,
    Portal,
    Dashboard,
    Shards,
    Demo,
    Tenants,
    Tenant,
    Access,
    Job,
    Jobs,
    Servers,
}

/// Anyone's first page: logging in, signing up. The smallest split.
#[lazy]
fn visitor_pages(page: Page) -> AnyView {
    match page {
        Page::Signup => view! { <pages::SignupPage /> }.into_any(),
        _ => view! { <pages::LoginPage /> }.into_any(),
    }
}

/// A customer's portal.
#[lazy]
fn portal_pages(_page: Page) -> AnyView {
    view! { <pages::PortalPage /> }.into_any()
}

/// The dashboard: operators' and stakeholders' first page.
#[lazy]
fn dashboard_pages(_page: Page) -> AnyView {
    view! { <pages::Dashboard /> }.into_any()
}

/// What a stakeholder's link shows besides the dashboard: placement and the demo.
#[lazy]
fn watch_pages(page: Page) -> AnyView {
    match page {
        Page::Demo => view! { <pages::Demo /> }.into_any(),
        _ => view! { <pages::Shards /> }.into_any(),
    }
}

/// The team's own pages: tenants, access, the jobs and a job's page.
#[lazy]
fn operate_pages(page: Page) -> AnyView {
    match page {
        Page::Tenant => view! { <pages::TenantPage /> }.into_any(),
        Page::Access => view! { <pages::AccessPage /> }.into_any(),
        Page::Job => view! { <pages::JobPage /> }.into_any(),
        Page::Jobs => view! { <pages::JobsPage /> }.into_any(),
        _ => view! { <pages::Tenants /> }.into_any(),
    }
}

/// Servers, with the what-if: the rebalance planner runs in the browser.
#[lazy]
fn servers_pages(_page: Page) -> AnyView {
    view! { <pages::Servers /> }.into_any()
}

lazy_page!(LoginRoute, visitor_pages, __preload_visitor_pages, Login);
lazy_page!(SignupRoute, visitor_pages, __preload_visitor_pages, Signup);
lazy_page!(PortalRoute, portal_pages, __preload_portal_pages, Portal);
lazy_page!(
    DashboardRoute,
    dashboard_pages,
    __preload_dashboard_pages,
    Dashboard
);
lazy_page!(ShardsRoute, watch_pages, __preload_watch_pages, Shards);
lazy_page!(DemoRoute, watch_pages, __preload_watch_pages, Demo);
lazy_page!(
    TenantsRoute,
    operate_pages,
    __preload_operate_pages,
    Tenants
);
lazy_page!(TenantRoute, operate_pages, __preload_operate_pages, Tenant);
lazy_page!(AccessRoute, operate_pages, __preload_operate_pages, Access);
lazy_page!(JobRoute, operate_pages, __preload_operate_pages, Job);
lazy_page!(JobsRoute, operate_pages, __preload_operate_pages, Jobs);
lazy_page!(
    ServersRoute,
    servers_pages,
    __preload_servers_pages,
    Servers
);
