//! Jobs and their ordered progress events, so a job outlives the browser tab
//! (and the process): late watchers replay the log, crashes leave a trace.

use rusqlite::{params, OptionalExtension, Row};
use scaleout_domain::progress::ProgressEvent;
pub use scaleout_domain::views::{JobRecord, JobState};

use super::{db, ConsoleStore};
use crate::error::ServiceError;

const COLUMNS: &str = "id, kind, spec, state, created_ms, started_ms, finished_ms, result, error";

fn from_row(r: &Row<'_>) -> rusqlite::Result<JobRecord> {
    let spec: String = r.get(2)?;
    let result: Option<String> = r.get(7)?;
    Ok(JobRecord {
        id: r.get::<_, i64>(0)? as u64,
        kind: r.get(1)?,
        spec: serde_json::from_str(&spec).unwrap_or(serde_json::Value::Null),
        state: JobState::parse(&r.get::<_, String>(3)?),
        created_ms: r.get(4)?,
        started_ms: r.get(5)?,
        finished_ms: r.get(6)?,
        result: result.and_then(|s| serde_json::from_str(&s).ok()),
        error: r.get(8)?,
    })
}

impl ConsoleStore {
    /// Records a new running job owned by this process; returns its id.
    pub fn insert_job(
        &self,
        kind: &str,
        spec: &serde_json::Value,
        now_ms: i64,
    ) -> Result<u64, ServiceError> {
        self.with(|conn| {
            conn.execute(
                "INSERT INTO jobs (kind, spec, state, created_ms, started_ms, owner_pid) VALUES (?1, ?2, 'running', ?3, ?3, ?4)",
                params![kind, spec.to_string(), now_ms, std::process::id()],
            )
            .map_err(db)?;
            Ok(conn.last_insert_rowid() as u64)
        })
    }

    /// Takes over an interrupted job for this process (resume).
    pub fn restart_job(&self, id: u64, now_ms: i64) -> Result<(), ServiceError> {
        self.with(|conn| {
            let n = conn
                .execute(
                    "UPDATE jobs SET state = 'running', started_ms = ?2, finished_ms = NULL, error = NULL, owner_pid = ?3
                     WHERE id = ?1 AND state = 'interrupted'",
                    params![id as i64, now_ms, std::process::id()],
                )
                .map_err(db)?;
            if n == 1 {
                Ok(())
            } else {
                Err(ServiceError::Conflict(format!("job {id} is not interrupted, so it cannot be resumed")))
            }
        })
    }

    pub fn finish_job(
        &self,
        id: u64,
        state: JobState,
        result: Option<&serde_json::Value>,
        error: Option<&str>,
        now_ms: i64,
    ) -> Result<(), ServiceError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE jobs SET state = ?2, result = ?3, error = ?4, finished_ms = ?5 WHERE id = ?1",
                params![id as i64, state.as_str(), result.map(|r| r.to_string()), error, now_ms],
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
        self.with(|conn| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM jobs ORDER BY id DESC LIMIT ?1"
                ))
                .map_err(db)?;
            let rows = stmt.query_map(params![limit], from_row).map_err(db)?;
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
    pub fn with_owner_for_tests(&self, job: u64, pid: u32) -> Result<(), ServiceError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE jobs SET owner_pid = ?2 WHERE id = ?1",
                params![job as i64, pid],
            )
            .map_err(db)?;
            Ok(())
        })
    }

    /// Marks jobs whose owning process is gone as interrupted; returns their ids.
    pub fn interrupt_orphans(&self, now_ms: i64) -> Result<Vec<u64>, ServiceError> {
        self.with(|conn| {
            let mut stmt = conn
                .prepare("SELECT id, owner_pid FROM jobs WHERE state IN ('running', 'queued')")
                .map_err(db)?;
            let rows: Vec<(i64, Option<u32>)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            let mut orphans = Vec::new();
            for (id, pid) in rows {
                let alive = pid.is_some_and(|p| p != std::process::id() && process_alive(p));
                if !alive {
                    conn.execute(
                        "UPDATE jobs SET state = 'interrupted', finished_ms = ?2,
                                error = 'the process running this job stopped before it finished; resume it to complete it'
                         WHERE id = ?1",
                        params![id, now_ms],
                    )
                    .map_err(db)?;
                    orphans.push(id as u64);
                }
            }
            Ok(orphans)
        })
    }
}

/// Whether a process with this id exists (Linux: /proc; elsewhere assume it does).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}
