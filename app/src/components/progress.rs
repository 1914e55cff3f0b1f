//! A live progress log: a bar for the whole operation and its events in order.

use leptos::prelude::*;
use scaleout_domain::progress::{Outcome, ProgressEvent};

/// Renders the events received so far; `label` names the operation for screen readers.
#[component]
pub fn ProgressLog(
    label: &'static str,
    events: ReadSignal<Vec<ProgressEvent>>,
    /// Job logs: only outcomes and the bar, not every intermediate tick.
    #[prop(optional)]
    filter_finished: bool,
    /// Once this is true, the list folds away under "Every step (N)" (the bar and the
    /// result stay): a finished job's thirty lines would make a phone page metres long.
    #[prop(optional, into)]
    ended: Option<Signal<bool>>,
) -> impl IntoView {
    // A job's bar follows the step in progress, one at a time when steps run side by side.
    let last = move || {
        events.with(|e| {
            if filter_finished {
                scaleout_domain::progress::current(e)
            } else {
                e.last()
            }
            .map(|e| (e.done, e.total))
        })
    };
    // Each event, and whether its step has ended since: a finished check's earlier ticks
    // ("5 of 20 done") then say "Progress", not "Running" (the row is made anew then).
    let shown = move || {
        events.with(|all| {
            all.iter()
                .filter(|e| {
                    !filter_finished || (e.outcome != Outcome::Running && e.step != "finished")
                })
                .map(|e| {
                    let passed = e.outcome == Outcome::Running
                        && all
                            .iter()
                            .any(|l| l.step == e.step && l.outcome != Outcome::Running);
                    (e.clone(), passed)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <progress
            aria-label=label
            max=move || last().map(|(_, t)| t.max(1)).unwrap_or(1)
            value=move || last().map(|(d, _)| d).unwrap_or(0)
        ></progress>
        {match ended {
            None => list(shown).into_any(),
            Some(ended) => view! {
                <details class="events-fold" open=move || !ended.get()>
                    <summary>{move || format!("Every step ({})", shown().len())}</summary>
                    {list(shown)}
                </details>
            }.into_any(),
        }}
    }
}

/// The events, oldest first, announced as they arrive.
fn list(shown: impl Fn() -> Vec<(ProgressEvent, bool)> + Send + Sync + 'static) -> impl IntoView {
    view! {
        <ol class="events" aria-live="polite" data-testid="progress-events">
            <For
                each=shown
                key=|(e, passed)| (e.seq, *passed)
                children=|(e, passed)| {
                    view! {
                        <li class=if passed { "event passed" } else { outcome_class(e.outcome) } data-step=e.step.clone()>
                            <span class="badge">{if passed { "Progress" } else { outcome_label(e.outcome) }}</span>
                            " "
                            {e.message}
                        </li>
                    }
                }
            />
        </ol>
    }
}

pub fn outcome_class(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Running => "event running",
        Outcome::Ok => "event ok",
        Outcome::Warning => "event warning",
        Outcome::Failed => "event failed",
    }
}

/// A word as well as a colour, so the state never depends on colour alone.
pub fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Running => "Running",
        Outcome::Ok => "OK",
        Outcome::Warning => "Warning",
        Outcome::Failed => "Failed",
    }
}
