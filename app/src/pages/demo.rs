//! The scale-out demo: run it (or attach to the one running), follow a
//! narrative of its steps highlighted from the job's live events, compare
//! before and after, and download the report. Presenter mode shows the same in
//! large type for a room.

use crate::components::title::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;
use scaleout_domain::planner::Figures;
use scaleout_domain::progress::{Outcome, ProgressEvent};
use scaleout_domain::views::{DemoReport, JobRecord, JobState};

use crate::api::cluster::{check_demo, StartDemo};
use crate::api::jobs::{current_demo, get_job};
use crate::components::errors::{error_sentence, error_text};
use crate::components::job_watch::JobWatch;
use crate::components::live::use_live;
use crate::components::operator_only::OperatorOnly;
use crate::components::units::{bytes, count};
use scaleout_domain::views::DemoCheck;

/// The demo's steps as `services::operations::demo` runs them: its event
/// `done` counts finished steps, in this order.
pub const STEPS: [(&str, &str, &str); 6] = [
    (
        "initial_state",
        "The initial state",
        "On an empty store the demo first onboards Acme Corp (scale factor 1) and Global Enterprises (scale factor 2), 3,285 documents, \
         and measures where their data lives: the starting point every later figure is compared with.",
    ),
    (
        "add_tenants",
        "Onboard three new tenants",
        "Global Retail Chain (scale factor 2), Manufacturing Solutions Inc and Tech Startup Innovations (scale factor 1) add 4,380 documents \
         while the existing tenants keep serving: each lands whole in one shard group of the Disjoint SmartGraph.",
    ),
    (
        "add_servers",
        "Add two DB servers",
        "Two empty DB servers join the cluster. They hold nothing yet: capacity only helps once data is moved onto them.",
    ),
    (
        "rebalance",
        "Plan and execute the rebalance",
        "The planner moves whole shard groups (a tenant is the unit of placement) onto the new servers until bytes per \
         server are even, copying as little as it can; the tenants stay online during each move.",
    ),
    (
        "validate",
        "Validate isolation and counts",
        "Every tenant is checked: each document carries its own tenant id and key prefix, no edge crosses tenants, \
         and every collection holds exactly 1,095 × scale factor documents. The scale-out must not break isolation.",
    ),
    (
        "report",
        "Write the report",
        "The before and after figures, every move and the validation go into a JSON report and its Markdown twin, \
         saved in the data directory and downloadable below.",
    ),
];

/// Step 1 where a run is shown but its events are not (yet) here: what any run does.
const AFTER_A_RUN: &str = "The demo measures the tenants and documents already there and where their data \
    lives (on an empty store it first onboards Acme Corp and Global Enterprises): the starting point \
    every later figure is compared with.";

/// Where a demo is, read from its job's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Steps finished (0..=6).
    pub completed: usize,
    /// The step under way, while the job runs.
    pub current: Option<usize>,
    /// The job has ended (its `finished` event arrived).
    pub finished: bool,
    /// It ended without succeeding (failed or cancelled).
    pub failed: bool,
}

/// Reads the demo's own events (step `demo`, `done` = steps finished) and the
/// job's `finished` event; events of the operations inside a step are ignored.
pub fn position(events: &[ProgressEvent]) -> Position {
    let mut p = Position::default();
    let mut started = false;
    for e in events {
        if e.step != "finished" {
            // A resumed demo goes on after the end of its earlier run.
            p.finished = false;
            p.failed = false;
        }
        match e.step.as_str() {
            "demo" => {
                started = true;
                if matches!(e.outcome, Outcome::Ok | Outcome::Warning) {
                    p.completed = p.completed.max(e.done as usize).min(STEPS.len());
                }
            }
            "finished" => {
                p.finished = true;
                p.failed = e.outcome != Outcome::Ok;
            }
            _ => {}
        }
    }
    let last = STEPS.len() - 1;
    p.current = if started && (!p.finished || p.failed) && p.completed < STEPS.len() {
        Some(p.completed.min(last))
    } else {
        None
    };
    p
}

fn is_live(state: JobState) -> bool {
    matches!(state, JobState::Running | JobState::Queued)
}

