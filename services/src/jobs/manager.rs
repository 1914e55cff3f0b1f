//! Starting, cancelling, resuming and following jobs.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures::{FutureExt, Stream};
use scaleout_domain::port::{BackendError, CancelFlag};
use scaleout_domain::progress::{Outcome, ProgressEvent};
use tokio::sync::broadcast;

use super::context::JobCtx;
use super::spec::JobSpec;
use super::watch;
use crate::clock::now_ms;
use crate::console::Console;
use crate::error::ServiceError;
use crate::store::{ConsoleStore, JobRecord, JobState};

/// Jobs running in this process.
pub struct Jobs {
    store: Arc<ConsoleStore>,
    running: Mutex<HashMap<u64, Running>>,
}

struct Running {
    kind: &'static str,
    topology: bool,
    live: broadcast::Sender<ProgressEvent>,
    cancel: CancelFlag,
}

impl Jobs {
    pub(crate) fn new(store: Arc<ConsoleStore>) -> Self {
        Jobs {
            store,
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Records and starts a job; a second topology change is refused with the
    /// name of the one that runs.
    pub(crate) fn start(&self, console: &Console, spec: JobSpec) -> Result<u64, ServiceError> {
        let spec_json = serde_json::to_value(&spec).expect("job specs serialise");
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if spec.changes_topology() {
            self.refuse_if_busy(&running)?;
        }
        let id = self.store.insert_job(spec.kind(), &spec_json, now_ms())?;
        self.launch(console, &mut running, id, spec, 0);
        Ok(id)
    }

    /// Runs an interrupted job again under the same id; its log continues.
    pub(crate) fn resume(&self, console: &Console, id: u64) -> Result<u64, ServiceError> {
        let record = self
            .store
            .job(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no job {id}")))?;
        if record.state != JobState::Interrupted {
            return Err(ServiceError::Conflict(format!(
                "job {id} is {}, not interrupted: only interrupted jobs can be resumed",
                record.state.as_str()
            )));
        }
        let spec: JobSpec = serde_json::from_value(record.spec.clone())
            .map_err(|e| ServiceError::Store(format!("job {id} has an unreadable spec: {e}")))?;
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if spec.changes_topology() {
            self.refuse_if_busy(&running)?;
        }
        self.store.restart_job(id, now_ms())?;
        let first_seq = self.store.next_seq(id)?;
        self.launch(console, &mut running, id, spec, first_seq);
        Ok(id)
    }

    /// Refuses (a conflict naming the job) while a topology change runs.
    pub fn refuse_if_topology_busy(&self) -> Result<(), ServiceError> {
        let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        self.refuse_if_busy(&running)
    }

    fn refuse_if_busy(&self, running: &HashMap<u64, Running>) -> Result<(), ServiceError> {
        let here = running
            .iter()
            .find(|(_, r)| r.topology)
            .map(|(id, r)| (*id, r.kind.to_string()));
        let elsewhere = || -> Result<Option<(u64, String)>, ServiceError> {
            Ok(self
                .store
                .running_jobs()?
                .into_iter()
                .find(|j| {
                    serde_json::from_value::<JobSpec>(j.spec.clone())
                        .is_ok_and(|s| s.changes_topology())
                })
                .map(|j| (j.id, j.kind)))
        };
        if let Some((id, kind)) = here
            .map(Ok)
            .or_else(|| elsewhere().transpose())
            .transpose()?
        {
            return Err(ServiceError::Conflict(format!(
                "job {id} ({}) is changing the cluster's topology: wait for it to finish or cancel it first",
                kind.replace('_', " ")
            )));
        }
        Ok(())
    }

    fn launch(
        &self,
        console: &Console,
        running: &mut HashMap<u64, Running>,
        id: u64,
        spec: JobSpec,
        first_seq: u64,
    ) {
        let (live, _) = broadcast::channel(256);
        let cancel = CancelFlag::new();
        running.insert(
            id,
            Running {
                kind: spec.kind(),
                topology: spec.changes_topology(),
                live: live.clone(),
                cancel: cancel.clone(),
            },
        );
        let ctx = JobCtx::new(id, self.store.clone(), live, first_seq, cancel);
        let console = console.clone();
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
            let store = &console.jobs().store;
            let now = now_ms();
            let stored = match outcome {
                Ok(result) => {
                    ctx.event("finished", 1, 1, Outcome::Ok, "Succeeded");
                    store.finish_job(id, JobState::Succeeded, Some(&result), None, now)
                }
                Err(e) if is_cancel(&e) => {
                    ctx.event(
                        "finished",
                        0,
                        1,
                        Outcome::Warning,
                        format!("Cancelled: {e}"),
                    );
                    store.finish_job(id, JobState::Cancelled, None, Some(&e.to_string()), now)
                }
                Err(e) => {
                    ctx.event("finished", 0, 1, Outcome::Failed, format!("Failed: {e}"));
                    store.finish_job(id, JobState::Failed, None, Some(&e.to_string()), now)
                }
            };
            if let Err(e) = stored {
                tracing::error!(job = id, "could not record the job's end: {e}");
            }
            tracing::info!(job = id, "job ended");
            drop(ctx);
            console
                .jobs()
                .running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
        });
    }

    /// Asks a running job to stop at its next safe point.
    pub fn cancel(&self, id: u64) -> Result<(), ServiceError> {
        if let Some(r) = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
        {
            r.cancel.cancel();
            return Ok(());
        }
        match self.store.job(id)? {
            None => Err(ServiceError::NotFound(format!("there is no job {id}"))),
            Some(j) if j.state.is_finished() => Err(ServiceError::Conflict(format!(
                "job {id} already ended ({})",
                j.state.as_str()
            ))),
            Some(_) => Err(ServiceError::Conflict(format!(
                "job {id} runs in another scaleout process: cancel it there"
            ))),
        }
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
        if live.is_none() && self.store.job(id)?.is_none() {
            return Err(ServiceError::NotFound(format!("there is no job {id}")));
        }
        Ok(watch::follow(self.store.clone(), id, live))
    }

    /// Waits for the job to end and returns its record.
    pub async fn wait(&self, id: u64) -> Result<JobRecord, ServiceError> {
        use futures::StreamExt;
        let events = self.watch(id)?;
        futures::pin_mut!(events);
        while events.next().await.is_some() {}
        self.store
            .job(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no job {id}")))
    }

    pub fn store(&self) -> &Arc<ConsoleStore> {
        &self.store
    }
}

fn is_cancel(e: &ServiceError) -> bool {
    matches!(
        e,
        ServiceError::Cancelled(_) | ServiceError::Backend(BackendError::Cancelled(_))
    )
}
