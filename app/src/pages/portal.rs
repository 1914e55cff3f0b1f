//! A customer's own tenant: provisioning progress live, then their inventory
//! and network. Everything comes from the portal cookie, never from an id.

use crate::components::units::count;
use leptos::prelude::*;
use leptos_meta::Title;
use scaleout_domain::access::{PortalView, SignupState};
use scaleout_domain::progress::ProgressEvent;

use crate::api::signup::{get_portal, get_portal_network, watch_portal};
use crate::components::errors::error_text;
use crate::components::follow::follow;
use crate::components::network_explorer::{position_from_query, NetworkExplorer, NetworkLoader};
use crate::components::progress::ProgressLog;

#[component]
pub fn PortalPage() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let portal = Resource::new(move || refresh.get(), |_| get_portal());
    view! {
        <Title text="Your tenant" />
        <h1>"Your tenant"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match portal.await {
                    Ok(view) => view! { <Portal view refresh /> }.into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert" data-testid="portal-error">{error_text(&e)}</p>
                        <p><a href="/signup">"Sign up"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Portal(view: PortalView, refresh: RwSignal<u32>) -> impl IntoView {
    let s = view.signup.clone();
    let state = s.state;
    view! {
        <section class="card" aria-labelledby="signup-state-h" data-testid="portal" data-state=state.as_str()>
            <h2 id="signup-state-h">{s.company.clone()}</h2>
            <p>"Size: " {s.size.as_str()} " · state: " <strong data-testid="portal-state">{state.as_str()}</strong></p>
            {match state {
                SignupState::Pending => view! { <p>"An operator will approve your tenant shortly. This page updates when you reload it."</p> }.into_any(),
                SignupState::Provisioning => view! { <Provisioning refresh /> }.into_any(),
                SignupState::Rejected | SignupState::Failed => view! {
                    <p class="error" role="alert">{s.message.clone().unwrap_or_else(|| "This signup did not go through.".into())}</p>
                }.into_any(),
                SignupState::Ready => view! { <p class="ok">"Your tenant is ready."</p> }.into_any(),
            }}
        </section>
        {(state == SignupState::Ready).then(|| view! { <Inventory view=view.clone() /> })}
    }
}

/// Live loading progress; reloads the portal when it ends.
#[component]
fn Provisioning(refresh: RwSignal<u32>) -> impl IntoView {
    let (events, set_events) = signal(Vec::<ProgressEvent>::new());
    let (error, set_error) = signal(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let result = match watch_portal().await {
                Ok(stream) => follow(stream, set_events).await,
                Err(e) => Err(error_text(&e)),
            };
            if let Err(e) = result {
                set_error.set(Some(e));
            }
            refresh.update(|n| *n += 1);
        });
    });
    view! {
        <p role="status">"We are loading your data now."</p>
        <ProgressLog label="Provisioning progress" events=events filter_finished=true />
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

#[component]
fn Inventory(view: PortalView) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="inventory-h">
            <h2 id="inventory-h">"Inventory"</h2>
            <table class="data" data-testid="portal-counts">
                <thead><tr><th scope="col">"Collection"</th><th scope="col">"Documents"</th><th scope="col">"Expected"</th></tr></thead>
                <tbody>
                    {view.counts.iter().map(|(name, n)| view! {
                        <tr><th scope="row">{name.clone()}</th><td>{count(*n)}</td><td>{count(view.expected.get(name).copied().unwrap_or(0))}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        // The same explorer operators use, fed by the portal's own endpoint:
        // the cookie, not an id, says whose network this is.
        {view.created_at.map(|created_at| {
            let (at, page) = position_from_query();
            view! {
                <NetworkExplorer
                    loader=NetworkLoader::new(|at, page| get_portal_network(at, Some(page)))
                    created_at
                    initial=at.unwrap_or(created_at)
                    initial_page=page.unwrap_or(1)
                />
            }
        })}
    }
}
