//! Jobs and their ordered progress events, so a job outlives the browser tab
//! (and the process): late watchers replay the log, crashes leave a trace.

use rusqlite::{params, OptionalExtension, Row};
use scaleout_domain::progress::ProgressEvent;
pub use scaleout_domain::views::{JobRecord, JobState};

use super::locks::{self, Held, Lock};
use super::{db, ConsoleStore};
use crate::error::ServiceError;

const COLUMNS: &str =
    "id, kind, spec, state, created_ms, started_ms, finished_ms, result, error, resume_refused, cancel_requested_ms";

fn from_row(r: &Row<'_>) -> rusqlite::Result<JobRecord> {
    let spec: String = r.get(2)?;
    let result: Option<String> = r.get(7)?;
    let state = JobState::parse(&r.get::<_, String>(3)?);
    Ok(JobRecord {
        id: r.get::<_, i64>(0)? as u64,
        kind: r.get(1)?,
        spec: serde_json::from_str(&spec).unwrap_or(serde_json::Value::Null),
        state,
        created_ms: r.get(4)?,
        started_ms: r.get(5)?,
        finished_ms: r.get(6)?,
        result: result.and_then(|s| serde_json::from_str(&s).ok()),
        error: r.get(8)?,
        resume_refused: r.get(9)?,
        // A stale request (the job ended, or ended before it was seen) says nothing.
        cancel_asked_ms: r
            .get::<_, Option<i64>>(10)?
            .filter(|_| matches!(state, JobState::Running | JobState::Queued)),
    })
}

/// The process that runs a job: its pid and its start time (clock ticks after
/// boot, from /proc), so a pid reused by another process, or a killed
/// process not yet reaped (a zombie), is never taken for the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    pub started: Option<i64>,
}

impl Owner {
    pub fn this_process() -> Owner {
        static THIS: std::sync::OnceLock<Owner> = std::sync::OnceLock::new();
        *THIS.get_or_init(|| {
            let pid = std::process::id();
            Owner {
                pid,
                started: proc_stat(pid).map(|(_, started)| started),
            }
        })
    }

    /// Whether the owner still runs. Off Linux (no /proc) a pid is trusted.
    pub fn is_alive(&self) -> bool {
        if !cfg!(target_os = "linux") {
            return true;
        }
        match proc_stat(self.pid) {
            None => false,
            Some((state, _)) if state == 'Z' || state == 'X' => false,
            Some((_, started)) => self.started.is_none_or(|s| s == started),
        }
    }
}

/// The state letter and start time of a process, from `/proc/<pid>/stat`.
fn proc_stat(pid: u32) -> Option<(char, i64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces or parentheses.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let started = fields.get(19)?.parse().ok()?;
    Some((state, started))
}

/// Jobs in these states may be resumed: they stopped before finishing.
const RESUMABLE: &str = "('interrupted', 'cancelled', 'failed')";

impl ConsoleStore {
    /// Records a new running job owned by this process, with the locks it
    /// needs, in one transaction; `Err(held)` (and nothing recorded) when
    /// another job holds one of them.
    pub fn insert_job(
        &self,
        kind: &str,
        spec: &serde_json::Value,
        locks: &[Lock],
        now_ms: i64,
    ) -> Result<Result<u64, Held>, ServiceError> {
        let owner = Owner::this_process();
        self.transaction(|tx| {
            if let Some(held) = locks::holder(tx, locks, None)? {
                return Ok(Err(held));
            }
            tx.execute(
                "INSERT INTO jobs (kind, spec, state, created_ms, started_ms, owner_pid, owner_started)
                 VALUES (?1, ?2, 'running', ?3, ?3, ?4, ?5)",
                params![kind, spec.to_string(), now_ms, owner.pid, owner.started],
            )
            .map_err(db)?;
            let id = tx.last_insert_rowid() as u64;
            locks::take(tx, id, locks)?;
            Ok(Ok(id))
        })
    }

