//! A rebalance being executed, live: move i of n, bytes copied of the current move,
//! rate and ETA, a Cancel button; then what was done. Every browser on the Shards page
//! shows the same, from the same job log.

use leptos::prelude::*;
use scaleout_domain::port::{MovePhase, ReplicaRole};
use scaleout_domain::progress::Outcome;
use scaleout_domain::rebalance_progress::{move_number, RebalanceProgress};
use scaleout_domain::views::{JobLog, Rebalance};

use super::figures::FiguresTable;
use super::READ_ONLY;
use crate::api::jobs::{cancel_job, get_job, watch_job};
use crate::components::errors::error_text;
use crate::components::follow::follow_after;
use crate::components::local_time::LocalTime;
use crate::components::no_script::{NoScriptRefresh, WHILE_RUNNING};
use crate::components::operator_only::OperatorOnly;
use crate::components::progress::ProgressLog;
use crate::components::units::{bytes, duration, rate};

#[component]
pub fn RebalanceWatch(
    job: u64,
    /// The job with its log's milestones as the page was rendered: how far it got shows
    /// at once, and without scripts. An ended job is shown as it is, with no stream.
    #[prop(default = None)]
    seed: Option<JobLog>,
    /// Called once when the job has ended (to refresh the placement).
    on_done: Callback<()>,
    /// "Plan again": leave this job behind.
    on_again: Callback<()>,
) -> impl IntoView {
    let (seen, ended, outcome) = match &seed {
        Some(log) => (
            log.events.last().map(|e| e.seq),
            log.job.state.is_finished(),
            log.job
                .result
                .clone()
                .and_then(|r| serde_json::from_value::<Rebalance>(r).ok()),
        ),
        None => (None, false, None),
    };
    let (events, set_events) = signal(seed.map(|l| l.events).unwrap_or_default());
    let (error, set_error) = signal(None::<String>);
    let (ended, set_ended) = signal(ended);
    let result = RwSignal::new(outcome);
    Effect::new(move |_| {
        // An ended run came whole with the page: nothing to follow.
        if ended.get_untracked() {
            return;
        }
        leptos::task::spawn_local(async move {
            let outcome = match watch_job(job).await {
                Ok(stream) => follow_after(stream, set_events, seen).await,
                Err(e) => Err(format!("Cannot follow job {job}: {}", error_text(&e))),
            };
            if let Err(e) = outcome {
                set_error.set(Some(e));
            }
            if let Ok(record) = get_job(job).await {
                result.set(
                    record
                        .result
                        .and_then(|r| serde_json::from_value::<Rebalance>(r).ok()),
                );
            }
            set_ended.set(true);
            on_done.run(());
        });
    });
    let progress = Memo::new(move |_| events.with(|e| RebalanceProgress::from_events(e)));
    // A drain says so in its first event ("Planning the drain of DBServer0003").
    let drained = Memo::new(move |_| {
        events.with(|e| {
            e.iter().find_map(|x| {
                x.message
                    .strip_prefix("Planning the drain of ")
                    .map(str::to_string)
            })
        })
    });
    // Its last event, when that is the end (a resumed job replays an earlier end first).
    let finished = move || events.with(|e| e.last().filter(|e| e.step == "finished").cloned());
    let state = move || match finished() {
        Some(e) if e.outcome == Outcome::Ok => "succeeded",
        Some(e) if e.outcome == Outcome::Warning => "cancelled",
        Some(_) => "failed",
        None if ended.get() => "ended",
        None => "running",
    };
    let cancelling = RwSignal::new(false);
    let cancel = move |_| {
        // A tap is easy to make by mistake on a phone; the moves already made stay either way.
        if !crate::components::confirm::ask(
            "Stop this run? The cluster ends the moves that are running and starts no more; the moves already made stay, and you can resume the run or plan again.",
        ) {
            return;
        }
        cancelling.set(true);
        leptos::task::spawn_local(async move {
            if let Err(e) = cancel_job(job).await {
                set_error.set(Some(error_text(&e)));
                cancelling.set(false);
            }
        });
    };
    // The Cancel button goes when the run ends: its outcome takes the focus, not <body>.
    Effect::new(move |_| {
        if state() != "running" && cancelling.get_untracked() {
            crate::components::focus::bring_soon("rebalance-outcome");
        }
    });

    // The team's console, not a stakeholder's link (whose pages reload themselves without
    // scripts already, and have no job pages).
    let console = use_context::<crate::components::title::PublicPage>().is_none();
    // Without scripts: Cancel is on the job's page, and this page reloads itself while
    // the run goes on.
    let cancel_elsewhere = StoredValue::new(format!(
        "<p><a href=\"/jobs/{job}?cancel=ask\">Cancel it on the job's page…</a></p>"
    ));
    view! {
        <div class="rebalance-watch" data-testid="rebalance-watch" data-job=job data-state=state>
            <div class="card-head">
                <h3 id="rebalance-watch-h">
                    {move || match (drained.get(), state() == "running") {
                        (Some(d), true) => format!("Executing the drain of {d} "),
                        (Some(d), false) => format!("Drain of {d} "),
                        (None, true) => "Executing the rebalance ".to_string(),
                        // Under the card's own "Rebalance" heading: which run this was.
                        (None, false) => "The last rebalance ".to_string(),
                    }}
                    // The team's console has the job's own page (its whole log, Resume);
                    // a stakeholder's link does not.
                    <span class="muted">"· "{if console {
                        view! { <a href=format!("/jobs/{job}")>{format!("job {job}")}</a> }.into_any()
                    } else {
                        format!("job {job}").into_any()
                    }}</span>
                </h3>
                <span class=move || format!("badge state-{}", state())>{state}</span>
            </div>
            // When it ended: from its last event, so it shows as the run ends live too.
            {move || finished().map(|e| view! { <p class="muted" data-testid="rebalance-ended">"Ended " <LocalTime ms=e.at_ms /></p> })}
            <Show when=move || state() == "running">
                {console.then(|| view! { <NoScriptRefresh seconds=WHILE_RUNNING /> })}
                <OperatorOnly note="An operator can cancel this run; you are watching it.">
                    <noscript inner_html=cancel_elsewhere.get_value()></noscript>
                    <button type="button" class="secondary" data-testid="cancel-rebalance"
                        on:click=cancel disabled=move || cancelling.get()>
                        {move || if cancelling.get() { "Cancelling: waiting for the cluster to stop the running moves…" } else { "Cancel" }}
                    </button>
                    <p class="hint">"Cancel stops the running moves (the cluster ends each one, and the log says where each group is) and starts no more: every move done leaves the cluster more even than before."</p>
                </OperatorOnly>
                // Cancel comes first: on a phone the moves' cards take screens.
                <MoveProgress progress />
            </Show>
            {move || match state() {
                "succeeded" => result.get().map(|r| view! { <Done outcome=r drained=drained.get() /> }.into_any()),
                "cancelled" => {
                    let p = progress.get();
                    let text = if p.moves_done == 0 {
                        "Cancelled before the first step finished: nothing moved, the cluster is as it was. Resuming the job (on the Jobs page) carries out the same plan.".to_string()
                    } else {
                        // The stopped moves' partial copies are dropped: only finished steps count.
                        format!(
                            "Cancelled after {} of {} steps ({} copied by the finished steps; what the stopped moves had copied was dropped). Each finished step made the cluster more even, so it is better balanced than before. Resuming the job (on the Jobs page) finishes this plan; a new plan would too.",
                            p.moves_done, p.moves_total, bytes(p.bytes_copied)
                        )
                    };
                    // What became of each move that was running: the cluster ended it, and said
                    // where its group is.
                    // In the plan's order, not the order the cluster ended them in.
                    let mut stopped: Vec<(u64, String)> = events.with(|e| {
                        e.iter()
                            .filter(|x| x.outcome == Outcome::Warning)
                            .filter_map(|x| Some((move_number(&x.step)?, x.message.clone())))
                            .collect()
                    });
                    stopped.sort();
                    Some(view! {
                        <p class="job-result" role="status" id="rebalance-outcome" data-testid="rebalance-cancelled">{text}</p>
                        {(!stopped.is_empty()).then(|| view! {
                            <ul class="stopped-moves" data-testid="stopped-moves">
                                {stopped.into_iter().map(|(_, m)| view! { <li>{m}</li> }).collect_view()}
                            </ul>
                        })}
                    }.into_any())
                }
                "failed" => finished().map(|e| view! { <p class="error" role="alert" id="rebalance-outcome">{e.message}</p> }.into_any()),
                _ => None,
            }}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <details class="event-log">
                <summary>"Event log"</summary>
                <ProgressLog label="Rebalance events" events=events filter_finished=true />
            </details>
            <Show when=move || state() != "running">
                <OperatorOnly note=READ_ONLY>
                    <button type="button" data-testid="plan-again" on:click=move |_| on_again.run(())>"Plan again"</button>
                </OperatorOnly>
            </Show>
        </div>
    }
}

