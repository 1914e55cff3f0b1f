//! Live progress of one job, the same for every browser watching it: the past
//! events first, then the live ones, until the job ends.

use leptos::prelude::*;
use scaleout_domain::progress::{Outcome, ProgressEvent};
use scaleout_domain::views::JobState;

use super::follow::follow_after;
use super::operator_only::OperatorOnly;
use super::progress::ProgressLog;
use crate::api::jobs::{cancel_job, watch_job};

/// Why following a job stopped short of its end.
enum Cut {
    /// The connection dropped or the stream broke off: followed again.
    Broken,
    /// The server said no (the job is not there, the session may not see it).
    Refused(String),
}

#[component]
pub fn JobWatch(
    /// The job to follow.
    job: u64,
    /// What the job does, for people ("Onboarding Acme Corp").
    title: String,
    /// Called once the job has ended (to refresh lists).
    #[prop(optional)]
    on_done: Option<Callback<()>>,
    /// Receives a copy of the events as they arrive (a page that narrates them).
    #[prop(optional)]
    mirror: Option<WriteSignal<Vec<ProgressEvent>>>,
    /// Offers "Dismiss" once the job has ended (the page drops its card; the job stays in
    /// the dashboard's recent jobs).
    #[prop(optional)]
    on_dismiss: Option<Callback<u64>>,
    /// The job's state as the page knew it when rendered: a job that has ended says so
    /// before its events arrive, and on a page without scripts (where they never do).
    #[prop(default = None)]
    known: Option<JobState>,
    /// Its log's milestones as the page was rendered (the job page): how far it got shows
    /// at once, and without scripts; the live events take over once they catch up.
    #[prop(default = Vec::new())]
    seed: Vec<ProgressEvent>,
) -> impl IntoView {
    let seen = seed.last().map(|e| e.seq);
    let (events, set_events) = signal(seed);
    if let Some(mirror) = mirror {
        Effect::new(move |_| {
            mirror.try_set(events.get());
        });
    }
    let (error, set_error) = signal(None::<String>);
    let (ended, set_ended) = signal(false);
    // The connection dropped (a phone offline for a moment): said, and followed again.
    let (reconnecting, set_reconnecting) = signal(false);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let mut backoff = crate::components::live::Backoff::up_to(10_000);
            loop {
                // After a cut the log is replayed whole and replaces what was shown once it
                // has caught up: nothing is counted twice, nothing steps back.
                let shown = events.try_with_untracked(|e| e.last().map(|e| e.seq));
                let Some(shown) = shown else {
                    return; // the page shows another job now
                };
                let result = match watch_job(job).await {
                    Ok(stream) => {
                        set_reconnecting.try_set(false);
                        backoff.reset();
                        follow_after(stream, set_events, shown.or(seen))
                            .await
                            .map_err(|_| Cut::Broken)
                    }
                    Err(ServerFnError::Request(_)) => Err(Cut::Broken),
                    Err(e) => Err(Cut::Refused(format!("Cannot follow job {job}: {e}"))),
                };
                let here = events.try_with_untracked(|_| ());
                match (result, here) {
                    (_, None) => return,
                    // The server ends the stream when the job ends (one whose process died
                    // has no last word, so its end is not looked for in the events).
                    (Ok(()), _) => break,
                    (Err(Cut::Refused(e)), _) => {
                        set_error.try_set(Some(e));
                        break;
                    }
                    // Cut off before the job's end: follow it again, a little later each time.
                    (Err(Cut::Broken), _) => {
                        set_reconnecting.try_set(true);
                        backoff.wait().await;
                    }
                }
            }
            set_reconnecting.try_set(false);
            // Gone already (the page shows another job now): nobody to tell.
            if set_ended.try_set(true).is_some() {
                return;
            }
            if let Some(cb) = on_done {
                cb.try_run(());
            }
        });
    });
    // The job's end is its last event: a resumed job replays its earlier run's
    // "finished" before the events of the run that goes on.
    let last = move || events.with(|e| e.last().filter(|e| e.step == "finished").cloned());
    let state = move || match last() {
        Some(e) if e.outcome == Outcome::Ok => "succeeded",
        Some(e) if e.outcome == Outcome::Warning => "cancelled",
        Some(_) => "failed",
        None if ended.get() => "ended",
        None => match known {
            Some(k) if k.is_finished() => k.as_str(),
            _ => "running",
        },
    };
    // The step in progress (one at a time, when moves run side by side); the log shows
    // every step's outcome.
    let current =
        Signal::derive(move || events.with(|e| scaleout_domain::progress::current(e).cloned()));
    let question = StoredValue::new(format!(
        "Cancel job {job} ({title})? It stops at its next safe point; Resume (on its page or the Jobs list) finishes it later."
    ));
    let cancel = move |_| {
        if !question.with_value(|q| crate::components::confirm::ask(q)) {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Err(e) = cancel_job(job).await {
                set_error.set(Some(e.to_string()));
            }
        });
    };
    view! {
        <section class="card job" data-testid="job-watch" data-job=job data-state=state aria-labelledby=format!("job-{job}")>
            <div class="card-head">
                <h2 id=format!("job-{job}")>{title} <span class="muted">" · job " {job}</span></h2>
                <span class=move || format!("badge state-{}", state())>{state}</span>
            </div>
            // The step in progress, in its own words ("Loaded 2,000 of 7,665 documents");
            // once it succeeded, the last step's words say what was done ("6 tenants added").
            <p class="muted" data-testid="job-current">
                {move || current.get().filter(|_| matches!(state(), "running" | "succeeded")).map(|e| e.message).unwrap_or_default()}
            </p>
            // An ended job's steps come with its events (not with the page): no empty log.
            <Show when=move || state() == "running" || events.with(|e| !e.is_empty())>
                <ProgressLog label="Job progress" events=events filter_finished=true ended=Signal::derive(move || state() != "running") />
            </Show>
            {move || last().map(|e| view! { <p class="job-result" role="status">{e.message}</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <Show when=move || reconnecting.get()>
                <p class="muted" role="status" data-testid="job-reconnecting">"The connection dropped: following again…"</p>
            </Show>
            <Show when=move || state() == "running">
                <OperatorOnly note="An operator can cancel this job; you are watching it.">
                    <button type="button" class="secondary" on:click=cancel>"Cancel"</button>
                </OperatorOnly>
            </Show>
            {move || on_dismiss.filter(|_| state() != "running").map(|dismiss| view! {
                <button type="button" class="secondary small" data-testid="dismiss-job"
                    aria-label=format!("Dismiss job {job}") on:click=move |_| dismiss.run(job)>
                    "Dismiss"
                </button>
            })}
        </section>
    }
}