    /// Takes over a job that stopped before finishing (resume), claiming its
    /// locks again in the same transaction.
    pub fn restart_job(
        &self,
        id: u64,
        locks: &[Lock],
        now_ms: i64,
    ) -> Result<Result<(), Held>, ServiceError> {
        let owner = Owner::this_process();
        self.transaction(|tx| {
            if let Some(held) = locks::holder(tx, locks, Some(id))? {
                return Ok(Err(held));
            }
            let n = tx
                .execute(
                    &format!(
                        "UPDATE jobs SET state = 'running', started_ms = ?2, finished_ms = NULL, error = NULL,
                                owner_pid = ?3, owner_started = ?4, cancel_requested_ms = NULL
                         WHERE id = ?1 AND state IN {RESUMABLE}"
                    ),
                    params![id as i64, now_ms, owner.pid, owner.started],
                )
                .map_err(db)?;
            if n != 1 {
                return Err(ServiceError::Conflict(format!(
                    "job {id} is running or has succeeded, so it cannot be resumed"
                )));
            }
            locks::take(tx, id, locks)?;
            Ok(Ok(()))
        })
    }

    /// Records a job's end and frees its locks, in one transaction.
    pub fn finish_job(
        &self,
        id: u64,
        state: JobState,
        result: Option<&serde_json::Value>,
        error: Option<&str>,
        now_ms: i64,
    ) -> Result<(), ServiceError> {
        self.transaction(|tx| {
            tx.execute(
                "UPDATE jobs SET state = ?2, result = ?3, error = ?4, finished_ms = ?5 WHERE id = ?1",
                params![id as i64, state.as_str(), result.map(|r| r.to_string()), error, now_ms],
            )
            .map_err(db)?;
            locks::release_all(tx, id)
        })
    }

