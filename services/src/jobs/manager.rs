//! Starting, cancelling, resuming and following jobs.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{FutureExt, Stream, StreamExt};
use scaleout_domain::port::{BackendError, CancelFlag};
use scaleout_domain::progress::{Outcome, ProgressEvent};
use tokio::sync::broadcast;

use super::context::JobCtx;
use super::spec::JobSpec;
use super::watch;
use crate::activity::{ActivityHub, Happening};
use crate::clock::now_ms;
use crate::console::Console;
use crate::error::ServiceError;
use crate::store::{ConsoleStore, JobRecord, JobState, Lock};

/// How long recording a job's end is retried between attempts, at most (a
/// full disk: the end is recorded as soon as there is room again).
const RECORD_RETRY_MAX: Duration = Duration::from_secs(5);

/// How often a running job looks whether another process asked to cancel it.
const CANCEL_POLL: Duration = Duration::from_millis(500);

/// Jobs running in this process.
pub struct Jobs {
    store: Arc<ConsoleStore>,
    activity: Arc<ActivityHub>,
    running: Mutex<HashMap<u64, Running>>,
    /// Jobs that ended here but whose end could not be recorded yet: shown as
    /// ended meanwhile, and recorded by a retry.
    unrecorded: Mutex<HashMap<u64, Ended>>,
}

struct Running {
    live: broadcast::Sender<ProgressEvent>,
    cancel: CancelFlag,
}

#[derive(Debug, Clone)]
struct Ended {
    state: JobState,
    result: Option<serde_json::Value>,
    error: Option<String>,
    at_ms: i64,
}

impl Jobs {
    pub(crate) fn new(store: Arc<ConsoleStore>, activity: Arc<ActivityHub>) -> Self {
        Jobs {
            store,
            activity,
            running: Mutex::new(HashMap::new()),
            unrecorded: Mutex::new(HashMap::new()),
        }
    }

    /// Records and starts a job. Its locks are claimed with its record, so a
    /// second topology change, or a second job on the same tenant, is refused
    /// (naming the job that holds it) even when another process asks at the
    /// same moment.
    pub(crate) fn start(&self, console: &Console, spec: JobSpec) -> Result<u64, ServiceError> {
        let spec_json = serde_json::to_value(&spec).expect("job specs serialise");
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let id = self
            .store
            .insert_job(spec.kind(), &spec_json, &spec.locks(), now_ms())?
            .map_err(|held| held.refusal())?;
        self.launch(console, &mut running, id, spec, 0, None);
        Ok(id)
    }