#[component]
pub fn Demo() -> impl IntoView {
    let present = crate::components::query::use_query_param("present")
        .get_untracked()
        .is_some_and(|v| v == "1" || v == "true");
    // The most recent demo: a second browser attaches to the one running, and
    // a demo started after the page opened is followed as it starts.
    // With its log's milestones: the steps read right at once, and without scripts.
    let latest = Resource::new(|| (), |_| current_demo());
    // What the demo would start from, read with the jobs: a plain value for the page.
    let check = Resource::new(|| (), |_| check_demo());
    view! {
        <Title text="Demo" />
        <Transition fallback=|| view! { <h1>"Demo"</h1><p aria-busy="true">"Looking for a running demo…"</p> }>
            {move || Suspend::new(async move {
                let (demo, seed, error) = match latest.await {
                    Ok(Some(log)) => (Some(log.job), log.events, None),
                    Ok(None) => (None, Vec::new(), None),
                    Err(e) => (None, Vec::new(), Some(error_text(&e))),
                };
                let check = check.await.ok();
                view! { <DemoRun latest=demo seed error present check /> }
            })}
        </Transition>
    }
}

#[component]
fn DemoRun(
    latest: Option<JobRecord>,
    /// The latest demo's log's milestones, as the page was rendered.
    seed: Vec<ProgressEvent>,
    error: Option<String>,
    present: bool,
    check: Option<DemoCheck>,
) -> impl IntoView {
    // Shown before a run; after one, the page is reloaded or followed live, and the
    // warning is about a run that already happened.
    // With a run shown, the narrative tells that run; the warning is about the next one.
    let ran = latest.is_some();
    let warning = StoredValue::new(check.as_ref().and_then(|c| c.warning.clone()).map(|w| {
        if ran {
            format!("Before running it again: {w}")
        } else {
            w
        }
    }));
    let step_one = check.filter(|c| !c.empty() && !ran).map(|c| {
        format!(
            "This cluster already holds {} {}, {} documents on {} DB servers: the demo starts from them \
             (it creates no tenants in this step) and measures where their data lives, the starting point \
             every later figure is compared with.",
            c.tenants,
            if c.tenants == 1 { "tenant" } else { "tenants" },
            count(c.documents),
            c.db_servers
        )
    });
    let shown_since = latest
        .as_ref()
        .map(|j| scaleout_domain::time::human_utc_ms(j.started_ms.unwrap_or(j.created_ms)));
    let presenting = RwSignal::new(present);
    let start = ServerAction::<StartDemo>::new();
    let attached = latest.as_ref().map(|j| j.id);
    let attached_live = latest.as_ref().is_some_and(|j| is_live(j.state));
    // The job shown: the one started here, else the latest demo (running or not).
    // A demo started after the page opened (here, in another browser, by the
    // CLI) is followed as it starts; before that, the one started here or the
    // latest one.
    let started = use_live().started("demo");
    let started_here = Memo::new(move |_| start.value().get().and_then(|r| r.ok()));
    // The run started here takes the focus: its card is where the news comes.
    Effect::new(move |_| {
        if let Some(id) = started_here.get() {
            crate::components::focus::bring_soon(format!("job-{id}"));
        }
    });
    let job = Memo::new(move |_| started.get().or(started_here.get()).or(attached));
    // Said when a newer demo than the one shown started elsewhere.
    let replaced = Memo::new(move |_| {
        let now = job.get()?;
        let before = attached.filter(|a| *a != now)?;
        (started_here.get() != Some(now)).then_some(before)
    });
    let seed = StoredValue::new(seed);
    let (events, set_events) = signal(seed.get_value());
    // How the run shown ended, from its last word: ", and succeeded".
    let ended_how = move || {
        events.with(|e| {
            e.iter()
                .rev()
                .find(|e| e.step == "finished")
                .map(|f| match f.outcome {
                    Outcome::Ok => ": it succeeded",
                    Outcome::Warning => ": it was cancelled",
                    _ => ": it failed",
                })
                .unwrap_or("")
        })
    };
    let ended = RwSignal::new(0u32);
    let live = Memo::new(move |_| {
        let p = position(&events.get());
        match job.get() {
            Some(id)
                if Some(id) == attached
                    && started_here.get().is_none()
                    && started.get().is_none() =>
            {
                attached_live && !p.finished
            }
            Some(_) => !p.finished,
            None => false,
        }
    });
    // Before the events arrive (and without WebAssembly), a finished demo's
    // stored state tells how it went.
    let attached_state = latest.as_ref().map(|j| j.state);
    let pos = Memo::new(move |_| {
        let p = position(&events.get());
        let shown_attached =
            job.get() == attached && started_here.get().is_none() && started.get().is_none();
        match attached_state {
            Some(state) if shown_attached && p == Position::default() && state.is_finished() => {
                let ok = state == JobState::Succeeded;
                Position {
                    completed: if ok { STEPS.len() } else { 0 },
                    current: None,
                    finished: true,
                    failed: !ok,
                }
            }
            _ => p,
        }
    });
    let report = Resource::new(
        move || (job.get(), ended.get()),
        |(job, _)| async move {
            let id = job?;
            let record = get_job(id).await.ok()?;
            if record.state != JobState::Succeeded {
                return None;
            }
            serde_json::from_value::<DemoReport>(record.result?)
                .ok()
                .map(|r| (id, r))
        },
    );
    let on_done = Callback::new(move |_| ended.update(|n| *n += 1));
    // Presenter mode: which step the big panel shows. `None` follows the live step.
    let cursor = RwSignal::new(None::<usize>);
    let shown = Memo::new(move |_| {
        let p = pos.get();
        cursor
            .get()
            .or(p.current)
            .unwrap_or(if p.completed > 0 { p.completed - 1 } else { 0 })
    });
    let step_by = move |delta: i64| {
        if live.get_untracked() {
            return;
        }
        let next = (shown.get_untracked() as i64 + delta).clamp(0, STEPS.len() as i64 - 1);
        cursor.set(Some(next as usize));
    };
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if !presenting.get_untracked() {
            return;
        }
        match ev.key().as_str() {
            "ArrowLeft" => step_by(-1),
            "ArrowRight" => step_by(1),
            "Escape" => presenting.set(false),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    // A new run starts the narrative again.
    Effect::new(move |_| {
        job.track();
        cursor.set(None);
    });

    view! {
        <div class="demo" class:presenter=move || presenting.get() data-testid="demo" data-presenting=move || presenting.get().to_string()>
            <div class="demo-head">
                <h1>"Demo"</h1>
                <button
                    type="button"
                    class="secondary"
                    aria-pressed=move || presenting.get().to_string()
                    data-testid="presenter-toggle"
                    on:click=move |_| presenting.update(|p| *p = !*p)
                >
                    {move || if presenting.get() { "Leave presenter mode" } else { "Presenter mode" }}
                </button>
            </div>
            <p class="lead">
                "The scale-out, for real: onboard three tenants beside the existing ones, add two DB servers, rebalance "
                "the shard groups onto them, and validate that every tenant is still isolated and complete."
            </p>
            {error.map(|e| view! { <p class="error" role="alert">"Could not look for a running demo: " {e}</p> })}
            <section class="card demo-run" aria-labelledby="run-h">
                <h2 id="run-h">"The run"</h2>
                <OperatorOnly note="Read-only view: the operator runs the demo; its steps appear here live.">
                    // Before the audience, the run is the star: once one exists, presenter
                    // mode hides the button that would start another.
                    <Show when=move || !(presenting.get() && job.get().is_some())>
                        {warning.get_value().map(|w| view! {
                            <p class="notice-warn" role="note" data-testid="demo-warning">{w}</p>
                        })}
                        <ActionForm action=start attr:class="form-row">
                            <input type="hidden" name="naming" value="" />
                            // A warned run asks first: it changes this cluster for good.
                            <button type="submit" data-testid="start-demo" disabled=move || start.pending().get() || live.get()
                                on:click=move |ev| if let Some(w) = warning.get_value() {
                                    crate::components::confirm::or_stop(&ev, &format!("Run the demo on this cluster? It adds three tenants and two DB servers, then rebalances. {w}"));
                                }>
                                "Run the scale-out demo"
                            </button>
                        </ActionForm>
                    </Show>
                </OperatorOnly>
                {move || replaced.get().map(|old| view! {
                    <p class="hint" role="status" data-testid="demo-replaced">
                        {format!("A new demo started: following it (the page showed demo job {old} before).")}
                    </p>
                })}
                <p class="hint" data-testid="demo-attached">
                    {move || match (job.get(), live.get()) {
                        (Some(id), true) => format!("Demo job {id} is running: every browser on this page follows the same progress."),
                        (Some(id), false) => match shown_since.clone().filter(|_| Some(id) == attached && replaced.get().is_none()) {
                            Some(since) => format!(
                                "Showing the demo of {since} (job {id}), which has ended{}. A demo started later appears here as it starts.",
                                ended_how()
                            ),
                            None => format!(
                                "Demo job {id} has ended{}. A demo started later appears here as it starts.",
                                ended_how()
                            ),
                        },
                        (None, _) => "No demo has run yet: when one starts, it appears here and every browser watching follows the same progress.".to_string(),
                    }}
                </p>
                // What it is doing now, at the top: on a phone the live card is screens below.
                {move || live.get().then(|| events.with(|e| scaleout_domain::progress::current(e).map(|e| e.message.clone()))).flatten().map(|now| view! {
                    <p class="demo-now" data-testid="demo-now">"Now: " {now}</p>
                })}
                {move || start.value().get().and_then(|r| r.err()).map(|e| view! {
                    <p class="error" role="alert">{error_sentence(&e)}</p>
                })}
            </section>

            <div class="demo-body">
                <section class="card narrative" aria-labelledby="steps-h">
                    <h2 id="steps-h">"What happens"</h2>
                    <ol class="steps" data-testid="narrative">
                        {STEPS.iter().enumerate().map(|(i, (key, title, text))| {
                            let state = move || {
                                let p = pos.get();
                                if i < p.completed { "done" }
                                else if p.current == Some(i) && p.failed { "failed" }
                                else if p.current == Some(i) { "current" }
                                else { "pending" }
                            };
                            view! {
                                <li
                                    class=move || format!("step step-{}", state())
                                    class:shown=move || presenting.get() && shown.get() == i
                                    data-step=*key
                                    data-state=state
                                    aria-current=move || (state() == "current").then_some("step")
                                >
                                    <span class="step-status">{move || match state() {
                                        "done" => "Done",
                                        "current" => "Now",
                                        "failed" => "Failed",
                                        // A run that stopped leaves the rest not run; only the
                                        // step that comes next is "Next".
                                        _ if pos.with(|p| p.finished) => "Not run",
                                        _ if pos.with(|p| i == p.current.map_or(p.completed, |c| c + 1)) => "Next",
                                        _ => "Later",
                                    }}</span>
                                    <h3>{format!("{}. {title}", i + 1)}</h3>
                                    // The first step tells what this cluster starts from.
                                    {if i == 0 {
                                        // The run shown tells its own start (an empty store, or
                                        // the tenants that were there); before a run, what it will
                                        // start from.
                                        // After a run, never the empty store's story: the run's
                                        // own words come with its events (not without scripts).
                                        let planned = step_one.clone().unwrap_or_else(|| if ran {
                                            AFTER_A_RUN.to_string()
                                        } else {
                                            text.to_string()
                                        });
                                        let text = move || {
                                            events.with(|e| {
                                                e.iter()
                                                    .find(|e| e.step == "demo" && e.done == 1 && e.outcome == Outcome::Ok)
                                                    .map(|e| format!("In the run shown: {}. Every later figure is compared with this starting point.", e.message))
                                            })
                                            .unwrap_or_else(|| planned.clone())
                                        };
                                        view! { <p data-testid="step-1-text">{text}</p> }.into_any()
                                    } else {
                                        view! { <p>{*text}</p> }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <div class="step-nav" data-testid="step-nav">
                        <button type="button" class="secondary small" on:click=move |_| step_by(-1) disabled=move || live.get() aria-disabled=move || (shown.get() == 0).then_some("true")>"Previous step"</button>
                        <span data-testid="shown-step">{move || format!("Step {} of {}", shown.get() + 1, STEPS.len())}</span>
                        <button type="button" class="secondary small" on:click=move |_| step_by(1) disabled=move || live.get() aria-disabled=move || (shown.get() + 1 >= STEPS.len()).then_some("true")>"Next step"</button>
                    </div>
                    <p class="hint presenter-hint">"Presenter mode: the highlighted step follows the demo live; afterwards ← and → step through it, Esc leaves."</p>
                </section>
                <div class="demo-live">
                    {move || job.get().map(|id| {
                        // The latest demo's state came with the page; a job started since is live.
                        let known = attached_state.filter(|_| Some(id) == attached);
                        let seed = if Some(id) == attached { seed.get_value() } else { Vec::new() };
                        view! { <JobWatch job=id title="Scale-out demo".to_string() on_done mirror=set_events known seed /> }
                    })}
                </div>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    report.await.map(|(id, r)| view! { <BeforeAfter job=id report=r /> })
                })}
            </Transition>
        </div>
    }
}

#[component]
fn BeforeAfter(job: u64, report: DemoReport) -> impl IntoView {
    let m = report.scale_out_metrics.clone();
    view! {
        <section class="card outcome" aria-labelledby="outcome-h" data-testid="demo-outcome">
            <div class="card-head">
                <h2 id="outcome-h">"Before and after"</h2>
                <div class="downloads">
                    <a class="button-link" href=format!("/reports/demo/{job}.json") download="" data-testid="download-json">"Download report (JSON)"</a>
                    <a class="button-link" href=format!("/reports/demo/{job}.md") download="" data-testid="download-md">"Download report (Markdown)"</a>
                </div>
            </div>
            <p class="outcome-line">{report.demonstration_summary.outcome.clone()}</p>
            <div class="before-after">
                <Panel
                    title="Before"
                    servers=m.db_servers_before
                    tenants=m.tenants_before
                    documents=m.documents_before
                    figures=report.balance_before.clone()
                />
                <Panel
                    title="After"
                    servers=m.db_servers_after
                    tenants=m.tenants_after
                    documents=m.documents_after
                    figures=report.balance_after.clone()
                />
            </div>
            <p>{format!(
                "{} move{}, {} copied; {} documents checked, {}.",
                report.moves.len(),
                if report.moves.len() == 1 { "" } else { "s" },
                bytes(report.bytes_moved),
                count(report.validation.documents_checked),
                match report.validation.violations {
                    0 => "no violations".to_string(),
                    1 => "1 violation".to_string(),
                    n => format!("{n} violations"),
                }
            )}</p>
            {report.balance_before_rebalance.as_ref().map(|r| view! {
                <p data-testid="rebalance-effect">{format!(
                    "The rebalance itself, from the new servers empty to after its moves: the fullest server went from {:.2} to {:.2} times the mean, the spread of bytes between servers from {} to {}.",
                    r.bytes.max_over_mean,
                    report.balance_after.bytes.max_over_mean,
                    scaleout_domain::units::spread_percent(r.bytes.cv),
                    scaleout_domain::units::spread_percent(report.balance_after.bytes.cv)
                )}</p>
            })}
            {(!report.files.is_empty()).then(|| view! {
                <p class="hint">"Saved on the server as "
                    {report.files.iter().map(|f| {
                        let name = f.rsplit(['/', '\\']).next().unwrap_or(f).to_string();
                        view! { <code>{name}</code> " " }
                    }).collect_view()}
                </p>
            })}
        </section>
    }
}

#[component]
fn Panel(
    title: &'static str,
    servers: u64,
    tenants: u64,
    documents: u64,
    figures: Figures,
) -> impl IntoView {
    let id = format!("panel-{}", title.to_lowercase());
    let (labelled_by, test_id) = (id.clone(), id.clone());
    view! {
        <section class="panel" aria-labelledby=labelled_by data-testid=test_id>
            <h3 id=id>{title}</h3>
            <dl class="tiles">
                <div class="tile"><dt>"DB servers"</dt><dd>{servers}</dd></div>
                <div class="tile"><dt>"Tenants"</dt><dd>{tenants}</dd></div>
                <div class="tile"><dt>"Documents"</dt><dd>{count(documents)}</dd></div>
                <div class="tile"><dt title="The fullest server's bytes divided by the mean: 1.00 is perfectly even">"Fullest server against the mean"</dt><dd>{format!("{:.2} x", figures.bytes.max_over_mean)}</dd></div>
            </dl>
            // Said outside the table: a caption is as narrow as the table's box on a phone.
            <p class="hint">"Each tenant lives whole in one shard group, and each group is kept on more than one server: the servers' documents add up to a multiple of the tenants'."</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Per DB server">
            <table>
                <caption>"Per DB server"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Server"</th>
                        <th scope="col" class="num">"Shard groups"</th>
                        <th scope="col" class="num">"Documents"</th>
                        <th scope="col" class="num">"Bytes"</th>
                    </tr>
                </thead>
                <tbody>
                    {figures.servers.iter().filter(|s| !s.what_if).map(|s| view! {
                        <tr>
                            <th scope="row">{s.name.clone()}</th>
                            <td class="num">{s.groups}</td>
                            <td class="num">{count(s.documents)}</td>
                            <td class="num">{bytes(s.bytes)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: u64, step: &str, done: u64, outcome: Outcome) -> ProgressEvent {
        ProgressEvent {
            seq,
            step: step.into(),
            done,
            total: 6,
            outcome,
            message: String::new(),
            at_ms: 0,
            phase: None,
            estimated: false,
            time_left_secs: None,
        }
    }

    #[test]
    fn steps_match_the_service_report() {
        let keys: Vec<_> = STEPS.iter().map(|s| s.0).collect();
        assert_eq!(
            keys,
            [
                "initial_state",
                "add_tenants",
                "add_servers",
                "rebalance",
                "validate",
                "report"
            ]
        );
    }

    #[test]
    fn the_current_step_follows_the_demo_events() {
        assert_eq!(position(&[]), Position::default());
        let mut log = vec![ev(0, "demo", 0, Outcome::Running)];
        assert_eq!(position(&log).current, Some(0));
        log.push(ev(1, "seed", 40, Outcome::Running)); // inside a step: ignored
        log.push(ev(2, "demo", 1, Outcome::Ok));
        log.push(ev(3, "demo", 1, Outcome::Running));
        let p = position(&log);
        assert_eq!((p.completed, p.current), (1, Some(1)));
        log.push(ev(4, "demo", 2, Outcome::Ok));
        log.push(ev(5, "demo", 3, Outcome::Warning)); // servers could not be added
        assert_eq!(position(&log).completed, 3);
        log.push(ev(6, "demo", 5, Outcome::Ok));
        assert_eq!(position(&log).current, Some(5), "writing the report");
        log.push(ev(7, "demo", 6, Outcome::Ok));
        log.push(ev(8, "finished", 6, Outcome::Ok));
        let p = position(&log);
        assert_eq!(
            p,
            Position {
                completed: 6,
                current: None,
                finished: true,
                failed: false
            }
        );
    }

    #[test]
    fn a_failed_demo_marks_the_step_it_stopped_in() {
        let log = [
            ev(0, "demo", 0, Outcome::Running),
            ev(1, "demo", 1, Outcome::Ok),
            ev(2, "demo", 1, Outcome::Running),
            ev(3, "finished", 1, Outcome::Failed),
        ];
        let p = position(&log);
        assert_eq!((p.completed, p.current, p.failed), (1, Some(1), true));
    }

    #[test]
    fn a_resumed_demo_goes_on_from_the_step_it_stopped_in() {
        let log = [
            ev(0, "demo", 0, Outcome::Running),
            ev(1, "demo", 1, Outcome::Ok),
            ev(2, "demo", 1, Outcome::Running),
            ev(3, "finished", 1, Outcome::Warning), // cancelled
            ev(4, "demo", 1, Outcome::Running),     // resumed
        ];
        let p = position(&log);
        assert_eq!(
            (p.completed, p.current, p.finished, p.failed),
            (1, Some(1), false, false)
        );
    }
}