    /// Records why job `id` can no longer be resumed; Resume is not offered for it again.
    pub fn refuse_resume(&self, id: u64, why: &str) -> Result<(), ServiceError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE jobs SET resume_refused = ?2 WHERE id = ?1",
                params![id as i64, why],
            )
            .map(|_| ())
            .map_err(db)
        })
    }

    /// Asks the process running job `id` to cancel it (see [`Self::cancel_requested`]).
    /// False when the job is not running (it ended meanwhile).
    pub fn request_cancel(&self, id: u64, now_ms: i64) -> Result<bool, ServiceError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE jobs SET cancel_requested_ms = COALESCE(cancel_requested_ms, ?2)
                 WHERE id = ?1 AND state IN ('running', 'queued')",
                params![id as i64, now_ms],
            )
            .map(|n| n == 1)
            .map_err(db)
        })
    }

    /// Whether another process asked for job `id` to be cancelled.
    pub fn cancel_requested(&self, id: u64) -> Result<bool, ServiceError> {
        self.with(|conn| {
            conn.query_row(
                "SELECT cancel_requested_ms IS NOT NULL FROM jobs WHERE id = ?1",
                params![id as i64],
                |r| r.get(0),
            )
            .optional()
            .map(|asked| asked.unwrap_or(false))
            .map_err(db)
        })
    }

    /// The job's checkpoint: how far it got, as its operation recorded it.
    pub fn checkpoint(&self, id: u64) -> Result<Option<serde_json::Value>, ServiceError> {
        self.with(|conn| {
            let text: Option<String> = conn
                .query_row(
                    "SELECT checkpoint FROM jobs WHERE id = ?1",
                    params![id as i64],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)?
                .flatten();
            text.map(|t| {
                serde_json::from_str(&t).map_err(|e| {
                    ServiceError::Store(format!("job {id} has an unreadable checkpoint: {e}"))
                })
            })
            .transpose()
        })
    }

    /// Durably records how far a job got: a resume starts from here.
    pub fn save_checkpoint(&self, id: u64, value: &serde_json::Value) -> Result<(), ServiceError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE jobs SET checkpoint = ?2 WHERE id = ?1",
                params![id as i64, value.to_string()],
            )
            .map_err(db)?;
            Ok(())
        })
    }

    pub fn append_event(&self, job: u64, event: &ProgressEvent) -> Result<(), ServiceError> {
        self.with(|conn| {
            conn.execute(
                "INSERT OR REPLACE INTO job_events (job_id, seq, event) VALUES (?1, ?2, ?3)",
                params![
                    job as i64,
                    event.seq as i64,
                    serde_json::to_string(event).expect("event serialises")
                ],
            )
            .map_err(db)?;
            Ok(())
        })
    }

    /// The job's events with `seq >= from`, in order.
    pub fn events(&self, job: u64, from: u64) -> Result<Vec<ProgressEvent>, ServiceError> {
        self.with(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT event FROM job_events WHERE job_id = ?1 AND seq >= ?2 ORDER BY seq",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map(params![job as i64, from as i64], |r| r.get::<_, String>(0))
                .map_err(db)?;
            rows.map(|r| {
                let text = r.map_err(db)?;
                serde_json::from_str(&text)
                    .map_err(|e| ServiceError::Store(format!("unreadable event of job {job}: {e}")))
            })
            .collect()
        })
    }

    /// Next free event number of a job (resumed jobs continue their log).
    pub fn next_seq(&self, job: u64) -> Result<u64, ServiceError> {
        self.with(|conn| {
            conn.query_row(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM job_events WHERE job_id = ?1",
                params![job as i64],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(db)
        })
    }

    pub fn job(&self, id: u64) -> Result<Option<JobRecord>, ServiceError> {
        self.with(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
                params![id as i64],
                from_row,
            )
            .optional()
            .map_err(db)
        })
    }

    /// Most recent jobs first.
    pub fn jobs(&self, limit: u32) -> Result<Vec<JobRecord>, ServiceError> {
        self.jobs_before(None, limit)
    }

    /// The newest `limit` jobs numbered below `before` (all jobs, without): the pages of
    /// the jobs list, each starting where the last ended.
    pub fn jobs_before(
        &self,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<JobRecord>, ServiceError> {
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        self.with(|conn| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM jobs WHERE id < ?1 ORDER BY id DESC LIMIT ?2"
                ))
                .map_err(db)?;
            let rows = stmt
                .query_map(params![before, limit], from_row)
                .map_err(db)?;
            rows.map(|r| r.map_err(db)).collect()
        })
    }

    /// Running jobs of other, live processes (a CLI beside a server).
    pub fn running_jobs(&self) -> Result<Vec<JobRecord>, ServiceError> {
        self.with(|conn| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM jobs WHERE state IN ('running', 'queued') ORDER BY id"
                ))
                .map_err(db)?;
            let rows = stmt.query_map([], from_row).map_err(db)?;
            rows.map(|r| r.map_err(db)).collect()
        })
    }

    /// Test support: pretends another process owns the job.
    #[doc(hidden)]
    pub fn with_owner_for_tests(&self, job: u64, owner: Owner) -> Result<(), ServiceError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE jobs SET owner_pid = ?2, owner_started = ?3 WHERE id = ?1",
                params![job as i64, owner.pid, owner.started],
            )
            .map_err(db)?;
            Ok(())
        })
    }

    /// Marks running jobs whose owner is gone as interrupted and frees their
    /// locks; returns their ids. Jobs of this process count as alive only when
    /// `running_here` holds them (a job whose task ended without recording it
    /// is an orphan too).
    pub fn interrupt_orphans(
        &self,
        now_ms: i64,
        running_here: &dyn Fn(u64) -> bool,
    ) -> Result<Vec<u64>, ServiceError> {
        let this = Owner::this_process();
        let rows: Vec<(i64, Option<u32>, Option<i64>)> = self.with(|conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT id, owner_pid, owner_started FROM jobs WHERE state IN ('running', 'queued') ORDER BY id",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)
        })?;
        let mut orphans = Vec::new();
        for (id, pid, started) in rows {
            let alive = match pid {
                None => false,
                Some(pid) => {
                    let owner = Owner { pid, started };
                    if owner == this {
                        running_here(id as u64)
                    } else {
                        // An earlier process with this pid is gone too.
                        owner.pid != this.pid && owner.is_alive()
                    }
                }
            };
            if alive {
                continue;
            }
            let marked = self.transaction(|tx| {
                let n = tx
                    .execute(
                        "UPDATE jobs SET state = 'interrupted', finished_ms = ?2,
                                error = 'the process running this job stopped before it finished; resume it to complete it'
                         WHERE id = ?1 AND state IN ('running', 'queued')",
                        params![id, now_ms],
                    )
                    .map_err(db)?;
                locks::release_all(tx, id as u64)?;
                Ok(n == 1)
            })?;
            if marked {
                orphans.push(id as u64);
            }
        }
        Ok(orphans)
    }
}