    /// Runs a job that stopped before finishing (interrupted, cancelled or
    /// failed) again under the same id, from its checkpoint; its log continues.
    pub(crate) fn resume(&self, console: &Console, id: u64) -> Result<u64, ServiceError> {
        let record = self
            .store
            .job(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no job {id}")))?;
        if !record.state.is_resumable() {
            use scaleout_domain::views::JobState;
            let state = match record.state {
                JobState::Succeeded => "has already succeeded",
                JobState::Running => "is still running",
                _ => "is queued",
            };
            return Err(ServiceError::Conflict(format!(
                "job {id} {state}: only a job that stopped before finishing (interrupted, cancelled or failed) can be resumed"
            )));
        }
        if let Some(why) = &record.resume_refused {
            return Err(ServiceError::Conflict(format!(
                "job {id} cannot be resumed: {why}"
            )));
        }
        let spec: JobSpec = serde_json::from_value(record.spec.clone())
            .map_err(|e| ServiceError::Store(format!("job {id} has an unreadable spec: {e}")))?;
        let checkpoint = self.store.checkpoint(id)?;
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        self.store
            .restart_job(id, &spec.locks(), now_ms())?
            .map_err(|held| held.refusal())?;
        let first_seq = self.store.next_seq(id)?;
        self.launch(console, &mut running, id, spec, first_seq, checkpoint);
        Ok(id)
    }

    /// Refuses (a conflict naming the job) while a topology change runs.
    pub fn refuse_if_topology_busy(&self) -> Result<(), ServiceError> {
        match self.store.holder_of(Lock::Topology)? {
            Some(held) => Err(held.refusal()),
            None => Ok(()),
        }
    }

    fn launch(
        &self,
        console: &Console,
        running: &mut HashMap<u64, Running>,
        id: u64,
        spec: JobSpec,
        first_seq: u64,
        checkpoint: Option<serde_json::Value>,
    ) {
        let (live, _) = broadcast::channel(256);
        let cancel = CancelFlag::new();
        let cancel_here = cancel.clone();
        running.insert(
            id,
            Running {
                live: live.clone(),
                cancel: cancel.clone(),
            },
        );
        let ctx = JobCtx::new(
            id,
            spec.kind(),
            self.store.clone(),
            live,
            first_seq,
            cancel,
            checkpoint,
            self.activity.clone(),
        );
        self.activity.publish(Happening::JobStarted {
            job: id,
            job_kind: spec.kind().to_string(),
        });
        let console = console.clone();
        // A cancel asked by another process reaches the job through the store.
        let asked = {
            let (store, cancel) = (self.store.clone(), cancel_here);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(CANCEL_POLL).await;
                    if store.cancel_requested(id).unwrap_or(false) {
                        // (A cancel asked here is recorded too, and already under way.)
                        if !cancel.is_cancelled() {
                            tracing::info!(job = id, "cancel asked by another process");
                        }
                        cancel.cancel();
                        return;
                    }
                }
            })
        };
        tokio::spawn(async move {
            tracing::info!(job = id, kind = spec.kind(), "job started");
            let outcome = AssertUnwindSafe(crate::operations::run(&console, &spec, &ctx))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| {
                    Err(ServiceError::Store(
                        "the job crashed (a bug): see the server log".into(),
                    ))
                });
            asked.abort();
            let end = match outcome {
                Ok(result) => {
                    ctx.event("finished", 1, 1, Outcome::Ok, "Succeeded");
                    Ended::new(JobState::Succeeded, Some(result), None)
                }
                Err(e) if is_cancel(&e) => {
                    // The state says "cancelled"; the reason says what is left.
                    let reason = match &e {
                        ServiceError::Cancelled(m)
                        | ServiceError::Backend(BackendError::Cancelled(m)) => m.clone(),
                        other => other.to_string(),
                    };
                    ctx.event(
                        "finished",
                        0,
                        1,
                        Outcome::Warning,
                        format!("Cancelled: {reason}"),
                    );
                    Ended::new(JobState::Cancelled, None, Some(reason))
                }
                Err(e) => {
                    ctx.event("finished", 0, 1, Outcome::Failed, format!("Failed: {e}"));
                    Ended::new(JobState::Failed, None, Some(e.to_string()))
                }
            };
            console.jobs().record_end(id, spec.kind(), end, ctx).await;
        });
    }

    /// Records a job's end. When that fails (a full disk), the end is kept in
    /// memory, so watchers and `job show` see it, and recorded once it can be.
    async fn record_end(&self, id: u64, kind: &str, end: Ended, ctx: JobCtx) {
        let mut ctx = Some(ctx);
        let mut delay = Duration::from_millis(250);
        loop {
            match self.store.finish_job(
                id,
                end.state,
                end.result.as_ref(),
                end.error.as_deref(),
                end.at_ms,
            ) {
                Ok(()) => break,
                Err(e) => {
                    if ctx.is_some() {
                        tracing::error!(
                            job = id,
                            "could not record the job's end (retrying until it can): {e}"
                        );
                        self.unrecorded
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .insert(id, end.clone());
                        // Watchers end now, and read the end from memory.
                        self.running
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .remove(&id);
                        ctx = None;
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(RECORD_RETRY_MAX);
                }
            }
        }
        tracing::info!(job = id, state = end.state.as_str(), "job ended");
        self.activity.publish(Happening::JobEnded {
            job: id,
            job_kind: kind.to_string(),
            state: end.state,
        });
        self.unrecorded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
        drop(ctx);
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    /// Asks a running job to stop at its next safe point.
    pub fn cancel(&self, id: u64) -> Result<(), ServiceError> {
        let here = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .map(|r| r.cancel.clone());
        if let Some(cancel) = here {
            cancel.cancel();
            // Recorded too: a page read before the job stops says a cancel was asked. The
            // job stops either way, so a failed write is logged, not answered as a failure.
            if let Err(e) = self.store.request_cancel(id, now_ms()) {
                tracing::warn!(job = id, error = %e, "a cancel could not be recorded; the job stops all the same");
            }
            return Ok(());
        }
        match self.record(id)? {
            None => Err(ServiceError::NotFound(format!("there is no job {id}"))),
            Some(j) if j.state.is_finished() => Err(ServiceError::Conflict(format!(
                "job {id} already ended ({})",
                j.state.as_str()
            ))),
            // Another process runs it (a CLI beside the server, or the reverse): it looks
            // for the request while the job runs and stops the job as if asked here.
            Some(_) => {
                if self.store.request_cancel(id, now_ms())? {
                    Ok(())
                } else {
                    Err(ServiceError::Conflict(format!("job {id} already ended")))
                }
            }
        }
    }

    /// The job's record, with an end this process could not record yet.
    pub fn record(&self, id: u64) -> Result<Option<JobRecord>, ServiceError> {
        let record = self.store.job(id)?;
        Ok(record.map(|r| self.overlay(r)))
    }

    fn overlay(&self, mut record: JobRecord) -> JobRecord {
        if record.state.is_finished() {
            return record;
        }
        if let Some(end) = self
            .unrecorded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&record.id)
        {
            record.state = end.state;
            record.result = end.result.clone();
            record.error = end.error.clone();
            record.finished_ms = Some(end.at_ms);
        }
        record
    }

    /// The job's events so far, then live ones until it ends.
    pub fn watch(
        &self,
        id: u64,
    ) -> Result<impl Stream<Item = ProgressEvent> + Send + 'static, ServiceError> {
        let live = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .map(|r| r.live.subscribe());
        let ended_here = self
            .unrecorded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(&id);
        if live.is_none() && !ended_here && self.store.job(id)?.is_none() {
            return Err(ServiceError::NotFound(format!("there is no job {id}")));
        }
        if ended_here {
            let past = self.store.events(id, 0).unwrap_or_default();
            return Ok(futures::stream::iter(past).left_stream());
        }
        Ok(watch::follow(self.store.clone(), id, live).right_stream())
    }

    /// Waits for the job to end and returns its record.
    pub async fn wait(&self, id: u64) -> Result<JobRecord, ServiceError> {
        let events = self.watch(id)?;
        futures::pin_mut!(events);
        while events.next().await.is_some() {}
        self.record(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no job {id}")))
    }

    /// Marks jobs whose process is gone as interrupted (and frees their
    /// locks); run at start and, while serving, every few seconds, so a job
    /// never stays "running" after its process died.
    pub fn interrupt_orphans(&self) -> Result<Vec<u64>, ServiceError> {
        // Asked of each job the store lists, after it listed them: a job recorded by a
        // start at this moment is in `running` by then (its start holds that lock from
        // recording to launching). A list of ours taken before the store's missed it.
        let here = |id: u64| {
            let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            let unrecorded = self.unrecorded.lock().unwrap_or_else(|p| p.into_inner());
            running.contains_key(&id) || unrecorded.contains_key(&id)
        };
        let orphans = self.store.interrupt_orphans(now_ms(), &here)?;
        if !orphans.is_empty() {
            tracing::warn!(?orphans, "jobs left running by a stopped process are marked interrupted; resume them to finish");
        }
        Ok(orphans)
    }

    pub fn store(&self) -> &Arc<ConsoleStore> {
        &self.store
    }
}

impl Ended {
    fn new(state: JobState, result: Option<serde_json::Value>, error: Option<String>) -> Self {
        Ended {
            state,
            result,
            error,
            at_ms: now_ms(),
        }
    }
}

fn is_cancel(e: &ServiceError) -> bool {
    matches!(
        e,
        ServiceError::Cancelled(_) | ServiceError::Backend(BackendError::Cancelled(_))
    )
}
