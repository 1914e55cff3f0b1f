//! Jobs: list them, follow one live, cancel or resume it.

use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};
use scaleout_domain::views::JobRecord;

/// `POST /api/jobs/list`: the most recent jobs, newest first; with `before`, those
/// numbered below it (the next page).
#[server(endpoint = "/jobs/list")]
pub async fn list_jobs(
    limit: u32,
    #[server(default)] before: Option<u64>,
) -> Result<Vec<JobRecord>, ServerFnError> {
    let console = super::server::stakeholder()?;
    let role = super::server::caller()?.role;
    let jobs = console
        .store()
        .jobs_before(before, limit.clamp(1, 200))
        .map_err(super::server::fail)?;
    Ok(jobs
        .into_iter()
        .map(|j| scaleout_services::visibility::job(j, role))
        .collect())
}

/// `POST /api/jobs/get`: one job.
#[server(endpoint = "/jobs/get")]
pub async fn get_job(id: u64) -> Result<JobRecord, ServerFnError> {
    let job = super::server::stakeholder()?
        .job(id)
        .map_err(super::server::fail)?;
    Ok(scaleout_services::visibility::job(
        job,
        super::server::caller()?.role,
    ))
}

/// `POST /api/jobs/watch`: the job's progress events so far, then live ones
/// until it ends; one JSON `ProgressEvent` per line.
#[server(output = StreamingText, endpoint = "/jobs/watch")]
pub async fn watch_job(id: u64) -> Result<TextStream, ServerFnError> {
    use futures::StreamExt;
    let console = super::server::stakeholder()?;
    let events = console.jobs().watch(id).map_err(super::server::fail)?;
    Ok(TextStream::new(
        super::server::watched(&console, events, super::server::Ends::WithSession)?
            .map(|e| Ok(e.to_line())),
    ))
}

/// `POST /api/jobs/cancel`: asks a running job to stop at its next safe point.
#[server(endpoint = "/jobs/cancel")]
pub async fn cancel_job(id: u64) -> Result<(), ServerFnError> {
    super::server::operator()?
        .jobs()
        .cancel(id)
        .map_err(super::server::fail)
}

/// `POST /api/jobs/log` (id): a job with the events of its log worth reading afterwards
/// (each step's start and end, every outcome): the job page.
#[server(endpoint = "/jobs/log")]
pub async fn get_job_log(id: u64) -> Result<scaleout_domain::views::JobLog, ServerFnError> {
    super::server::viewer()?
        .job_log(id, false)
        .map_err(super::server::fail)
}

/// `POST /api/jobs/current-rebalance`: the rebalance moving data now (or, for a caller
/// who cannot start one, the last one), with its log's milestones: the Shards page.
#[server(endpoint = "/jobs/current-rebalance")]
pub async fn current_rebalance() -> Result<Option<scaleout_domain::views::JobLog>, ServerFnError> {
    let role = super::server::caller()?.role;
    super::server::stakeholder()?
        .shown_rebalance(role)
        .map_err(super::server::fail)
}

/// `POST /api/jobs/current-demo`: the latest demo, running or ended, with its log's
/// milestones: the Demo page.
#[server(endpoint = "/jobs/current-demo")]
pub async fn current_demo() -> Result<Option<scaleout_domain::views::JobLog>, ServerFnError> {
    let role = super::server::caller()?.role;
    super::server::stakeholder()?
        .latest_demo(role)
        .map_err(super::server::fail)
}

/// `POST /api/jobs/resume`: runs an interrupted job again to completion.
#[server(endpoint = "/jobs/resume")]
pub async fn resume_job(id: u64) -> Result<u64, ServerFnError> {
    super::server::operator()?
        .resume_checked(id)
        .await
        .map_err(super::server::fail)
}
