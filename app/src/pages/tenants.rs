//! Tenants: who they are, how big, where they live; onboard and remove them
//! with live progress.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use scaleout_domain::tenant_weight::percent;
use scaleout_domain::views::{TenantOrder, TenantRow};

use super::isolation_check::IsolationCheck;
use super::tenant_import::ImportCard;
use crate::api::access::get_session;
use crate::api::cluster::StartValidate;
use crate::api::tenants::{list_tenants, AddTenant, AddTenantBatch, ImportTenants, RemoveTenant};
use crate::components::errors::{error_sentence, error_text};
use crate::components::focus;
use crate::components::job_watch::JobWatch;
use crate::components::live::use_live;
use crate::components::no_script::NoScriptForm;
use crate::components::operator_only::OperatorOnly;
use crate::components::units::{bytes, count};

#[component]
pub fn Tenants() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    // Onboardings and removals started anywhere (another browser, the CLI)
    // show here as they happen.
    let live = use_live();
    let tenants = Resource::new(
        move || (refresh.get(), live.cluster.get()),
        |_| list_tenants(),
    );
    let add = ServerAction::<AddTenant>::new();
    // Sent without scripts and refused: the name and scale typed come back with the reason.
    let back = crate::components::returned::returned("/api/tenants/add");
    let (typed_name, typed_scale) = (
        StoredValue::new(back.field("name").unwrap_or_default()),
        StoredValue::new(back.field("scale_factor").unwrap_or_else(|| "1".into())),
    );
    let batch = ServerAction::<AddTenantBatch>::new();
    let session = Resource::new(|| (), |_| get_session());
    let remove = ServerAction::<RemoveTenant>::new();
    let import = ServerAction::<ImportTenants>::new();
    let validate = ServerAction::<StartValidate>::new();
    // Jobs started from this page, newest first.
    let jobs = RwSignal::new(Vec::<(u64, String)>::new());
    let on_done = Callback::new(move |_| refresh.update(|n| *n += 1));
    // The card that takes a dismissed one's place gets the focus (else the list below).
    let on_dismiss = Callback::new(move |id: u64| {
        let ids: Vec<u64> = jobs.with_untracked(|j| j.iter().map(|(x, _)| *x).collect());
        jobs.update(|j| j.retain(|(x, _)| *x != id));
        focus::bring_soon(
            focus::successor(&ids, id).map_or("list-h".into(), |n| format!("job-{n}")),
        );
    });
    // The tenant being removed, named on its job's card.
    let removing = RwSignal::new(String::new());
    // `?q=` filters on the server too, so the filter works before (or without) wasm.
    let filter = RwSignal::new(
        use_query_map()
            .with_untracked(|q| q.get("q"))
            .unwrap_or_default(),
    );
    // `?sort=size|name` orders the rows, on the server too (links, no script needed).
    let query = use_query_map();
    let order = move || TenantOrder::parse(&query.with(|q| q.get("sort")).unwrap_or_default());
    // The URL keeps the filter (replacing, not adding, history entries): a reload or a
    // shared link shows the same rows.
    let navigate = use_navigate();
    let on_filter = move |ev| {
        let q = event_target_value(&ev);
        let query = list_query(&q, untrack(order));
        filter.set(q);
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&format!("/tenants{}", query.to_query_string()), options);
    };

    // The input is cleared once the action returns: remember the name at submit.
    let submitted = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(input) = add.input().get() {
            submitted.set(input.name.trim().to_string());
        }
    });
    // A refusal (a bad or taken name) takes the focus, read out where the eyes are.
    Effect::new(move |_| {
        if let Some(Err(_)) = add.value().get() {
            focus::bring_soon("add-tenant-error");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(job)) = add.value().get() {
            let name = submitted.get_untracked();
            jobs.update(|j| {
                j.retain(|(id, _)| *id != job);
                j.insert(0, (job, format!("Onboarding {name}")))
            });
            focus::bring_soon(format!("job-{job}"));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(job)) = batch.value().get() {
            jobs.update(|j| {
                j.retain(|(id, _)| *id != job);
                j.insert(0, (job, "Onboarding the batch of three tenants".into()))
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(started)) = import.value().get() {
            if let Some(job) = started.job {
                jobs.update(|j| {
                    j.retain(|(id, _)| *id != job);
                    j.insert(
                        0,
                        (job, format!("Importing {} tenant(s)", started.onboarding)),
                    )
                });
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(job)) = remove.value().get() {
            jobs.update(|j| {
                j.retain(|(id, _)| *id != job);
                j.insert(0, (job, format!("Removing {}", removing.get_untracked())))
            });
            // Its row goes: the card that tells how the removal goes takes the focus.
            focus::bring_soon(format!("job-{job}"));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(job)) = validate.value().get() {
            jobs.update(|j| {
                j.retain(|(id, _)| *id != job);
                j.insert(0, (job, "Validating every tenant".into()))
            });
            focus::bring_soon(format!("job-{job}"));
        }
    });
    live.on_start(move |job, kind| {
        let title = match kind {
            "add_tenant" => "Onboarding a tenant (started elsewhere)",
            "add_tenants" => "Onboarding a batch of tenants (started elsewhere)",
            "remove_tenant" => "Removing a tenant (started elsewhere)",
            "purge_tenant" => "Deleting an unregistered tenant's data (started elsewhere)",
            "validate" => "Validating every tenant (started elsewhere)",
            _ => return,
        };
        // A job this page started is shown under its own title when its
        // answer comes: the news of its start may arrive first.
        let ours_pending = add.pending().get_untracked()
            || batch.pending().get_untracked()
            || import.pending().get_untracked()
            || remove.pending().get_untracked()
            || validate.pending().get_untracked();
        if !ours_pending && !jobs.with_untracked(|j| j.iter().any(|(id, _)| *id == job)) {
            jobs.update(|j| j.insert(0, (job, title.to_string())));
        }
    });

    view! {
        <Title text="Tenants" />
        <h1>"Tenants"</h1>
        <p class="lead">
            "Every company is a tenant: its network inventory lives in one shard group of the "
            "network_assets SmartGraph, isolated from every other tenant."
        </p>
        <section class="card" aria-labelledby="add-h">
            <h2 id="add-h">"Add a tenant"</h2>
            <OperatorOnly note="Your account is read-only: an operator onboards and removes tenants.">
            <ActionForm action=add attr:class="form-row" attr:data-testid="add-tenant-form">
                <label>
                    "Company name"
                    <input type="text" name="name" required maxlength="80" autocomplete="organization" placeholder="Acme Corp" value=typed_name.get_value() />
                </label>
                <label>
                    "Scale factor"
                    <input type="number" name="scale_factor" min="1" max="1000" value=typed_scale.get_value() required />
                </label>
                <label>
                    "Naming"
                    <select name="naming">
                        <option value="" selected>"The database's"</option>
                        <option value="camelCase">"camelCase"</option>
                        <option value="snake_case">"snake_case"</option>
                    </select>
                </label>
                <button type="submit" disabled=move || add.pending().get()>"Add tenant"</button>
            </ActionForm>
            <p class="hint">"Scale factor s gives 1,095 × s documents: s=1 is 20 devices, 30 programs, 5 locations. Naming: every tenant shares the database's (camelCase in a new one)."</p>
            {move || add.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert" id="add-tenant-error" data-testid="add-tenant-error">{error_sentence(&e)}</p>
            })}
            <ActionForm action=batch attr:class="form-row">
                <input type="hidden" name="naming" value="" />
                <button type="submit" class="secondary" disabled=move || batch.pending().get()>
                    "Add the batch: Retail Chain Corp (s=2), Manufacturing Inc (1), Tech Startup (1)"
                </button>
            </ActionForm>
            </OperatorOnly>
            {move || batch.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert">{error_sentence(&e)}</p>
            })}
        </section>
        <OperatorOnly note="">
            <ImportCard action=import />
        </OperatorOnly>

        <For each=move || jobs.get() key=|(id, title)| (*id, title.clone()) let:job>
            <JobWatch job=job.0 title=job.1 on_done=on_done on_dismiss=on_dismiss />
        </For>

        <section class="card" aria-labelledby="list-h">
            <div class="card-head">
                <h2 id="list-h">"All tenants"</h2>
                <form method="get" action="/tenants" role="search" class="tenant-filter"
                    on:submit=|ev| ev.prevent_default()>
                    <label for="tenant-filter" class="visually-hidden">"Filter tenants"</label>
                    // Without a script, the form sends the order along with the filter.
                    {move || (order() != TenantOrder::default()).then(|| view! {
                        <input type="hidden" name="sort" value=order().as_str() />
                    })}
                    <input id="tenant-filter" type="search" name="q" data-testid="tenant-filter"
                        placeholder="Filter: name, id or server" autocomplete="off"
                        value=filter.get_untracked()
                        prop:value=move || filter.get()
                        on:input=on_filter />
                </form>
                <button type="button" class="secondary" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
            </div>
            {move || remove.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert">{error_sentence(&e)}</p>
            })}
            <Transition fallback=|| view! { <p aria-busy="true">"Loading tenants…"</p> }>
                {move || { let order = order(); Suspend::new(async move {
                    match tenants.await {
                        Ok(rows) if rows.is_empty() => {
                            let operates = session.await.is_ok_and(|s| s.role.operates());
                            view! {
                                <p data-testid="no-tenants">
                                    {if operates { "No tenants yet. Add one above, or run the demo." } else { "No tenants yet." }}
                                </p>
                            }.into_any()
                        }
                        Ok(mut rows) => {
                            order.sort(&mut rows);
                            let operates = session.await.is_ok_and(|s| s.role.operates());
                            view! { <TenantTable rows remove filter removing operates order /> }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">"Could not list tenants: " {error_text(&e)}</p> }.into_any(),
                    }
                })}}
            </Transition>
        </section>
        <OperatorOnly note="">
            <IsolationCheck action=validate />
        </OperatorOnly>
    }
}

