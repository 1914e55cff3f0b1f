//! One job, past or running: what it did, when, how it ended, and its log. The dashboard
//! lists the last ten jobs with one line each; this is where "why did job 17 fail?" is
//! answered in the browser (the CLI's `job show`). A running job's log follows it live;
//! an ended job's comes with the page, so it reads the same without scripts.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use scaleout_domain::progress::Outcome;
use scaleout_domain::views::{JobLog, JobState};

use crate::api::jobs::{get_job_log, ResumeJob};
use crate::components::errors::error_text;
use crate::components::job_watch::JobWatch;
use crate::components::local_time::LocalTime;
use crate::components::no_script::{NoScriptForm, NoScriptRefresh, WHILE_RUNNING};
use crate::components::operator_only::OperatorOnly;
use crate::components::progress::{outcome_class, outcome_label};

#[component]
pub fn JobPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // A job's number, or what the address holds instead, said as such.
    let log = Resource::new(id, |id| async move {
        match id.parse::<u64>() {
            Ok(n) => get_job_log(n).await.map_err(|e| error_text(&e)),
            Err(_) => {
                // Not a job's address: answered as an unknown job is.
                #[cfg(feature = "ssr")]
                crate::api::server::answer_status(404);
                Err(format!(
                    "{id:?} is not a job number: jobs are numbered 1, 2, 3…"
                ))
            }
        }
    });
    // Once a running job ends, the page reads it again: its state, when it ended, what it
    // took and its whole log, as a reload would show them.
    let ended = Callback::new(move |_| log.refetch());
    view! {
        <Title text="Job" />
        <p class="breadcrumb"><a href="/jobs">"Jobs"</a></p>
        <Transition fallback=|| view! { <h1>"Job"</h1><p aria-busy="true">"Loading the job…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <JobBody log ended /> }.into_any(),
                    Err(e) => view! {
                        <h1>"Job"</h1>
                        <p class="error" role="alert" data-testid="job-error">
                            "Could not show this job: " {e}
                        </p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn JobBody(log: JobLog, ended: Callback<()>) -> impl IntoView {
    let j = log.job;
    let title = j.title();
    let took = j.took();
    let running = matches!(j.state, JobState::Running | JobState::Queued);
    let report = (j.kind == "demo" && j.state == JobState::Succeeded)
        .then(|| format!("/reports/demo/{}.md", j.id));
    let left_out = log.left_out;
    view! {
        <h1 data-testid="job-title">{format!("Job {}: {title}", j.id)}</h1>
        <section class="card" aria-labelledby="job-facts-h">
            <h2 id="job-facts-h">"How it went"</h2>
            <dl class="facts" data-testid="job-facts">
                <dt>"State"</dt>
                <dd><span class=format!("badge state-{}", j.state.as_str()) data-testid="job-state">{j.state.as_str()}</span></dd>
                <dt>"Started"</dt>
                <dd><LocalTime ms=j.created_ms /></dd>
                {j.resumed_ms().map(|at| view! { <dt>"Resumed"</dt><dd><LocalTime ms=at /></dd> })}
                {j.finished_ms.map(|at| view! { <dt>"Ended"</dt><dd><LocalTime ms=at /></dd> })}
                {took.map(|t| view! { <dt>"Took"</dt><dd>{t}</dd> })}
            </dl>
            {j.error.clone().map(|e| view! {
                <p class=if j.state == JobState::Cancelled { "muted" } else { "error" } data-testid="job-reason">{scaleout_domain::access::text::sentence(&e)}</p>
            })}
            {j.resume_refused.clone().map(|why| view! {
                <p class="muted" data-testid="job-resume-refused">"Cannot be resumed: " {why}</p>
            })}
            {report.map(|href| view! { <p><a href=href download="">"The demo's report (Markdown)"</a></p> })}
            {j.can_resume().then(|| view! {
                <ResumeHere job=j.id question=j.resume_question() resumed=ended />
            })}
        </section>
        {if running {
            let question = format!(
                "Cancel job {} ({title})? It stops at its next safe point; Resume finishes it later.",
                j.id
            );
            let asked = j.cancel_asked_ms;
            // Without scripts the page reloads itself while the job runs, which would close
            // the Cancel question under the reader's hands: asking for it (`?cancel=ask`)
            // stops the reloads until the question is answered.
            let asking = asked.is_none()
                && crate::components::query::query_param("cancel").as_deref() == Some("ask");
            let ask_link = format!(
                "<p><a href=\"/jobs/{}?cancel=ask\" data-testid=\"job-cancel-ask\">Cancel this job…</a></p>",
                j.id
            );
            view! {
                {(!asking).then(|| view! { <NoScriptRefresh seconds=WHILE_RUNNING /> })}
                {asked.map(|at| view! {
                    <p class="notice-warn" role="status" data-testid="job-cancel-asked">
                        "Cancel asked at " <LocalTime ms=at /> ": the job stops at its next safe point."
                    </p>
                })}
                // Above the log: on a phone the log takes screens.
                {asked.is_none().then(|| {
                    let ask_link = ask_link.clone();
                    view! {
                        <OperatorOnly note="">
                            {if asking {
                                view! {
                                    <NoScriptForm summary="Cancel this job" question=question.clone() action="/api/jobs/cancel"
                                        fields=vec![("id", j.id.to_string())] submit="Cancel the job" open=true />
                                }.into_any()
                            } else {
                                view! { <noscript inner_html=ask_link.clone()></noscript> }.into_any()
                            }}
                        </OperatorOnly>
                    }
                })}
                <JobWatch job=j.id title=title known=Some(j.state) seed=log.events on_done=ended />
            }.into_any()
        } else {
            view! {
                <section class="card" aria-labelledby="job-log-h">
                    <h2 id="job-log-h">"What it did"</h2>
                    <p class="hint">"Times in UTC."</p>
                    <ol class="events" data-testid="job-log">
                        {log.events.into_iter().map(|e| {
                            // The job has ended: a step's tick is progress it made, not running.
                            let (class, label) = if e.outcome == Outcome::Running {
                                ("event passed", "Progress")
                            } else {
                                (outcome_class(e.outcome), outcome_label(e.outcome))
                            };
                            let iso = scaleout_domain::time::iso_ms(e.at_ms);
                            let clock = iso[11..19].to_string();
                            view! {
                                <li class=class data-step=e.step.clone()>
                                    <span class="badge">{label}</span>
                                    " " <time datetime=iso>{clock}</time> " " {e.message}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    {(left_out > 0).then(|| view! {
                        <p class="hint">{format!(
                            "Each step's start and end and every outcome; {} left out (scaleout job show {} --all lists them).",
                            if left_out == 1 { "1 progress update is".to_string() } else { format!("{left_out} progress updates are") },
                            j.id
                        )}</p>
                    })}
                </section>
            }.into_any()
        }}
    }
}

/// Resume, on the page of a job that stopped (the Jobs list has it too): confirmed first;
/// the page then follows the resumed run. Without scripts, the form comes back to this
/// page, which reloads itself while the job runs.
#[component]
fn ResumeHere(job: u64, question: String, resumed: Callback<()>) -> impl IntoView {
    let resume = ServerAction::<ResumeJob>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = resume.value().get() {
            resumed.run(());
        }
    });
    let question = StoredValue::new(question);
    view! {
        <OperatorOnly note="">
            <ActionForm action=resume attr:class="resume-form">
                <input type="hidden" name="id" value=job />
                <button type="submit" class="secondary" data-testid="job-resume"
                    on:click=move |ev| question.with_value(|q| crate::components::confirm::or_stop(&ev, q))>
                    "Resume (finish from where it stopped)"
                </button>
            </ActionForm>
            {move || resume.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert" data-testid="job-resume-error">"Could not resume: " {error_text(&e)}</p>
            })}
        </OperatorOnly>
    }
}
