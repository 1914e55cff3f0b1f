//! Every job, newest first, a page at a time: the dashboard keeps the last ten, and
//! "why did last week's drain fail?" starts here. Paged by job number (`?before=N`), so
//! a page stays the same while new jobs start, and plain links page it without scripts.

use leptos::prelude::*;

use crate::api::jobs::list_jobs;
use crate::components::errors::error_text;
use crate::components::job_table::JobTable;
use crate::components::query::use_query_param;
use crate::components::title::Title;

/// Jobs on a page.
const PAGE: u32 = 50;

#[component]
pub fn JobsPage() -> impl IntoView {
    let before = use_query_param("before");
    let refresh = RwSignal::new(0u32);
    let live = crate::components::live::use_live();
    // One more than a page: whether there are older ones to link to.
    let jobs = Resource::new(
        move || (before.get(), refresh.get(), live.cluster.get()),
        |(before, _, _)| async move {
            let below = match before.as_deref().map(str::parse::<u64>) {
                Some(Err(_)) => {
                    #[cfg(feature = "ssr")]
                    crate::api::server::answer_status(400);
                    return Err(format!(
                        "{:?} is not a job number: the address's \"before\" takes one, such as 51",
                        before.unwrap_or_default()
                    ));
                }
                parsed => parsed.and_then(Result::ok),
            };
            list_jobs(PAGE + 1, below).await.map_err(|e| error_text(&e))
        },
    );
    let on_resumed = Callback::new(move |_| refresh.update(|n| *n += 1));
    view! {
        <Title text="Jobs" />
        <p class="breadcrumb"><a href="/">"Dashboard"</a></p>
        <h1>"Jobs"</h1>
        <p class="lead">
            "Every job the console ran, newest first: onboarding, servers added, rebalances and drains, "
            "validations and demos. Open a job for its log."
        </p>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading the jobs…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(mut list) => {
                        let older = (list.len() > PAGE as usize).then(|| {
                            list.truncate(PAGE as usize);
                            list.last().map(|j| j.id)
                        }).flatten();
                        // A later page: it links back to the newest.
                        let paged = before.get_untracked().is_some();
                        let range = match (list.first(), list.last()) {
                            (Some(a), Some(b)) if a.id != b.id => format!("Jobs {} to {}", a.id, b.id),
                            (Some(a), _) => format!("Job {}", a.id),
                            _ => "No older jobs".to_string(),
                        };
                        view! {
                            <section class="card" aria-labelledby="jobs-h">
                                <h2 id="jobs-h">{if paged { range } else { "The newest jobs".to_string() }}</h2>
                                {match before.get_untracked().filter(|_| list.is_empty()) {
                                    // Past the oldest: not "no jobs yet".
                                    Some(b) => view! { <p data-testid="no-older-jobs">{format!("No jobs numbered below {b}.")}</p> }.into_any(),
                                    None => view! { <JobTable jobs=list on_resumed team=true /> }.into_any(),
                                }}
                                <nav class="pager" aria-label="Pages of jobs">
                                    {paged.then(|| view! { <a href="/jobs" data-testid="newest-jobs">"← Newest jobs"</a> })}
                                    {older.map(|id| view! {
                                        <a href=format!("/jobs?before={id}") data-testid="older-jobs">"Older jobs →"</a>
                                    })}
                                </nav>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <p class="error" role="alert" data-testid="jobs-error">"Could not list the jobs: " {e}</p>
                        <p><a href="/jobs">"The newest jobs"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