#[component]
fn TenantTable(
    rows: Vec<TenantRow>,
    remove: ServerAction<RemoveTenant>,
    filter: RwSignal<String>,
    removing: RwSignal<String>,
    /// Whether this session may remove tenants (a read-only account sees no button).
    operates: bool,
    order: TenantOrder,
) -> impl IntoView {
    let total = rows.len();
    // A column heading that orders by it: a link (the filter kept), marked when in use.
    let heading = move |label: &'static str, by: TenantOrder, hint: &'static str| {
        let href = move || {
            format!(
                "/tenants{}",
                list_query(&filter.get(), by).to_query_string()
            )
        };
        view! {
            <a href=href class="sort" title=hint aria-current=(order == by).then_some("true")>
                {label} {(order == by).then_some(if by == TenantOrder::Name { " ▴" } else { " ▾" })}
            </a>
        }
    };
    let sorted = |by: TenantOrder| if order == by { "descending" } else { "none" };
    let name_sort = if order == TenantOrder::Name {
        "ascending"
    } else {
        "none"
    };
    let kept = {
        let rows = rows.clone();
        move || filter.with(|q| rows.iter().filter(|r| r.matches(q)).count())
    };
    view! {
        <p class="hint filter-status" role="status" data-testid="tenant-filter-status">
            {move || {
                let (q, kept) = (filter.get(), kept());
                if q.trim().is_empty() {
                    String::new()
                } else if kept == 0 {
                    format!("No tenant matches \u{201c}{}\u{201d}.", q.trim())
                } else {
                    format!("Showing {kept} of {total} tenants.")
                }
            }}
        </p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Tenants">
            <table data-testid="tenant-table">
                <caption class="visually-hidden">"Tenants with size, status and placement"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="sortable" aria-sort=name_sort>{heading("Name", TenantOrder::Name, "Order by name")}</th>
                        <th scope="col" class="col-id">"ID"</th>
                        <th scope="col" class="num">"Scale"</th>
                        <th scope="col" class="num">"Documents"</th>
                        <th scope="col" class="num sortable" aria-sort=sorted(TenantOrder::Size)>{heading("Size", TenantOrder::Size, "Largest first")}</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Group (share)"</th>
                        <th scope="col">"Leader (followers)"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let hidden = {
                            let r = r.clone();
                            move || !filter.with(|q| r.matches(q))
                        };
                        let id = r.id.to_string();
                        let name = r.name.clone();
                        let confirm_id = id.clone();
                        let question = r.remove_question();
                        let no_script = (question.clone(), id.clone(), format!("Remove {name}"));
                        let on_remove = move |_| {
                            if window().confirm_with_message(&question).unwrap_or(false) {
                                removing.set(name.clone());
                                remove.dispatch(RemoveTenant { id: confirm_id.clone() });
                            }
                        };
                        let complete = r.documents == r.expected_documents;
                        view! {
                            <tr data-tenant=id.clone() hidden=hidden>
                                <th scope="row"><a href=format!("/tenants/{id}")>{r.name.clone()}</a></th>
                                <td class="col-id"><code>{id.clone()}</code></td>
                                <td class="num scale" data-label="Scale">{r.scale_factor}</td>
                                <td class="num documents" data-label="Documents" title=format!("{} expected", count(r.expected_documents))>
                                    {count(r.documents)}
                                    {(!complete).then(|| view! { <span class="warn">{format!(" of {}", count(r.expected_documents))}</span> })}
                                </td>
                                <td class="num size" data-label="Size" data-testid="tenant-bytes">{bytes(r.bytes)}</td>
                                <td class="status"><span class=format!("badge status-{}", r.status)>{r.status.clone()}</span></td>
                                <td class="group" data-label="Group (share)" title=r.neighbourhood().map(|(group, _)| group)>
                                    {r.shard_group.map(|g| g.to_string()).unwrap_or_else(|| "-".into())}
                                    {r.group_share.map(|s| view! { <span class="muted">{format!(" ({})", percent(s))}</span> })}
                                </td>
                                <td class="leader" data-label="Leader (followers)">{r.leader.clone().unwrap_or_else(|| "-".into())} " (" {r.followers.join(", ")} ")"</td>
                                <td class="actions">
                                    {operates.then(|| {
                                        let (question, id, submit) = no_script;
                                        view! {
                                            <button type="button" class="danger small" on:click=on_remove aria-label=format!("Remove {}", r.name)>
                                                "Remove"
                                            </button>
                                            <NoScriptForm summary="Remove" question action="/api/tenants/remove" fields=vec![("id", id)] submit />
                                        }
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `?q=...&sort=...`, leaving out what is empty.
fn list_query(q: &str, order: TenantOrder) -> ParamsMap {
    let mut query = ParamsMap::new();
    if !q.trim().is_empty() {
        query.insert("q", q.to_string());
    }
    if order != TenantOrder::default() {
        query.insert("sort", order.as_str().to_string());
    }
    query
}
