//! The app shell: header, navigation and the routes of every page.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use leptos_router::SsrMode;

use leptos::form::ActionForm;
use leptos_router::hooks::use_location;
use scaleout_domain::access::Role;

use crate::api::access::{get_session, Logout};
use crate::components::chrome::{Brand, Footer, SkipLink};
use crate::pages::NotFound;
use crate::routes::{
    AccessRoute, DashboardRoute, DemoRoute, JobRoute, JobsRoute, LoginRoute, PortalRoute, ServersRoute, ShardsRoute,
    SignupRoute, TenantRoute, TenantsRoute,
};
use leptos_router::Lazy;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::components::live::provide_live();

    // While a page's module loads (its first visit), the old page stays: say that the
    // next one is coming, or a slow link looks like a click that did nothing.
    let (routing, set_routing) = signal(false);
    view! {
        <Title formatter=|page: String| format!("{page} · scaleout") />
        <Router set_is_routing=set_routing>
            <div class="routing-bar" role="status" hidden=move || !routing.get()>
                <span class="visually-hidden">"Loading the page…"</span>
            </div>
            <SkipLink />
            <header class="top">
                <Brand />
                <MainNav />
            </header>
            // Pages whose content comes from the server render it whole (SsrMode::Async),
            // so it is there without WebAssembly, not streamed in by script.
            <main id="main" tabindex="-1">
                <crate::components::returned::ReturnedError />
                <Routes fallback=NotFound>
                    <Route path=path!("") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tenants") view={Lazy::<TenantsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tenants/:id") view={Lazy::<TenantRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("servers") view={Lazy::<ServersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("shards") view={Lazy::<ShardsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("demo") view={Lazy::<DemoRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("access") view={Lazy::<AccessRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("jobs") view={Lazy::<JobsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("jobs/:id") view={Lazy::<JobRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("signup") view={Lazy::<SignupRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("portal") view={Lazy::<PortalRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// The navigation for who is looking: operators see everything, a read-only
/// link the pages it may watch, visitors the way to log in. Asked again on
/// every navigation, so logging in or out shows at once.
#[component]
fn MainNav() -> impl IntoView {
    let location = use_location();
    let live = crate::components::live::use_live();
    // Pages render in SsrMode::Async: the navigation is in the HTML without wasm.
    // Asked again on every navigation and when signups change (the waiting count).
    let session = Resource::new(
        move || (location.pathname.get(), live.signups.get()),
        |_| get_session(),
    );
    let logout = ServerAction::<Logout>::new();
    // The live stream opens for whoever may watch: tell it who this is, each time.
    Effect::new(move |_| {
        if let Some(Ok(me)) = session.get() {
            live.session_is(me.role, me.activity_seq);
        }
    });
    view! {
        <nav aria-label="Main">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let me = session.await.ok();
                    let role = me.as_ref().map_or(Role::Anonymous, |s| s.role);
                    let portal = me.as_ref().is_some_and(|s| s.portal);
                    let waiting = me.as_ref().map_or(0, |s| s.waiting_signups);
                    let team = role.allows(Role::Viewer);
                    let name = me.as_ref().and_then(|s| s.name.clone()).filter(|_| team);
                    view! {
                        <ul data-role=role.as_str()>
                            {(role != Role::Anonymous).then(|| view! {
                                <li><A href="/" exact=true>"Dashboard"</A></li>
                                {team.then(|| view! {
                                    <li><A href="/tenants">"Tenants"</A></li>
                                    <li><A href="/servers">"Servers"</A></li>
                                })}
                                <li><A href="/shards">"Shards"</A></li>
                                <li><A href="/demo">"Demo"</A></li>
                                {team.then(|| view! {
                                    <li><A href="/jobs">"Jobs"</A></li>
                                    <li>
                                        <A href="/access">"Access"</A>
                                        {(waiting > 0).then(|| view! {
                                            <span class="count-badge" data-testid="waiting-signups"
                                                title=format!("{} waiting for a decision", scaleout_domain::units::counted(waiting as u64, "signup"))>
                                                {waiting}
                                                <span class="visually-hidden">" signups waiting"</span>
                                            </span>
                                        })}
                                    </li>
                                })}
                                {(!role.operates()).then(|| view! { <li><span class="badge">"read-only"</span></li> })}
                                {name.map(|n| {
                                    let title = format!("Logged in as {n} ({})", role.as_str());
                                    view! { <li class="who" data-testid="who" title=title>{n}</li> }
                                })}
                                <li>
                                    <ActionForm action=logout>
                                        <button type="submit" class="link-button">"Log out"</button>
                                    </ActionForm>
                                </li>
                            })}
                            {(role == Role::Anonymous).then(|| view! {
                                {portal.then(|| view! { <li><A href="/portal">"Your portal"</A></li> })}
                                <li><A href="/signup">"Sign up"</A></li>
                                <li><A href="/login">"Team log in"</A></li>
                            })}
                        </ul>
                    }
                })}
            </Transition>
        </nav>
    }
}