#[component]
fn MoveProgress(progress: Memo<RebalanceProgress>) -> impl IntoView {
    let p = move || progress.get();
    let about = move |estimated: bool| if estimated { "about " } else { "" };
    // Bytes, when the run copies any: a run of two long moves would sit at "0 of 2" while
    // most of its data is across. Leader switches alone count in steps.
    let bar = move || {
        let p = p();
        if p.bytes_total > 0 {
            (
                "Bytes copied",
                p.bytes_total,
                p.bytes_copied.min(p.bytes_total),
            )
        } else {
            ("Steps done", p.moves_total.max(1), p.moves_done)
        }
    };
    view! {
        <div class="move-progress" data-testid="move-progress" aria-live="polite">
            <p data-testid="moves-count">
                {move || {
                    let p = p();
                    if p.moves_total == 0 {
                        "Planning…".to_string()
                    } else {
                        let running = p.running.len();
                        match running {
                            0 => format!("{} of {} steps done", p.moves_done, p.moves_total),
                            // Not "step 3 running" beside "3 done": steps end out of order.
                            1 => format!("{} of {} steps done, 1 running", p.moves_done, p.moves_total),
                            n => format!("{} of {} steps done, {n} running side by side", p.moves_done, p.moves_total),
                        }
                    }
                }}
            </p>
            <progress aria-label=move || bar().0 max=move || bar().1 value=move || bar().2></progress>
            <p class="muted" data-testid="run-left">{move || {
                let p = p();
                if p.moves_total == 0 {
                    return String::new();
                }
                let copied = format!("{}{} of {} copied", about(p.estimated), bytes(p.bytes_copied), bytes(p.bytes_total));
                match p.run_eta_secs {
                    Some(eta) => format!("{copied}; {}{} left for the whole run{}", about(p.estimated), duration(eta), if p.estimated { ", estimated" } else { "" }),
                    None => copied,
                }
            }}</p>
            <For each=move || p().running key=|c| (c.number, c.bytes_done, c.phase.map(|x| x.label())) let:c>
                <div class="current-move" data-testid="current-move" data-move=c.number>
                    <p class="muted">{c.label.clone()}</p>
                    <progress aria-label=format!("Bytes copied of move {}", c.number) max=c.bytes_total.max(1) value=c.bytes_done></progress>
                    <dl class="facts">
                        <dt>"Phase"</dt>
                        <dd data-testid="move-phase">{c.phase.map(|x| x.label()).unwrap_or("starting")}</dd>
                        {(c.bytes_total > 0 && !matches!(c.phase, Some(MovePhase::Verifying | MovePhase::Done))).then(|| view! {
                            <dt>"Copied"</dt>
                            <dd>{format!("{}{} of {}", about(c.estimated), bytes(c.bytes_done), bytes(c.bytes_total))}</dd>
                            <dt>"Rate"</dt>
                            <dd>{c.rate.map(|r| format!("{}{}", about(c.estimated), rate(r.bytes_per_sec))).unwrap_or_else(|| "measuring…".into())}</dd>
                            <dt>"Time left for this move"</dt>
                            <dd>{c.rate.map(|r| format!("{}{}{}", about(c.estimated), duration(r.eta_secs), if c.estimated { ", estimated" } else { "" })).unwrap_or_else(|| "measuring…".into())}</dd>
                        })}
                    </dl>
                </div>
            </For>
        </div>
    }
}

