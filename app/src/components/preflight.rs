//! Runs the server's preflight checks and shows their progress as it streams in.

use leptos::prelude::*;
use scaleout_domain::progress::{Outcome, ProgressEvent};

use super::progress::ProgressLog;
use crate::api::console::run_preflight;

#[component]
pub fn Preflight() -> impl IntoView {
    let (events, set_events) = signal(Vec::<ProgressEvent>::new());
    let (running, set_running) = signal(false);
    let (error, set_error) = signal(None::<String>);

    let start = move |_| {
        set_events.set(Vec::new());
        set_error.set(None);
        set_running.set(true);
        leptos::task::spawn_local(async move {
            if let Err(message) = follow(set_events).await {
                set_error.set(Some(message));
            }
            set_running.set(false);
        });
    };

    let summary = move || {
        events.with(|events| {
            let count = |o: Outcome| events.iter().filter(|e| e.outcome == o).count();
            let finished = events.last().is_some_and(|e| e.done >= e.total);
            finished.then(|| {
                format!(
                    "Finished: {} passed, {} warnings, {} failed.",
                    count(Outcome::Ok),
                    count(Outcome::Warning),
                    count(Outcome::Failed)
                )
            })
        })
    };

    view! {
        <section class="card" aria-labelledby="preflight-h">
            <div class="card-head">
                <h2 id="preflight-h">"Preflight"</h2>
                <button
                    type="button"
                    data-testid="run-preflight"
                    on:click=start
                    disabled=move || running.get()
                >
                    {move || if running.get() { "Running…" } else { "Run checks" }}
                </button>
            </div>
            <p class="hint">
                "Checks the data directory, samples the disk's synced-write latency, "
                "looks for the browser bundle and names the back end. Results stream in live."
            </p>
            // No empty bar before the first run.
            <Show when=move || running.get() || events.with(|e| !e.is_empty())>
                <ProgressLog label="Preflight progress" events />
            </Show>
            <p data-testid="preflight-summary" role="status">{summary}</p>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

/// Calls the streaming server function and appends each decoded event.
async fn follow(set_events: WriteSignal<Vec<ProgressEvent>>) -> Result<(), String> {
    let stream = run_preflight()
        .await
        .map_err(|e| format!("The checks could not start: {e}"))?;
    super::follow::follow(stream, set_events).await
}
