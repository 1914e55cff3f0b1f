//! The jobs table: the dashboard's recent jobs and the jobs page's every page of them.

use leptos::form::ActionForm;
use leptos::prelude::*;
use scaleout_domain::views::{JobRecord, JobState};

use crate::api::jobs::ResumeJob;
use crate::components::errors::error_text;
use crate::components::local_time::LocalTime;
use crate::components::operator_only::OperatorOnly;

/// Jobs, newest first: what each did, how it went, when; a job that stopped offers
/// Resume to an operator; the team opens each job's page from its number.
#[component]
pub fn JobTable(jobs: Vec<JobRecord>, on_resumed: Callback<()>, team: bool) -> impl IntoView {
    let resume = ServerAction::<ResumeJob>::new();
    // The jobs whose resume was refused here: their button goes, the reason stays above.
    let asked = RwSignal::new(None::<u64>);
    let refused = RwSignal::new(Vec::<u64>::new());
    Effect::new(move |_| match resume.value().get() {
        Some(Ok(_)) => on_resumed.run(()),
        Some(Err(_)) => {
            if let Some(id) = asked.get_untracked() {
                refused.update(|r| r.push(id));
            }
        }
        None => {}
    });
    view! {
            {move || resume.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert" data-testid="resume-error">"Could not resume: " {error_text(&e)}</p>
            })}
            {if jobs.is_empty() {
                view! { <p data-testid="no-jobs">"No jobs yet: they appear here, live, as they start."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Jobs">
                        <table class="jobs" data-testid="job-table">
                            <thead>
                                <tr>
                                    <th scope="col" class="num">"Job"</th>
                                    <th scope="col">"What"</th>
                                    <th scope="col">"State"</th>
                                    <th scope="col">"Started"</th>
                                    <th scope="col" class="num">"Took"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {jobs.into_iter().map(|j| {
                                    // A resumed job keeps its first start; what it took is its last run's.
                                    let resumed = j.resumed_ms();
                                    // Labelled on a phone's card only once it is a time: "running" says itself.
                                    let took_label = j.took().is_some().then_some("Took");
                                    let took = j.took().unwrap_or_else(|| {
                                        if j.started_ms.is_some() { "running" } else { "-" }.to_string()
                                    });
                                    view! {
                                        <tr data-job=j.id>
                                            <td class="num job-id">
                                                {if team {
                                                    view! { <a href=format!("/jobs/{}", j.id) aria-label=format!("Job {}: its page and log", j.id)>{j.id}</a> }.into_any()
                                                } else {
                                                    view! { {j.id} }.into_any()
                                                }}
                                            </td>
                                            <td class="what">
                                                {j.title()}
                                                {(j.kind == "demo" && j.state == JobState::Succeeded).then(|| view! {
                                                    " · " <a href=format!("/reports/demo/{}.md", j.id) download="">"report"</a>
                                                })}
                                                // A cancel is what someone asked for: its reason reads as a note, a failure's as an error.
                                                {j.error.clone().map(|e| view! { <br /><span class=if j.state == JobState::Cancelled { "muted" } else { "error" }>{e}</span> })}
                                                // The team's only: a stakeholder's page and bundle go without.
                                                {(team && j.state.is_resumable()).then(|| resume_control(&j, resume, asked, refused))}
                                            </td>
                                            <td class="state"><span class=format!("badge state-{}", j.state.as_str())>{j.state.as_str()}</span></td>
                                            <td class="started" data-label="Started">
                                                // As every time on the site: the reader's zone once scripts run.
                                                <LocalTime ms=j.created_ms />
                                                {resumed.map(|r| view! { <br /><span class="muted">"resumed " <LocalTime ms=r /></span> })}
                                            </td>
                                            <td class="num took" data-label=took_label>{took}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
    }
}

/// Resume for a job that stopped: confirmed first, and gone once refused (the reason
/// shows above the table, and beside the job once the page is loaded again). Operators
/// only; not in a stakeholder's bundle.
#[cfg(not(feature = "watch-bundle"))]
fn resume_control(
    j: &JobRecord,
    resume: ServerAction<ResumeJob>,
    asked: RwSignal<Option<u64>>,
    refused: RwSignal<Vec<u64>>,
) -> AnyView {
    let id = j.id;
    // Refused before (its plan no longer fits the cluster): the reason, not the button.
    if let Some(why) = j.resume_refused.clone() {
        return view! {
            <br /><span class="muted" data-testid=format!("resume-refused-{id}")>"Cannot be resumed: " {why}</span>
        }
        .into_any();
    }
    let offered = move || !refused.with(|r| r.contains(&id));
    let question = StoredValue::new(j.resume_question());
    view! {
        <OperatorOnly note="">
            <Show when=offered>
                <ActionForm action=resume attr:class="inline-form resume-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="secondary" data-testid=format!("resume-{id}")
                        on:click=move |ev| {
                            asked.set(Some(id));
                            question.with_value(|q| crate::components::confirm::or_stop(&ev, q));
                        }>
                        "Resume (finish from where it stopped)"
                    </button>
                </ActionForm>
            </Show>
        </OperatorOnly>
    }
    .into_any()
}

#[cfg(feature = "watch-bundle")]
fn resume_control(
    _: &JobRecord,
    _: ServerAction<ResumeJob>,
    _: RwSignal<Option<u64>>,
    _: RwSignal<Vec<u64>>,
) -> AnyView {
    ().into_any()
}
