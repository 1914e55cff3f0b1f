//! What a running job uses to report progress and notice cancellation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use std::collections::HashMap;

use scaleout_domain::port::{CancelFlag, MovePhase, MoveProgress};
use scaleout_domain::progress::{Outcome, ProgressEvent};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::activity::{ActivityHub, Happening};
use crate::clock::now_ms;
use crate::error::ServiceError;
use crate::store::{ConsoleStore, Lock};

/// Progress within a step is persisted at most this often; step changes and
/// outcomes always are.
const THROTTLE: Duration = Duration::from_millis(100);

pub struct JobCtx {
    pub job: u64,
    kind: &'static str,
    activity: Arc<ActivityHub>,
    store: Arc<ConsoleStore>,
    live: broadcast::Sender<ProgressEvent>,
    seq: AtomicU64,
    cancel: CancelFlag,
    /// When each step last recorded progress, and in which phase: moves running side by
    /// side are throttled each on its own.
    last: Mutex<HashMap<String, (Instant, Option<MovePhase>)>>,
    /// What the job recorded of its progress before (a resume), and since.
    checkpoint: Mutex<Option<serde_json::Value>>,
}

impl JobCtx {
    #[allow(clippy::too_many_arguments)] // built in one place, by the job manager
    pub(crate) fn new(
        job: u64,
        kind: &'static str,
        store: Arc<ConsoleStore>,
        live: broadcast::Sender<ProgressEvent>,
        first_seq: u64,
        cancel: CancelFlag,
        checkpoint: Option<serde_json::Value>,
        activity: Arc<ActivityHub>,
    ) -> Self {
        JobCtx {
            job,
            kind,
            activity,
            store,
            live,
            seq: AtomicU64::new(first_seq),
            cancel,
            last: Mutex::new(HashMap::new()),
            checkpoint: Mutex::new(checkpoint),
        }
    }

    /// How far an earlier run of this job got, as it last saved it with
    /// [`JobCtx::save_checkpoint`]; `None` on a first run (or an unreadable
    /// old checkpoint, when the job starts over, as every step is idempotent).
    pub fn checkpoint<T: DeserializeOwned>(&self) -> Option<T> {
        let value = self
            .checkpoint
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()?;
        match serde_json::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!(
                    job = self.job,
                    "checkpoint not understood, starting over: {e}"
                );
                None
            }
        }
    }

    /// Durably records how far the job got: a resume starts from here. It
    /// must be stored before the job goes on, so a failure stops the job.
    pub fn save_checkpoint<T: Serialize>(&self, value: &T) -> Result<(), ServiceError> {
        let value = serde_json::to_value(value).expect("checkpoints serialise");
        self.store.save_checkpoint(self.job, &value)?;
        *self.checkpoint.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
        Ok(())
    }

    /// Claims a lock for this job while it runs (held already is fine).
    pub fn claim(&self, lock: Lock) -> Result<(), ServiceError> {
        self.store
            .claim(self.job, lock)?
            .map_err(|held| held.refusal())
    }

    pub fn cancel_flag(&self) -> &CancelFlag {
        &self.cancel
    }

    /// Errors at a safe point once cancellation was asked for.
    pub fn check_cancel(&self) -> Result<(), ServiceError> {
        if self.cancel.is_cancelled() {
            Err(ServiceError::Cancelled(
                "stopped at the operator's request".into(),
            ))
        } else {
            Ok(())
        }
    }

    /// Records an event whatever the throttle: a step's start, end or outcome.
    pub fn event(
        &self,
        step: &str,
        done: u64,
        total: u64,
        outcome: Outcome,
        message: impl Into<String>,
    ) {
        self.note(step, None);
        self.record(draft(step, done, total, outcome, message.into()));
    }

    /// [`Self::event`] with the operation's forecast of the whole job's time left.
    pub fn event_with_forecast(
        &self,
        step: &str,
        done: u64,
        total: u64,
        message: impl Into<String>,
        time_left_secs: Option<f64>,
    ) {
        self.note(step, None);
        self.record(ProgressEvent {
            time_left_secs,
            ..draft(step, done, total, Outcome::Running, message.into())
        });
    }

    /// Progress inside a step: dropped when the last one of the same step was
    /// very recent, unless the step is complete.
    pub fn progress(&self, step: &str, done: u64, total: u64, message: impl FnOnce() -> String) {
        if self.throttled(step, done < total, None) {
            return;
        }
        self.record(draft(step, done, total, Outcome::Running, message()));
    }

    /// A shard move's progress: bytes (counted or estimated) and phase; a phase change is
    /// always recorded.
    pub fn move_progress(&self, step: &str, p: MoveProgress, message: impl FnOnce() -> String) {
        if self.throttled(step, p.bytes_done < p.bytes_total, Some(p.phase)) {
            return;
        }
        self.record(ProgressEvent {
            phase: Some(p.phase),
            estimated: p.estimated,
            ..draft(
                step,
                p.bytes_done,
                p.bytes_total,
                Outcome::Running,
                message(),
            )
        });
    }

    fn note(&self, step: &str, phase: Option<MovePhase>) {
        self.last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(step.to_string(), (Instant::now(), phase));
    }

    /// True when this progress is to be dropped; otherwise notes it as the step's last.
    fn throttled(&self, step: &str, unfinished: bool, phase: Option<MovePhase>) -> bool {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let recent =
            matches!(last.get(step), Some((at, was)) if at.elapsed() < THROTTLE && *was == phase);
        if recent && unfinished {
            return true;
        }
        last.insert(step.to_string(), (Instant::now(), phase));
        false
    }

    /// Numbers, times and stores `event` and tells its watchers.
    fn record(&self, event: ProgressEvent) {
        let event = ProgressEvent {
            seq: self.seq.fetch_add(1, Ordering::SeqCst),
            at_ms: now_ms(),
            ..event
        };
        if let Err(e) = self.store.append_event(self.job, &event) {
            tracing::warn!(job = self.job, "progress event not stored: {e}");
        }
        // A step that ended (a tenant loaded, a move landed) changes what pages show.
        if event.outcome != Outcome::Running && event.step != "finished" {
            self.activity.publish(Happening::JobProgressed {
                job: self.job,
                job_kind: self.kind.to_string(),
                step: event.step.clone(),
                outcome: event.outcome,
                message: event.message.clone(),
            });
        }
        // Nobody listening is fine.
        let _ = self.live.send(event);
    }
}

/// An event as a step reports it: [`JobCtx::record`] numbers and times it.
fn draft(step: &str, done: u64, total: u64, outcome: Outcome, message: String) -> ProgressEvent {
    ProgressEvent {
        seq: 0,
        step: step.to_string(),
        done,
        total,
        outcome,
        message,
        at_ms: 0,
        phase: None,
        estimated: false,
        time_left_secs: None,
    }
}