#[component]
fn Done(outcome: Rebalance, drained: Option<String>) -> impl IntoView {
    let after = outcome
        .figures_after
        .clone()
        .unwrap_or_else(|| outcome.plan.after.clone());
    view! {
        <div data-testid="rebalance-done">
            <p class="job-result" role="status">{format!(
                "Done: {}: {}.",
                outcome.done_text("step", "moved"),
                scaleout_domain::planner::effect(&outcome.plan.before.bytes, &after.bytes),
            )}</p>
            {(!outcome.meanwhile.is_empty()).then(|| view! {
                <p class="notice-warn" role="note" data-testid="rebalance-meanwhile">
                    {scaleout_domain::views::meanwhile_note(&outcome.meanwhile)}
                </p>
            })}
            {drained.map(|d| view! {
                <p class="job-result" data-testid="drain-done">
                    {format!("{d} holds nothing now (read back from the cluster); the figures count the servers that keep data. ")}
                    <a href="/servers">"Remove it on the Servers page"</a>
                </p>
            })}
            <FiguresTable columns=vec![("Before", outcome.plan.before.clone()), ("After (measured)", after)] testid="done-figures" short=true />
            // Why the servers are not more even, beside the figures that show it (it was
            // only in the log); open when the run changed little.
            {(!outcome.plan.reasons.is_empty()).then(|| view! {
                <details class="figure-meanings" data-testid="rebalance-why" open=outcome.plan.barely_helps()>
                    <summary>"Why the servers are not more even"</summary>
                    <ul class="reasons">
                        {outcome.plan.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                    </ul>
                </details>
            })}
            <MovesDone moves=outcome.moves_done.clone() />
        </div>
    }
}

/// Every executed move with its check: the data counted before and after, the placement
/// read back.
#[component]
fn MovesDone(moves: Vec<scaleout_domain::views::ExecutedMove>) -> impl IntoView {
    let verified = moves.iter().filter(|m| m.verified).count();
    let total = moves.len();
    view! {
        <details class="moves-done" data-testid="moves-done">
            <summary>{format!("Steps: {verified} of {total} verified")}</summary>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Steps">
                <table>
                    <thead><tr>
                        <th scope="col" class="num">"Group"</th>
                        <th scope="col">"From → to"</th>
                        <th scope="col" class="num">"Copied"</th>
                        <th scope="col" class="num">"Took"</th>
                        <th scope="col">"Verified"</th>
                    </tr></thead>
                    <tbody>
                        {moves.into_iter().map(|m| view! {
                            <tr data-verified=m.verified.to_string()>
                                <td class="num">{m.group}</td>
                                <td>{format!("{} → {} ({})", m.from, m.to, match m.role {
                                    ReplicaRole::Leader if m.bytes == 0 => "leader switch",
                                    ReplicaRole::Leader => "leader",
                                    ReplicaRole::Follower => "follower",
                                })}</td>
                                <td class="num">{bytes(m.bytes)}</td>
                                <td class="num">{duration(m.millis as f64 / 1000.0)}</td>
                                <td>{match (m.verified, m.verification) {
                                    (true, None) if m.bytes == 0 => "yes: same data, new leader read back".to_string(),
                                    (true, None) => "yes: same data, placement read back".to_string(),
                                    (true, Some(n)) => format!("yes ({n})"),
                                    (false, n) => format!("NO: {}", n.unwrap_or_default()),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
