//! A customer's own tenant: its state live (waiting, being set up, ready,
//! declined, closed), then their inventory and network. Everything comes from
//! the portal cookie, never from an id.

use crate::components::title::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;
use scaleout_domain::access::{PortalView, SignupState};
use scaleout_domain::progress::ProgressEvent;

use crate::api::portal::{
    get_portal, get_portal_network, watch_portal, watch_portal_updates, NewPortalLink, SwitchPortal,
};
use crate::components::copy_field::CopyField;
use crate::components::errors::{error_sentence, error_text};
use crate::components::follow::follow;
use crate::components::local_time::LocalTime;
use crate::components::network_explorer::{position_from_query, NetworkExplorer, NetworkLoader};
use crate::components::no_script::NoScriptReload;
use crate::components::progress::ProgressLog;
use crate::components::units::count;

#[component]
pub fn PortalPage() -> impl IntoView {
    let portal = Resource::new(|| (), |_| get_portal());
    view! {
        <Title text="Your portal" />
        <Transition fallback=|| view! { <h1>"Your portal"</h1><p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match portal.await {
                    Ok(view) => view! { <Portal initial=view /> }.into_any(),
                    Err(e) => view! {
                        <h1>"Your portal"</h1>
                        <section class="card narrow">
                            <p data-testid="portal-error">{error_sentence(&e)}</p>
                            <p>"If you signed up on another device, open the personal link you were given there. "
                               <a href="/signup">"Sign up"</a> " if your company is new here."</p>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The portal, kept current by the server's updates (no reload).
#[component]
fn Portal(initial: PortalView) -> impl IntoView {
    let current = RwSignal::new(initial);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            use futures::StreamExt;
            use scaleout_domain::progress::LineDecoder;
            // A phone's connection drops while it waits for a decision: the stream is
            // opened again (its first update is the portal as it is then), a little later
            // each time, for as long as the page is open.
            let mut backoff = crate::components::live::Backoff::up_to(30_000);
            loop {
                if let Ok(stream) = watch_portal_updates().await {
                    backoff.reset();
                    let mut stream = stream.into_inner();
                    let mut decoder = LineDecoder::<PortalView>::default();
                    while let Some(Ok(chunk)) = stream.next().await {
                        for view in decoder.push(&chunk).into_iter().flatten() {
                            if current.try_set(view).is_some() {
                                return; // the page is gone
                            }
                        }
                    }
                }
                if current.try_with_untracked(|_| ()).is_none() {
                    return;
                }
                backoff.wait().await;
            }
        });
    });
    let company = move || current.with(|v| v.signup.company.clone());
    // The inventory is made once, when the tenant is ready: an update (the first comes as
    // the stream opens) refreshes its figures, never the explorer, which keeps its place.
    let ready = Memo::new(move |_| current.with(|v| v.signup.state == SignupState::Ready));
    let token = current.with_untracked(|v| v.personal.clone());
    view! {
        <h1>{company}</h1>
        <p class="lead">"Your company's tenant: its own part of our shared network-inventory database (devices, programs, locations, their connections and every configuration change), kept apart from every other company's. "
            "Here: where its setup stands, what it holds, and your network as it was at any time."</p>
        // A declined or closed signup has nothing left to open: its state comes first.
        <Show when=move || current.with(|v| !matches!(v.signup.state, SignupState::Rejected | SignupState::Closed))>
            <PersonalLink token=token.clone() />
        </Show>
        <Others current />
        <StateCard current />
        {move || ready.get().then(|| view! { <Inventory current /> })}
    }
    .into_any()
}

/// Where the signup is, said for the customer, and what happens next.
#[component]
fn StateCard(current: RwSignal<PortalView>) -> impl IntoView {
    let state = move || current.with(|v| v.signup.state);
    // Said again only when the state or its reason changes: the live progress below
    // keeps its stream across updates.
    let said = Memo::new(move |_| current.with(|v| (v.signup.state, v.signup.message.clone())));
    // The personal link shown on this page only now: a reload without scripts hides it.
    let link_shown = current.with_untracked(|v| v.personal.is_some());
    view! {
        <section class="card" aria-labelledby="state-h" data-testid="portal" data-state=move || state().as_str()>
            <h2 id="state-h">"Your tenant"</h2>
            <p>
                {move || current.with(|v| {
                    let size = v.signup.size;
                    format!("Size {}: about {}.", size.as_str(), size.described())
                })}
                " Signed up " {move || view! { <LocalTime ms=current.with(|v| v.signup.created_ms) /> }} "."
            </p>
            <p class="portal-state">"State: " <strong data-testid="portal-state">{move || state().for_customer()}</strong></p>
            {move || said.with(|(state, message)| state_text(*state, message.clone(), link_shown))}
        </section>
    }
    .into_any()
}

fn state_text(state: SignupState, message: Option<String>, link_shown: bool) -> AnyView {
    match state {
        SignupState::Pending => view! {
            <p role="status">"An operator reviews every new company before its tenant is set up. "
                "This page shows their decision as soon as it is made."</p>
            <NoScriptReload keep_first=link_shown />
        }.into_any(),
        SignupState::Provisioning => view! { <Provisioning /> <NoScriptReload keep_first=link_shown /> }.into_any(),
        SignupState::Ready => view! { <p class="ok" role="status">"Your tenant is ready: your inventory is below."</p> }.into_any(),
        SignupState::Rejected => view! {
            <p role="alert" data-testid="portal-reason">"Your signup was declined. The reason given: "
                <q>{message.unwrap_or_else(|| "none was given".into())}</q></p>
        }.into_any(),
        SignupState::Failed => view! {
            <p class="error" role="alert">"We could not set up your tenant: "
                {message.unwrap_or_else(|| "it stopped".into())} ". Contact us and we will finish it."</p>
        }.into_any(),
        SignupState::Closed => view! {
            <p role="status" data-testid="portal-closed">"This tenant was closed and its data removed. "
                <a href="/signup">"Sign up again"</a> " to start anew."</p>
        }.into_any(),
    }
}

/// The personal link, shown once after signup (or after making a new one),
/// and a way to make a new one.
#[component]
fn PersonalLink(token: Option<String>) -> impl IntoView {
    let renew = ServerAction::<NewPortalLink>::new();
    let shown = RwSignal::new(token);
    Effect::new(move |_| {
        if let Some(Ok(t)) = renew.value().get() {
            shown.set(Some(t));
        }
    });
    // Shown once: the token comes in a cookie the server clears as it serves this page,
    // never in the address, so a reload (or a shared screen's history) does not show it.
    // The whole address, also before (or without) scripts.
    let origin = RwSignal::new(server_origin());
    Effect::new(move |_| origin.set(window().location().origin().unwrap_or_default()));
    view! {
        <section class="card" aria-labelledby="link-h">
            <h2 id="link-h">"Your personal link"</h2>
            {move || match shown.get() {
                Some(t) => {
                    let path = StoredValue::new(format!("/portal/open/{t}"));
                    let full = move || format!("{}{}", origin.get(), path.get_value());
                    view! {
                        <p>"This link opens this portal on any device. It is shown only now: keep it (a password manager, a note). "
                            "Anyone with it can see your inventory."</p>
                        <CopyField value=Signal::derive(full) label="Your personal link" testid="personal-link" />
                    }.into_any()
                }
                None => view! {
                    <p>"Your personal link opens this portal on any device. It was shown once, after you signed up; if you lost it, make a new one (the old one stops working)."</p>
                }.into_any(),
            }}
            <ActionForm action=renew attr:class="form-row">
                <button type="submit" class="secondary" data-testid="new-personal-link"
                    on:click=|ev| crate::components::confirm::or_stop(&ev, "Make a new personal link? The one you have stops working at once; devices that already opened your portal keep it.")>
                    "Make a new personal link"
                </button>
            </ActionForm>
            {move || renew.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_sentence(&e)}</p> })}
        </section>
    }
    .into_any()
}

