//! The team on the Access page, for admins: accounts (add, change a role, reset a
//! password, disable) and the audit trail, filtered by who, what and since when.
//! Both work without scripts: the forms post, the filter is a GET form.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use scaleout_domain::access::{AccountView, IssuedPassword, Role};
use scaleout_domain::audit::AuditEntry;

use crate::api::team::{
    get_audit, list_accounts, AddAccount, DisableAccount, EnableAccount, ResetAccountPassword,
    SetAccountRole,
};
use crate::components::confirm;
use crate::components::copy_field::CopyField;
use crate::components::errors::error_sentence;
use crate::components::live::use_live;
use crate::components::local_time::LocalTime;

#[component]
pub fn AccountsCard() -> impl IntoView {
    let add = ServerAction::<AddAccount>::new();
    let set_role = ServerAction::<SetAccountRole>::new();
    let reset = ServerAction::<ResetAccountPassword>::new();
    let disable = ServerAction::<DisableAccount>::new();
    let enable = ServerAction::<EnableAccount>::new();
    let accounts = Resource::new(
        move || {
            (
                add.version().get(),
                set_role.version().get(),
                reset.version().get(),
                disable.version().get(),
                enable.version().get(),
            )
        },
        |_| list_accounts(),
    );
    // The latest outcome of any of them, said once.
    let issued = move || match (add.value().get(), reset.value().get()) {
        (Some(Ok(p)), _) | (_, Some(Ok(p))) => Some(p),
        _ => None,
    };
    let error = move || {
        [
            add.value().get().and_then(|r| r.err()),
            reset.value().get().and_then(|r| r.err()),
            set_role.value().get().and_then(|r| r.err()),
            disable.value().get().and_then(|r| r.err()),
            enable.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <section class="card" aria-labelledby="accounts-h" data-testid="accounts">
            <h2 id="accounts-h">"Team accounts"</h2>
            <p class="hint">"Admins manage accounts and read the audit trail; operators run the cluster and its tenants; "
                "viewers read every page live and change nothing. A new or reset password is shown once: hand it over."</p>
            <ActionForm action=add attr:class="form-row" attr:data-testid="add-account-form">
                <label>"Name" <input type="text" name="name" required maxlength="40" autocapitalize="none" placeholder="alice" /></label>
                <label>"Role" <RoleSelect selected=Role::Viewer /></label>
                <button type="submit">"Add account"</button>
            </ActionForm>
            {move || issued().map(|p: IssuedPassword| {
                let password = p.password.clone();
                view! {
                    <p class="ok" role="status" data-testid="issued-password">
                        {format!("{}'s password ({}), shown only now:", p.name, p.role.as_str())}
                    </p>
                    <CopyField value=Signal::derive(move || password.clone()) label="The new password" testid="new-password" />
                }
            })}
            {move || error().map(|e| view! { <p class="error" role="alert" data-testid="account-error">{error_sentence(&e)}</p> })}
            <Transition fallback=|| view! { <p class="muted">"Loading accounts…"</p> }>
                {move || Suspend::new(async move {
                    match accounts.await {
                        Ok(rows) => view! { <AccountTable rows set_role reset disable enable /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{error_sentence(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RoleSelect(selected: Role, #[prop(optional)] label: Option<String>) -> impl IntoView {
    view! {
        <select name="role" aria-label=label>
            {Role::ACCOUNT_ROLES.into_iter().map(|r| view! {
                <option value=r.as_str() selected=r == selected>{r.as_str()}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn AccountTable(
    rows: Vec<AccountView>,
    set_role: ServerAction<SetAccountRole>,
    reset: ServerAction<ResetAccountPassword>,
    disable: ServerAction<DisableAccount>,
    enable: ServerAction<EnableAccount>,
) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Accounts">
        <table class="data" data-testid="account-table">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"State"</th>
                <th scope="col">"Last login"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|a| {
                    let name = a.name.clone();
                    let disabled = a.disabled_ms.is_some();
                    let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
                    let role_label = format!("Change {name}'s role");
                    let reset_label = format!("Reset {name}'s password");
                    let reset_q = format!("Reset {name}'s password? Their sessions end; the new password is shown once.");
                    let toggle_label = format!("{} {name}", if disabled { "Enable" } else { "Disable" });
                    let disable_q = format!("Disable {name}? They cannot log in, and their sessions end at their next click.");
                    view! {
                        <tr data-account=a.name.clone()>
                            <th scope="row">{a.name.clone()}</th>
                            <td>
                                <ActionForm action=set_role attr:class="inline-form">
                                    <input type="hidden" name="name" value=n1 />
                                    <RoleSelect selected=a.role label=format!("{name}'s role") />
                                    <button type="submit" class="secondary small" aria-label=role_label>"Change"</button>
                                </ActionForm>
                            </td>
                            <td>{match a.disabled_ms {
                                Some(ms) => view! { "disabled " <LocalTime ms /> }.into_any(),
                                None => "enabled".into_any(),
                            }}</td>
                            <td>{match a.last_login_ms {
                                Some(ms) => view! { <LocalTime ms /> }.into_any(),
                                None => "never".into_any(),
                            }}</td>
                            <td><div class="row-actions">
                                <ActionForm action=reset attr:class="inline-form">
                                    <input type="hidden" name="name" value=n2 />
                                    <button type="submit" class="secondary small" aria-label=reset_label
                                        on:click=move |ev| confirm::or_stop(&ev, &reset_q)>"Reset password"</button>
                                </ActionForm>
                                {if disabled {
                                    view! {
                                        <ActionForm action=enable attr:class="inline-form">
                                            <input type="hidden" name="name" value=n3 />
                                            <button type="submit" class="secondary small" aria-label=toggle_label>"Enable"</button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    view! {
                                        <ActionForm action=disable attr:class="inline-form">
                                            <input type="hidden" name="name" value=n3 />
                                            <button type="submit" class="secondary small danger" aria-label=toggle_label
                                                on:click=move |ev| confirm::or_stop(&ev, &disable_q)>"Disable"</button>
                                        </ActionForm>
                                    }.into_any()
                                }}
                            </div></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// The audit trail, newest first, live; the filter is in the address.
#[component]
pub fn AuditCard() -> impl IntoView {
    let query = use_query_map();
    let field = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    let live = use_live();
    let entries = Resource::new(
        move || {
            (
                field("actor"),
                field("action"),
                field("since"),
                live.cluster.get(),
                live.signups.get(),
            )
        },
        |(actor, action, since, _, _)| async move {
            let some = |s: String| Some(s).filter(|s| !s.trim().is_empty());
            get_audit(some(actor), some(action), some(since), Some(200)).await
        },
    );
    view! {
        <section class="card" aria-labelledby="audit-h" data-testid="audit">
            <h2 id="audit-h">"Audit trail"</h2>
            <p class="hint">"Every change and every refused attempt, from this console or the command line (cli:<user>), newest first. Nothing in it can be changed."</p>
            <form method="get" action="/access" class="form-row" data-testid="audit-filter">
                <label>"Who" <input type="text" name="actor" value=field("actor") placeholder="alice" maxlength="60" /></label>
                <label>"Action starts with" <input type="text" name="action" value=field("action") placeholder="tenants/" maxlength="60" /></label>
                <label>"Since" <input type="text" name="since" value=field("since") placeholder="24h" maxlength="40" /></label>
                <button type="submit" class="secondary">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p class="muted">"Loading the trail…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">"Nothing recorded matches."</p> }.into_any(),
                        Ok(rows) => view! { <AuditTable rows /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{error_sentence(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AuditTable(rows: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Audit trail">
        <table class="data" data-testid="audit-table">
            <thead><tr>
                <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th>
                <th scope="col">"Of"</th><th scope="col">"Outcome"</th><th scope="col">"Job"</th><th scope="col">"From"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|e| {
                    let failed = if e.outcome == "ok" { "" } else { "error" };
                    view! {
                    <tr>
                        <td><LocalTime ms=e.at_ms /></td>
                        <td>{(e.actor != e.role).then(|| format!("{} ", e.actor))}<span class="muted">{if e.actor == e.role { e.role.clone() } else { format!("({})", e.role) }}</span></td>
                        <td><code>{e.action}</code></td>
                        <td>{e.target.unwrap_or_default()}</td>
                        <td class=failed>{e.outcome}</td>
                        <td class="num">{e.job_id.map(|j| j.to_string()).unwrap_or_default()}</td>
                        <td>{e.client}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
