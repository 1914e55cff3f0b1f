//! Shards: where every shard group sits (heat map, tenant placement), how balanced the
//! cluster is, and the rebalance flow: plan -> review -> execute (live, cancellable) -> done.

mod figures;
mod placement;
mod review;
mod watch;

use crate::components::title::Title;
use leptos::prelude::*;
use scaleout_domain::views::{JobLog, PlanReview};

use crate::api::access::get_session;
use crate::api::cluster::{get_shard_info, ExecuteRebalancePlan, GetRebalancePlan, ShardInfo};
use crate::api::jobs::{current_rebalance, get_job};
use crate::components::errors::error_text;
use crate::components::focus;
use crate::components::heat_map::HeatMap;
use crate::components::live::use_live;
use crate::components::operator_only::OperatorOnly;
use crate::components::tenant_list::TenantLinks;
use figures::FiguresTable;
use placement::TenantPlacement;
use review::Review;
use watch::RebalanceWatch;

/// What a caller who cannot plan or run a rebalance is told instead of the buttons.
const READ_ONLY: &str =
    "Read-only view: an operator plans and runs rebalances; you see them here live.";

#[component]
pub fn Shards() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    // Moves that land and jobs that end, anywhere, redraw the heat map and figures.
    let live = use_live();
    let info = Resource::new(
        move || (refresh.get(), live.cluster.get()),
        |_| get_shard_info(),
    );
    // The rebalance running now (from any browser or the CLI), with how far it got.
    let attached = Resource::new(
        || (),
        |_| async { current_rebalance().await.ok().flatten() },
    );
    // Stakeholders see tenant names as text: the tenant pages are for the team.
    let session = Resource::new(|| (), |_| get_session());
    let on_done = Callback::new(move |_| refresh.update(|n| *n += 1));

    view! {
        <Title text="Shards" />
        <h1>"Shards"</h1>
        <p class="lead">
            "Where every shard group of the network_assets SmartGraph sits, how evenly the DB servers are "
            "loaded, and the rebalance that evens them out: planned, reviewed, then executed with live progress."
        </p>
        <section class="card" aria-labelledby="rebalance-h">
            <h2 id="rebalance-h">"Rebalance"</h2>
            <Transition fallback=|| view! { <p aria-busy="true">"Looking for a rebalance in progress…"</p> }>
                {move || Suspend::new(async move {
                    let job = attached.await;
                    view! { <RebalanceFlow attached=job on_done /> }
                })}
            </Transition>
        </section>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading the shard placement…"</p> }>
            {move || Suspend::new(async move {
                // The team (viewers too) opens tenant pages; a read-only link does not.
                let team = session
                    .await
                    .is_ok_and(|s| s.role.allows(scaleout_domain::access::Role::Viewer));
                match info.await {
                    Ok(i) => view! { <Placement info=i team /> }.into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert">"Could not read the shard placement: " {error_text(&e)}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The heat map, the tenant placement and the balance figures of the cluster as it is.
#[component]
fn Placement(info: ShardInfo, team: bool) -> impl IntoView {
    provide_context(TenantLinks(team));
    let servers: Vec<String> = info
        .snapshot
        .servers
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let failed: Vec<String> = info
        .snapshot
        .servers
        .iter()
        .filter(|s| s.health != scaleout_domain::planner::Health::Good)
        .map(|s| s.name.clone())
        .collect();
    let balance = info.balance.clone();
    let groups = info.shards.groups.len();
    // An empty server (new, or emptied by a drain) counts in the figures: said, so a
    // drain's "spread 41% -> 3%" beside a wide spread here does not read as a contradiction.
    let empty: Vec<String> = servers
        .iter()
        .filter(|s| {
            !info
                .snapshot
                .groups
                .iter()
                .any(|g| g.replicas().any(|r| r == s.as_str()))
        })
        .cloned()
        .collect();
    view! {
        <section class="card" aria-labelledby="balance-h">
            <h2 id="balance-h">"Balance now"</h2>
            <p class="hint">{if groups == 0 {
                // Before the first tenant there is no graph, so no groups and no copies.
                format!("No data yet on the {} DB servers: the SmartGraph and its shard groups are made with the first tenant.", servers.len())
            } else {
                format!(
                    "{groups} shard groups, replication factor {}, on {} DB servers. How to read the figures: the closer the fullest server is to 1.00 times the mean, and the smaller the spread of bytes, the more even the cluster.",
                    info.shards.replication_factor,
                    servers.len()
                )
            }}</p>
            // Only where other servers hold data: with none anywhere, nothing is uneven.
            {(!empty.is_empty() && empty.len() < servers.len()).then(|| view! {
                <p class="hint" data-testid="empty-servers">{format!(
                    "{} {} nothing (new, or emptied by a drain) and {} counted here, so the fewest bytes is 0 B and the spread is wide: \
                     a rebalance fills a new server; the team can remove an emptied one on the Servers page.",
                    empty.join(", "),
                    if empty.len() == 1 { "holds" } else { "hold" },
                    if empty.len() == 1 { "is" } else { "are" },
                )}</p>
            })}
            <FiguresTable columns=vec![("Now", balance)] testid="balance-figures" />
        </section>
        <section class="card" aria-labelledby="heat-h">
            <h2 id="heat-h">"Shard groups by server"</h2>
            <HeatMap report=info.shards.clone() servers failed />
        </section>
        <section class="card" aria-labelledby="placement-h">
            <h2 id="placement-h">"Tenant placement"</h2>
            <p class="hint">"Each tenant lives in exactly one shard group (Disjoint SmartGraph); its replicas sit on the servers shown."</p>
            <TenantPlacement report=info.shards />
        </section>
    }
}

/// Plan -> review -> execute -> done, or the live view of a rebalance already running.
#[component]
fn RebalanceFlow(attached: Option<JobLog>, on_done: Callback<()>) -> impl IntoView {
    let job = RwSignal::new(attached.as_ref().map(|l| l.job.id));
    let attached = StoredValue::new(attached);
    // `/shards?drain=SERVER` (the Servers page's Drain): plan emptying that server.
    let query = crate::components::query::use_query_param("drain");
    let drain = Signal::derive(move || {
        query
            .get()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
    });
    // A rebalance started after this page opened (another browser, the CLI)
    // is followed: executions are exclusive, so whatever was shown has ended.
    let live = use_live();
    let notice = RwSignal::new(None::<String>);
    live.on_start(move |id, kind| {
        if kind != "rebalance" || job.get_untracked() == Some(id) {
            return;
        }
        leptos::task::spawn_local(async move {
            // Asked again while the connection is down (a phone back online a moment
            // later): a run that started then is followed, not missed.
            // 1, 2, 4, 8 and 16 s: half a minute, then it is no longer news.
            let mut backoff = crate::components::live::Backoff::up_to(16_000);
            let record = loop {
                match get_job(id).await {
                    Ok(record) => break record,
                    Err(ServerFnError::Request(_)) if backoff.failures() < 5 => {
                        backoff.wait().await;
                    }
                    Err(_) => return,
                }
            };
            if record.spec.get("execute").and_then(|e| e.as_bool()) == Some(true)
                && job.get_untracked() != Some(id)
            {
                // Said so it stays true once the run has ended.
                notice.set(Some(format!(
                    "Job {id}, a rebalance started from another browser or the CLI, is shown below."
                )));
                job.set(Some(id));
            }
        });
    });
    let review = RwSignal::new(None::<PlanReview>);
    // The cluster changed after the plan shown was made (a job ran, a server changed): it
    // may no longer be the plan, so the review says so (the server refuses a stale one).
    let stale = RwSignal::new(false);
    let planned_at = StoredValue::new(0u64);
    Effect::new(move |_| {
        let now = live.cluster.get();
        if review.with_untracked(Option::is_some) && now != planned_at.get_value() {
            stale.set(true);
        }
    });
    let plan = ServerAction::<GetRebalancePlan>::new();
    let execute = ServerAction::<ExecuteRebalancePlan>::new();
    let problem = RwSignal::new(None::<String>);
    // Each result is brought into view and focused: the review's summary, the live run,
    // or the error that says why not.
    Effect::new(move |_| match plan.value().get() {
        Some(Ok(r)) => {
            problem.set(None);
            planned_at.set_value(live.cluster.get_untracked());
            stale.set(false);
            review.set(Some(r));
            focus::bring_soon("plan-summary");
        }
        Some(Err(e)) => {
            problem.set(Some(error_text(&e)));
            focus::bring_soon("rebalance-error");
        }
        None => {}
    });
    Effect::new(move |_| match execute.value().get() {
        Some(Ok(id)) => {
            problem.set(None);
            notice.set(None);
            job.set(Some(id));
            focus::bring_soon("rebalance-watch-h");
        }
        Some(Err(e)) => {
            // A stale plan is not worth executing: drop it, the message says what to do.
            review.set(None);
            problem.set(Some(error_text(&e)));
            focus::bring_soon("rebalance-error");
        }
        None => {}
    });
    let make_plan = move |_| {
        plan.dispatch(GetRebalancePlan {
            what_if_servers: 0,
            drain: drain.get_untracked(),
        });
    };
    let run = move |_| {
        if let Some(r) = review.get_untracked() {
            execute.dispatch(ExecuteRebalancePlan {
                fingerprint: r.fingerprint,
                drain: drain.get_untracked(),
            });
        }
    };
    let again = Callback::new(move |_| {
        job.set(None);
        review.set(None);
        problem.set(None);
    });
    view! {
        // For the team, whose own plan it replaced; a stakeholder starts nothing here.
        <OperatorOnly note="">
            {move || notice.get().map(|n| view! { <p class="hint" role="status" data-testid="rebalance-notice">{n}</p> })}
        </OperatorOnly>
        {move || problem.get().map(|e| view! { <p class="error" role="alert" id="rebalance-error" data-testid="rebalance-error">{e}</p> })}
        {move || match (job.get(), review.get()) {
            (Some(id), _) => {
                let seed = attached.with_value(|a| a.clone().filter(|l| l.job.id == id));
                view! { <RebalanceWatch job=id seed on_done on_again=again /> }.into_any()
            }
            (None, Some(r)) => {
                let nothing = r.plan.moves.is_empty();
                // Advised against: not the page's main button.
                let barely = r.plan.barely_helps();
                view! {
                    <Review review=r>
                    {move || stale.get().then(|| view! {
                        <p class="hint notice" role="status" data-testid="plan-stale">
                            "The cluster has changed since this plan was made, so it may be out of date: "
                            "\"Plan again\" shows the plan for the cluster as it is now (executing a plan that no longer fits is refused)."
                        </p>
                    })}
                    <div class="form-row actions">
                        <button type="button" data-testid="execute-plan" on:click=run class:secondary=barely
                            disabled=move || nothing || execute.pending().get()>
                            "Execute this plan"
                        </button>
                        <button type="button" class="secondary" on:click=make_plan disabled=move || plan.pending().get()>
                            "Plan again"
                        </button>
                        <button type="button" class="secondary" on:click=move |_| review.set(None)>"Discard"</button>
                    </div>
                    </Review>
                }.into_any()
            }
            (None, None) if drain.get().is_some() => {
                let server = drain.get().unwrap_or_default();
                let label = StoredValue::new(format!("Plan the drain of {server}"));
                view! {
                    <p class="hint" data-testid="drain-intro">{format!(
                        "Drain {server}: the planner moves every replica and leader off it, keeping the other servers balanced. \
                         Review the plan, execute it (each move is verified), then remove the empty server on the Servers page."
                    )}</p>
                    <OperatorOnly note="Read-only view: an operator drains servers; you see it here live.">
                        <noscript>
                            <p class="hint">{format!(
                                "Planning and executing a drain need JavaScript and WebAssembly in this page; without them, run: scaleout server drain {server} --execute"
                            )}</p>
                        </noscript>
                        <div class="form-row actions">
                            <button type="button" data-testid="make-plan" on:click=make_plan disabled=move || plan.pending().get()>
                                {move || if plan.pending().get() { "Planning…".to_string() } else { label.get_value() }}
                            </button>
                            <a href="/shards" class="button secondary">"Plan a plain rebalance instead"</a>
                        </div>
                    </OperatorOnly>
                }.into_any()
            }
            (None, None) => view! {
                <p class="hint">
                    "The planner proposes moves that make bytes per server more even, none of them making it less even, "
                    "so stopping at any point never leaves the cluster worse than before. Nothing moves until a reviewed plan is executed."
                </p>
                <OperatorOnly note=READ_ONLY>
                    <noscript>
                        <p class="hint">"Planning and executing a rebalance need JavaScript and WebAssembly; the placement and figures below are current."</p>
                    </noscript>
                    <button type="button" data-testid="make-plan" on:click=make_plan disabled=move || plan.pending().get()>
                        {move || if plan.pending().get() { "Planning…" } else { "Plan a rebalance" }}
                    </button>
                </OperatorOnly>
            }.into_any(),
        }}
    }
}
