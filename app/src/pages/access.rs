//! The access page: read-only links for stakeholders, self-service signups
//! waiting for approval, and for admins the team's accounts and audit trail.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use scaleout_domain::access::{SignupState, SignupStatus};

use super::team::{AccountsCard, AuditCard};
use crate::api::access::get_session;
use crate::api::access::{
    list_links, list_signups, ApproveSignup, CreateLink, RejectSignup, RevokeLink,
    RevokePortalLinks,
};
use crate::components::copy_field::CopyField;
use crate::components::errors::error_sentence;
use crate::components::live::use_live;
use crate::components::local_time::LocalTime;
use crate::components::operator_only::OperatorOnly;
use crate::components::{confirm, focus};
use scaleout_domain::access::Role;

#[component]
pub fn AccessPage() -> impl IntoView {
    let session = Resource::new(|| (), |_| get_session());
    let create = ServerAction::<CreateLink>::new();
    let revoke = ServerAction::<RevokeLink>::new();
    let approve = ServerAction::<ApproveSignup>::new();
    let reject = ServerAction::<RejectSignup>::new();
    let revoke_links = ServerAction::<RevokePortalLinks>::new();
    let links = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_links(),
    );
    // A link revoked here is not left on show as if it could still be shared.
    Effect::new(move |_| {
        if revoke.version().get() > 0 {
            create.value().set(None);
        }
    });
    // A new link takes the focus (selected, ready to copy); a refusal says why, focused.
    Effect::new(move |_| {
        if create.value().get().is_some() {
            focus::bring_soon("create-link-outcome");
        }
    });
    // Its Revoke button goes with it: the outcome, named, takes the focus instead of <body>.
    let revoking = RwSignal::new(String::new());
    Effect::new(move |_| {
        if revoke.value().get().is_some() {
            focus::bring_soon("link-revoked");
        }
    });
    // New signups and provisioning that ends show as they happen.
    let live = use_live();
    let signups = Resource::new(
        move || {
            (
                approve.version().get(),
                reject.version().get(),
                live.signups.get(),
                live.cluster.get(),
            )
        },
        |_| list_signups(),
    );
    let origin = move || {
        #[cfg(feature = "hydrate")]
        {
            window().location().origin().unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            String::new()
        }
    };
    view! {
        <Title text="Access" />
        <h1>"Access"</h1>
        <p class="lead">"Who can watch, and who is waiting to become a tenant."</p>
        <section class="card" aria-labelledby="links-h">
            <h2 id="links-h">"Read-only links for stakeholders"</h2>
            <p class="hint">"Whoever opens a link sees the dashboard, shards and demo live, and can change nothing. Revoking a link ends its sessions at once."</p>
            <OperatorOnly note="Your account is read-only: an operator creates and revokes links.">
                <ActionForm action=create attr:class="form-row" attr:data-testid="create-link-form">
                    <label>"For" <input type="text" name="label" required maxlength="80" placeholder="Board demo" /></label>
                    <label>"Valid for (hours)" <input type="number" name="hours" min="1" max="720" value="24" required /></label>
                    <button type="submit">"Create link"</button>
                </ActionForm>
            </OperatorOnly>
            {move || create.value().get().map(|r| match r {
                Ok(made) => {
                    let path = StoredValue::new(made.path.clone());
                    let full = Signal::derive(move || format!("{}{}", origin(), path.get_value()));
                    view! {
                        <p class="ok" role="status" id="create-link-outcome">"Share this link: it is shown only now. Whoever opens it watches the console, read-only, until "
                            <LocalTime ms=made.expires_ms />"."</p>
                        <CopyField value=full label="The new read-only link" testid="new-link" />
                    }.into_any()
                }
                Err(e) => view! { <p class="error" role="alert" id="create-link-outcome">{error_sentence(&e)}</p> }.into_any(),
            })}
            {move || revoke.value().get().map(|r| match r {
                Ok(()) => view! {
                    <p class="ok" role="status" id="link-revoked" data-testid="link-revoked">
                        {format!("The link for {} is revoked: whoever watches through it loses access at their next click or update.", revoking.get_untracked())}
                    </p>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert" id="link-revoked">{error_sentence(&e)}</p> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading links…"</p> }>
                {move || Suspend::new(async move {
                    match links.await {
                        Ok(rows) => {
                            let operates = session.await.is_ok_and(|s| s.role.operates());
                            view! { <LinkTable rows revoke revoking operates /> }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{error_sentence(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="signups-h">
            <h2 id="signups-h">"Self-service signups"</h2>
            <p class="hint">"Declining asks for a reason: the customer reads it on their portal. "
                "A customer's personal link opens their portal on any device. \"Revoke portal access\" closes the portal to everyone who has it (every personal link, and the browser that signed up) and gives you a new link, shown once, to send the customer."</p>
            {move || approve.value().get().and_then(|r| r.err()).or_else(|| reject.value().get().and_then(|r| r.err()))
                .map(|e| view! { <p class="error" role="alert">{error_sentence(&e)}</p> })}
            {move || revoke_links.value().get().map(|r| match r {
                Ok(done) => {
                    let path = StoredValue::new(done.path.clone());
                    let full = Signal::derive(move || format!("{}{}", origin(), path.get_value()));
                    view! {
                        <p class="ok" role="status" data-testid="portal-revoked">{format!(
                            "The portal is closed to everyone who had it ({}). \
                             A new personal link, shown only now, if the customer should keep their portal:",
                            done.closed_to()
                        )}</p>
                        <CopyField value=full label="The customer's new personal link" testid="new-portal-link" />
                    }.into_any()
                }
                Err(e) => view! { <p class="error" role="alert">{error_sentence(&e)}</p> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading signups…"</p> }>
                {move || Suspend::new(async move {
                    match signups.await {
                        Ok(rows) => {
                            let operates = session.await.is_ok_and(|s| s.role.operates());
                            view! { <SignupTable rows approve reject revoke_links operates /> }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{error_sentence(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        // The team's accounts and the trail: for admins only (the server decides too).
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let admin = session.await.is_ok_and(|s| s.role == Role::Admin);
                admin.then(|| view! { <AccountsCard /> <AuditCard /> })
            })}
        </Transition>
    }
}

#[component]
fn LinkTable(
    rows: Vec<scaleout_domain::access::LinkView>,
    revoke: ServerAction<RevokeLink>,
    revoking: RwSignal<String>,
    /// Whether this session may revoke (a read-only account sees no buttons).
    operates: bool,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No links yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Read-only links">
        <table class="data" data-testid="links">
            <thead><tr><th scope="col">"For"</th><th scope="col">"Expires"</th><th scope="col">"State"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                {rows.into_iter().map(|l| {
                    let revoked = l.revoked_ms.is_some();
                    view! {
                        <tr>
                            <td>{l.label.clone()}</td>
                            <td><LocalTime ms=l.expires_ms /></td>
                            <td>{if revoked { "revoked" } else { "active" }}</td>
                            <td>
                                {(operates && !revoked).then(|| view! {
                                    <ActionForm action=revoke>
                                        <input type="hidden" name="id" value=l.id />
                                        <button type="submit" class="secondary" aria-label=format!("Revoke the link for {}", l.label)
                                            on:click={
                                                let question = format!("Revoke the link for {}? Whoever watches through it loses access at their next click or update.", l.label);
                                                let label = l.label.clone();
                                                move |ev| {
                                                    confirm::or_stop(&ev, &question);
                                                    if !ev.default_prevented() {
                                                        revoking.set(label.clone());
                                                    }
                                                }
                                            }>"Revoke"</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }.into_any()
}

#[component]
fn SignupTable(
    rows: Vec<SignupStatus>,
    approve: ServerAction<ApproveSignup>,
    reject: ServerAction<RejectSignup>,
    revoke_links: ServerAction<RevokePortalLinks>,
    /// Whether this session decides (a read-only account sees no buttons).
    operates: bool,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No signups yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Signups">
            <table class="data" data-testid="signups">
                <thead><tr>
                    <th scope="col">"Company"</th>
                    <th scope="col">"Signed up"</th>
                    <th scope="col">"Contact"</th>
                    <th scope="col">"Size"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Decide"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|s| {
                        let pending = s.state == SignupState::Pending;
                        let id = s.id;
                        let company = s.company.clone();
                        let approve_label = format!("Approve {company}");
                        let reason_label = format!("Why {company} is declined");
                        let decline_label = format!("Decline {company}");
                        view! {
                            <tr data-signup=id data-state=s.state.as_str()>
                                <th scope="row">
                                    {let name = company.clone(); match s.tenant.clone() {
                                        Some(t) if s.state == SignupState::Ready || s.state == SignupState::Provisioning => {
                                            view! { <a href=format!("/tenants/{t}")>{name}</a> }.into_any()
                                        }
                                        _ => view! { <span>{name}</span> }.into_any(),
                                    }}
                                </th>
                                <td><LocalTime ms=s.created_ms /></td>
                                <td>{s.email.clone()}</td>
                                <td>{s.size.as_str()}</td>
                                <td>{s.state.as_str()}{s.message.clone().map(|m| format!(": {m}"))}</td>
                                <td>
                                    {(operates && pending).then(|| view! {
                                        <div class="decide">
                                            <ActionForm action=approve attr:class="inline-form">
                                                <input type="hidden" name="id" value=id />
                                                <button type="submit" aria-label=approve_label>"Approve"</button>
                                            </ActionForm>
                                            <ActionForm action=reject attr:class="reject-form">
                                                <input type="hidden" name="id" value=id />
                                                <label class="visually-hidden" for=format!("reason-{id}")>{reason_label}</label>
                                                <input id=format!("reason-{id}") type="text" name="reason" required maxlength="300"
                                                    placeholder="Reason (the customer reads it)" />
                                                <button type="submit" class="secondary" aria-label=decline_label
                                                    on:click={
                                                        let question = format!("Decline {company}? They read your reason on their portal; this cannot be undone.");
                                                        move |ev| confirm::or_stop(&ev, &question)
                                                    }>"Decline"</button>
                                            </ActionForm>
                                        </div>
                                    })}
                                    {(operates && !pending).then(|| view! {
                                        <ActionForm action=revoke_links attr:class="inline-form">
                                            <input type="hidden" name="id" value=id />
                                            <button type="submit" class="secondary small"
                                                aria-label=format!("Revoke the portal access of {}", s.company)
                                                on:click={
                                                    let question = format!("Close {}'s portal to everyone who has it (their personal links, and the browser that signed up if it still has it)? You get a new link to send them.", s.company);
                                                    move |ev| confirm::or_stop(&ev, &question)
                                                }>
                                                "Revoke portal access"
                                            </button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}
