//! The dashboard: what the console is connected to, the cluster at a glance,
//! running and recent jobs with live progress, and a live preflight check.

use crate::components::title::Title;
use leptos::prelude::*;
use scaleout_domain::console::ConsoleStatus;
use scaleout_domain::port::ClusterMode;
use scaleout_domain::views::{ConsoleSummary, JobState};

use crate::api::console::get_console_status;
use crate::api::dashboard::get_console_summary;
use crate::api::jobs::list_jobs;
use crate::components::errors::error_text;
use crate::components::job_table::JobTable;
use crate::components::job_watch::JobWatch;
use crate::components::live::use_live;
use crate::components::operator_only::OperatorOnly;
use crate::components::preflight::Preflight;
use crate::components::units::{bytes, count};

#[component]
pub fn Dashboard() -> impl IntoView {
    let refreshes = RwSignal::new(0u32);
    // What happens after the page opened (a job started anywhere, a move that
    // landed) refreshes the tiles and the jobs, with no reload.
    let live = use_live();
    // Read again with the rest: after the server restarted (the stream came back), "Up for"
    // counts from the new start, not the old one.
    let status = Resource::new(
        move || (refreshes.get(), live.cluster.get()),
        |_| get_console_status(),
    );
    let summary = Resource::new(
        move || (refreshes.get(), live.cluster.get()),
        |_| get_console_summary(),
    );
    let jobs = Resource::new(
        move || (refreshes.get(), live.cluster.get()),
        |_| list_jobs(10, None),
    );
    let on_done = Callback::new(move |_| refreshes.update(|n| *n += 1));
    // The team opens a job's page from its row; a stakeholder's link has no such page.
    let session = Resource::new(|| (), |_| crate::api::access::get_session());
    // Jobs seen running while this page is open keep their live view after they
    // end (the list refreshes around them), newest first. A resumed job is a new
    // run of the same job (a new start time): its view starts afresh.
    let watched = RwSignal::new(Vec::<(u64, Option<i64>, String)>::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = jobs.get() {
            let mut seen = watched.get_untracked();
            let mut changed = false;
            for j in list
                .iter()
                .rev()
                .filter(|j| matches!(j.state, JobState::Running | JobState::Queued))
            {
                if !seen
                    .iter()
                    .any(|(id, started, _)| *id == j.id && *started == j.started_ms)
                {
                    seen.retain(|(id, _, _)| *id != j.id);
                    seen.insert(0, (j.id, j.started_ms, j.title()));
                    changed = true;
                }
            }
            if changed {
                seen.truncate(3);
                watched.set(seen);
            }
        }
    });

    view! {
        <Title text="Dashboard" />
        <h1>"Dashboard"</h1>
        <section class="card" aria-labelledby="console-h">
            <div class="card-head">
                <h2 id="console-h">"Console"</h2>
                <button
                    type="button"
                    class="secondary"
                    data-testid="refresh-status"
                    on:click=move |_| refreshes.update(|n| *n += 1)
                >
                    "Refresh"
                </button>
            </div>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading status…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! { <StatusList status=s /> }.into_any(),
                        Err(e) => view! {
                            <p class="error" role="alert">"Could not read the console status: " {e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="summary-h">
            <h2 id="summary-h">"Cluster at a glance"</h2>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading the summary…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(s) => {
                            let team = session.await.is_ok_and(|s| s.role.allows(scaleout_domain::access::Role::Viewer));
                            view! { <SummaryTiles summary=s team /> }.into_any()
                        }
                        Err(e) => view! {
                            <p class="error" role="alert">"Could not read the cluster summary: " {error_text(&e)}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <For each=move || watched.get() key=|(id, started, _)| (*id, *started) let:job>
            <JobWatch job=job.0 title=job.2 on_done />
        </For>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading jobs…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(list) => {
                        let team = session.await.is_ok_and(|s| s.role.allows(scaleout_domain::access::Role::Viewer));
                        view! {
                            <section class="card" aria-labelledby="jobs-h">
                                <div class="card-head">
                                    <h2 id="jobs-h">"Recent jobs"</h2>
                                    {team.then(|| view! { <a href="/jobs" data-testid="all-jobs">"All jobs"</a> })}
                                </div>
                                <JobTable jobs=list on_resumed=on_done team />
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <p class="error" role="alert">"Could not list the jobs: " {error_text(&e)}</p>
                    }.into_any(),
                }
            })}
        </Transition>
        // The checks are an operator's (they write to the data directory).
        <OperatorOnly note="">
            <Preflight />
        </OperatorOnly>
    }
}