/// This site's address as the browser reached it (`https://console.example`),
/// read from the request while the page renders on the server.
#[cfg(feature = "ssr")]
fn server_origin() -> String {
    use_context::<axum::http::request::Parts>()
        .map(|parts| {
            let header = |name: &str| {
                parts
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let scheme = header("x-forwarded-proto").unwrap_or_else(|| "http".into());
            let host = header("host").unwrap_or_default();
            if host.is_empty() || !host.bytes().all(|b| b.is_ascii_graphic()) {
                String::new()
            } else {
                format!("{scheme}://{host}")
            }
        })
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn server_origin() -> String {
    String::new()
}

/// The other companies signed up from this browser, to switch to.
#[component]
fn Others(current: RwSignal<PortalView>) -> impl IntoView {
    let switch = ServerAction::<SwitchPortal>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = switch.value().get() {
            // Afresh, and without any personal link of the company shown before.
            let _ = window().location().set_href("/portal");
        }
    });
    move || {
        let others = current.with(|v| v.others.clone());
        (!others.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="others-h">
                <h2 id="others-h">"Also signed up from this browser"</h2>
                <ul class="plain-list">
                    {others.into_iter().map(|o| view! {
                        <li>
                            <ActionForm action=switch attr:class="inline-form">
                                <input type="hidden" name="id" value=o.id />
                                {o.company.clone()} " "
                                <button type="submit" class="secondary small">"Open its portal"</button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}

/// Live loading progress while the tenant is being set up.
#[component]
fn Provisioning() -> impl IntoView {
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
        });
    });
    view! {
        <p role="status">"Setting up: we are loading your data now. This takes a few seconds to a minute."</p>
        <ProgressLog label="Setting up your tenant" events=events filter_finished=true />
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

#[component]
fn Inventory(current: RwSignal<PortalView>) -> impl IntoView {
    let created_at = current.with_untracked(|v| v.created_at);
    let lines = move || current.with(|v| v.inventory.clone());
    view! {
        <section class="card" aria-labelledby="inventory-h">
            <h2 id="inventory-h">"Your inventory"</h2>
            {created_at.map(|at| view! {
                // Device versions come with days of history before the tenant was set up
                // (the explorer below goes back that far): not "kept from" the setup.
                <p class="hint">"Set up " <LocalTime ms=at * 1000 /> {format!(
                    ". Your devices' and programs' history goes back {} days before that; \
                     connections, locations and installations begin then.",
                    scaleout_domain::time::HISTORY_STEP_DAYS * i64::from(scaleout_domain::time::HISTORY_VERSIONS)
                )}</p>
            })}
            <div class="table-wrap" tabindex="0" role="region" aria-label="What is stored">
                <table class="data" data-testid="portal-counts">
                    <thead><tr><th scope="col">"What"</th><th scope="col" class="num">"Stored"</th><th scope="col" class="num">"For your size"</th></tr></thead>
                    <tbody>
                        {move || lines().into_iter().map(|line| view! {
                            <tr>
                                <th scope="row">{line.what}</th>
                                <td class="num">{count(line.stored)}</td>
                                <td class="num">{count(line.expected)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        // The same explorer operators use, fed by the portal's own endpoint:
        // the cookie, not an id, says whose network this is.
        {created_at.map(|created_at| {
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
