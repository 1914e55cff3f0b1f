//! Servers: each DB server's health and what it holds; add servers, fail and
//! restore one (embedded back end).

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use scaleout_domain::port::{ServerHealth, ServerRole};
use scaleout_domain::views::ServerReport;

use crate::api::access::get_session;
use crate::api::cluster::{
    get_server_report, get_shard_info, AddServers, FailServer, RemoveServer, RestoreServer,
};
use crate::components::confirm;
use crate::components::errors::{error_sentence, error_text};
use crate::components::focus;
use crate::components::job_watch::JobWatch;
use crate::components::live::use_live;
use crate::components::neighbours::Neighbours;
use crate::components::no_script::NoScriptForm;
use crate::components::operator_only::OperatorOnly;
use crate::components::tenant_list::TenantList;
use crate::components::units::{bytes, count};
use crate::components::what_if::WhatIf;

/// Adding more servers than this at once asks for confirmation.
const CONFIRM_ABOVE: u32 = 4;

#[component]
pub fn Servers() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    // Servers added, failed or restored, and moves that land, anywhere: shown as they happen.
    let live = use_live();
    let session = Resource::new(|| (), |_| get_session());
    let report = Resource::new(
        move || (refresh.get(), live.cluster.get()),
        |_| get_server_report(),
    );
    let shards = Resource::new(
        move || (refresh.get(), live.cluster.get()),
        |_| get_shard_info(),
    );
    let add = ServerAction::<AddServers>::new();
    let fail = ServerAction::<FailServer>::new();
    let restore = ServerAction::<RestoreServer>::new();
    let remove = ServerAction::<RemoveServer>::new();
    let jobs = RwSignal::new(Vec::<u64>::new());
    // More than a few servers at once is worth a second thought: they stay until drained.
    let count_input = NodeRef::<leptos::html::Input>::new();
    let confirm_many = move |ev: leptos::ev::MouseEvent| {
        let Some(input) = count_input.get_untracked() else {
            return;
        };
        // A count the form refuses (over 64, not a number) is said by the browser, with
        // no question first.
        if !input.check_validity() {
            return;
        }
        let n: u32 = input.value().trim().parse().unwrap_or(0);
        if n > CONFIRM_ABOVE {
            confirm::or_stop(
                &ev,
                &format!("Add {n} DB servers? They start empty; a rebalance moves data onto them, and each one stays until it is drained and removed."),
            );
        }
    };
    let on_done = Callback::new(move |_| refresh.update(|n| *n += 1));
    // The card that takes a dismissed one's place gets the focus (else the servers' list).
    let on_dismiss = Callback::new(move |id: u64| {
        let ids = jobs.get_untracked();
        jobs.update(|j| j.retain(|x| *x != id));
        focus::bring_soon(focus::successor(&ids, id).map_or("db-h".into(), |n| format!("job-{n}")));
    });
    Effect::new(move |_| {
        if let Some(Ok(job)) = add.value().get() {
            jobs.update(|j| j.insert(0, job));
            focus::bring_soon(format!("job-{job}"));
        }
    });
    Effect::new(move |_| {
        // A failure or recovery changes the picture at once. Read both (no
        // short-circuit), so the effect tracks both actions.
        let (failed, restored) = (fail.value().get(), restore.value().get());
        let removed = remove.value().get();
        if failed.is_some() || restored.is_some() || removed.is_some() {
            refresh.update(|n| *n += 1);
        }
    });
    // The outcome of the latest action only: an error goes once the next action succeeds.
    let problem = RwSignal::new(None::<ServerFnError>);
    let removed = RwSignal::new(None::<String>);
    // Adding, failing and restoring: the latest outcome replaces the one before.
    let latest = move |outcome: Option<Result<(), ServerFnError>>| {
        if let Some(r) = outcome {
            if r.is_err() {
                focus::bring_soon("servers-error");
            }
            problem.set(r.err());
            removed.set(None);
        }
    };
    Effect::new(move |_| latest(add.value().get().map(|r| r.map(|_| ()))));
    Effect::new(move |_| latest(fail.value().get()));
    Effect::new(move |_| latest(restore.value().get()));
    Effect::new(move |_| {
        if let Some(r) = remove.value().get() {
            match r {
                Ok(done) => {
                    problem.set(None);
                    removed.set(Some(done.message));
                    focus::bring_soon("server-removed");
                }
                Err(e) => {
                    problem.set(Some(e));
                    removed.set(None);
                    focus::bring_soon("servers-error");
                }
            }
        }
    });
    let problem = move || problem.get();

    view! {
        <Title text="Servers" />
        <h1>"Servers"</h1>
        <p class="lead">"The database servers of the cluster, their health and what each one holds."</p>
        <section class="card" aria-labelledby="add-servers-h">
            <h2 id="add-servers-h">"Add DB servers"</h2>
            <OperatorOnly note="Your account is read-only: an operator adds, fails, restores, drains and removes servers.">
            <ActionForm action=add attr:class="form-row">
                <label>
                    "How many"
                    <input type="number" name="count" min="1" max="64" value="2" required node_ref=count_input />
                </label>
                <button type="submit" disabled=move || add.pending().get() on:click=confirm_many>"Add servers"</button>
            </ActionForm>
            </OperatorOnly>
            <p class="hint">"New servers start empty; a rebalance (Shards page) moves shard groups onto them. At most 64 at a time, and 128 DB servers in all: the Shards page's heat map stays readable up to there."</p>
            {move || problem().map(|e| view! { <p class="error" role="alert" id="servers-error" data-testid="servers-error">{error_sentence(&e)}</p> })}
            {move || removed.get().map(|m| view! {
                <p class="job-result" role="status" id="server-removed" data-testid="server-removed">{m}</p>
            })}
        </section>
        <For each=move || jobs.get() key=|id| *id let:job>
            <JobWatch job title="Adding DB servers".to_string() on_done=on_done on_dismiss=on_dismiss />
        </For>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading servers…"</p> }>
            {move || Suspend::new(async move {
                let operates = session.await.is_ok_and(|s| s.role.operates());
                match report.await {
                    Ok(r) => {
                        let servers = r.servers.clone();
                        view! {
                            <ServerTable report=r fail restore remove operates />
                            <Neighbours servers />
                        }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">"Could not read the servers: " {error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading the placement for the what-if…"</p> }>
            {move || Suspend::new(async move {
                match shards.await {
                    Ok(info) => view! { <WhatIf snapshot=info.snapshot now=info.balance /> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">"Could not read the shard placement: " {error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ServerTable(
    report: ServerReport,
    fail: ServerAction<FailServer>,
    restore: ServerAction<RestoreServer>,
    remove: ServerAction<RemoveServer>,
    /// Whether this session may act (a read-only account sees no buttons).
    operates: bool,
) -> impl IntoView {
    let db: Vec<_> = report
        .servers
        .iter()
        .filter(|s| s.role == ServerRole::DbServer)
        .cloned()
        .collect();
    let healthy = db.iter().filter(|s| s.health == ServerHealth::Good).count();
    let others: Vec<String> = report
        .servers
        .iter()
        .filter(|s| s.role != ServerRole::DbServer)
        .map(|s| format!("{} ({:?})", s.short_name, s.health))
        .collect();
    view! {
        <section class="card" aria-labelledby="db-h">
            <h2 id="db-h">{format!("DB servers: {healthy} of {} healthy", db.len())}</h2>
            <p class="muted">{format!("{} · version {} · {}", report.backend.kind.label(), report.version, report.edition)}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Table of DB servers">
                <table data-testid="server-table">
                    <thead>
                        <tr>
                            <th scope="col">"Server"</th>
                            <th scope="col">"Health"</th>
                            <th scope="col" class="num">"Shard groups"</th>
                            <th scope="col" class="num">"Leaders"</th>
                            <th scope="col" class="num">"Bytes"</th>
                            <th scope="col" class="num">"Documents"</th>
                            <th scope="col">"Tenants"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {db.into_iter().map(|s| {
                            let name = s.short_name.clone();
                            let failed = s.health != ServerHealth::Good;
                            let action_name = name.clone();
                            let remove_name = name.clone();
                            let empty = s.shard_groups.is_empty();
                            let fail_question = format!(
                                "Simulate a failure of {name}? Its leaders fail over to their followers and groups without an in-sync replica become unavailable, until you restore it. Only the simulated cluster can do this."
                            );
                            // Without scripts (the buttons need them), the same actions as
                            // forms that ask first.
                            let no_script = if failed {
                                view! {
                                    <NoScriptForm summary="Restore" question=format!("Restore {name}? Its replicas catch up.")
                                        action="/api/cluster/restore-server" fields=vec![("server", name.clone())] submit=format!("Restore {name}") />
                                }.into_any()
                            } else {
                                view! {
                                    <NoScriptForm summary="Simulate failure" question=fail_question.clone()
                                        action="/api/cluster/fail-server" fields=vec![("server", name.clone())] submit=format!("Fail {name}") />
                                }.into_any()
                            };
                            let no_script_remove = empty.then(|| view! {
                                <NoScriptForm summary="Remove" question=format!("Remove {name}, which holds nothing?")
                                    action="/api/cluster/remove-server" fields=vec![("server", name.clone())] submit=format!("Remove {name}") />
                            });
                            let toggle = move |_| {
                                if failed {
                                    restore.dispatch(RestoreServer { server: action_name.clone() });
                                } else if confirm::ask(&fail_question) {
                                    fail.dispatch(FailServer { server: action_name.clone() });
                                }
                            };
                            view! {
                                <tr data-server=name.clone()>
                                    <th scope="row" class="server">{name.clone()}</th>
                                    <td class="health"><span class=if failed { "badge status-failed" } else { "badge status-active" }>{format!("{:?}", s.health)}</span></td>
                                    // Labelled on a phone, where each server is a card.
                                    <td class="num groups" data-label="Groups">{s.shard_groups.len()}</td>
                                    <td class="num leaders" data-label="Leaders">{s.leaders}</td>
                                    <td class="num bytes" data-label="Bytes">{bytes(s.bytes)}</td>
                                    <td class="num documents" data-label="Documents">{count(s.documents)}</td>
                                    <td class="tenants"><TenantList tenants=s.tenants.clone() /></td>
                                    <td class="actions">{operates.then(|| view! { <div class="row-actions">
                                        <button type="button" class="secondary small" on:click=toggle
                                            title=if failed { "Bring the server back: its replicas catch up" } else { "A simulation: the server stops answering until you restore it" }
                                            aria-label=format!("{} {name}", if failed { "Restore" } else { "Simulate failure of" })>
                                            {if failed { "Restore" } else { "Simulate failure" }}
                                        </button>
                                        {if empty {
                                            view! {
                                                <button type="button" class="secondary small" data-testid="remove-server"
                                                    on:click=move |_| { remove.dispatch(RemoveServer { server: remove_name.clone() }); }
                                                    aria-label=format!("Remove {name}, which holds nothing")>
                                                    "Remove"
                                                </button>
                                            }.into_any()
                                        } else {
                                            view! {
                                                <a class="button secondary small" data-testid="drain-server"
                                                    href=format!("/shards?drain={name}")
                                                    aria-label=format!("Drain {name}: plan moving everything off it")>
                                                    "Drain"
                                                </a>
                                            }.into_any()
                                        }}
                                        {no_script}
                                        {no_script_remove}
                                    </div> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted">"Other servers: " {others.join(", ")}</p>
        </section>
    }
}