#[component]
fn SummaryTiles(summary: ConsoleSummary, team: bool) -> impl IntoView {
    let mode = match summary.mode {
        ClusterMode::Cluster => "Cluster",
        ClusterMode::Single => "Single server",
    };
    let all_healthy = summary.servers_healthy == summary.servers_total;
    view! {
        <dl class="tiles" data-testid="summary">
            <div class="tile">
                <dt>"Mode"</dt>
                <dd data-testid="summary-mode">{mode}</dd>
            </div>
            <div class=if all_healthy { "tile" } else { "tile tile-warn" }>
                <dt>"DB servers healthy"</dt>
                <dd data-testid="summary-servers">{format!("{} / {}", summary.servers_healthy, summary.servers_total)}</dd>
            </div>
            <div class="tile">
                <dt>"Tenants"</dt>
                <dd data-testid="summary-tenants">{summary.tenants}</dd>
            </div>
            <div class="tile">
                <dt>"Documents"</dt>
                <dd data-testid="summary-documents">{count(summary.documents)}</dd>
            </div>
            <div class="tile">
                <dt>"Collections"</dt>
                <dd data-testid="summary-collections">{summary.collections}</dd>
            </div>
            <div class="tile">
                <dt>"Shard groups"</dt>
                <dd data-testid="summary-groups">{summary.shard_groups}</dd>
            </div>
            <div class="tile tile-wide">
                <dt>"Balance (max / mean bytes per server)"</dt>
                <dd data-testid="summary-balance">
                    {format!("{:.2}", summary.balance)}
                    <span class="tile-note">{format!("{} max, {} mean", bytes(summary.bytes_max), bytes(summary.bytes_mean.round() as u64))}</span>
                </dd>
            </div>
        </dl>
        <p class="hint">"Balance 1.00 means every DB server holds the same bytes; a rebalance brings it down after servers are added, as far as the largest shard groups allow (a group moves whole)."</p>
        {team.then(|| next_steps(&summary))}
        {(summary.unregistered_tenants > 0).then(|| view! {
            <p class="notice-warn" role="status" data-testid="summary-unregistered">
                {format!(
                    "{} documents are stored under {} the console does not know (left by a crash or an interrupted removal). ",
                    count(summary.unregistered_documents),
                    scaleout_domain::units::counted(summary.unregistered_tenants, "tenant id")
                )}
                "Validation names them; "<code>"scaleout tenant purge ID"</code>" deletes their data."
            </p>
        })}
    }
}

#[component]
fn StatusList(status: ConsoleStatus) -> impl IntoView {
    // The uptime counts on in the browser: it was the one figure on the page that stood
    // still while time went by (nothing else makes the page ask again).
    let up = RwSignal::new(status.uptime_secs);
    #[cfg(feature = "hydrate")]
    if let Ok(ticking) = set_interval_with_handle(
        move || up.update(|s| *s += 1),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || ticking.clear());
    }
    // A stakeholder (whose status comes without the data's location) gets plain words.
    let team = !status.backend.location.is_empty();
    let kind = status.backend.kind;
    view! {
        <dl class="facts" data-testid="console-status">
            <dt>{if team { "Back end" } else { "Cluster" }}</dt>
            <dd data-testid="backend-kind">{if team { kind.label() } else { kind.plain_label() }}</dd>
            // Where the data lives is for operators (a stakeholder gets it empty).
            {(!status.backend.location.is_empty()).then(|| view! {
                <dt>"Data"</dt>
                <dd><code>{status.backend.location.clone()}</code></dd>
            })}
            <dt>"Server version"</dt>
            <dd data-testid="server-version">{status.version}</dd>
            <dt>"Up for"</dt>
            <dd data-testid="uptime">{move || format_uptime(up.get())}</dd>
        </dl>
    }
}

/// What the team should look at next: a server that is not healthy (named, with where to
/// act), or a cluster with nothing in it. Never a stakeholder's, so not in their bundle.
#[cfg(not(feature = "watch-bundle"))]
fn next_steps(summary: &ConsoleSummary) -> AnyView {
    let unhealthy = (!summary.servers_unhealthy.is_empty()).then(|| {
        view! {
            <p class="notice-warn" role="status" data-testid="summary-unhealthy">
                {format!("Not healthy: {}. ", summary.servers_unhealthy.join(", "))}
                <a href="/servers">"See the Servers page"</a>
            </p>
        }
    });
    let start = (summary.tenants == 0).then(|| {
        view! {
            <OperatorOnly note="">
                <p data-testid="summary-start">
                    "No tenants yet: "<a href="/tenants">"onboard one or import a customer list"</a>
                    ", or "<a href="/demo">"run the scale-out demo"</a>"."
                </p>
            </OperatorOnly>
        }
    });
    view! { {unhealthy} {start} }.into_any()
}

#[cfg(feature = "watch-bundle")]
fn next_steps(_: &ConsoleSummary) -> AnyView {
    ().into_any()
}

/// "1 h 02 min", "3 min 05 s", "42 s": short and unambiguous.
fn format_uptime(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::format_uptime;

    #[test]
    fn uptime_reads_naturally() {
        assert_eq!(format_uptime(42), "42 s");
        assert_eq!(format_uptime(185), "3 min 05 s");
        assert_eq!(format_uptime(3720), "1 h 02 min");
    }
}
