//! What the console counts for its operators' monitoring: a few process-wide
//! counters that the code paths bump as things happen (moves, bytes, failed
//! logins, live watchers), and a snapshot of the rest read when scraped (jobs,
//! tenants, documents, servers), so the figures hold across restarts and for jobs
//! the CLI ran. The text format is the web shell's business.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use scaleout_domain::port::{ServerHealth, ServerRole};

use crate::console::Console;
use crate::error::ServiceError;
use crate::store::db;

/// How a shard move ended, as the metrics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveOutcome {
    Verified,
    Unverified,
    Failed,
    Cancelled,
}

impl MoveOutcome {
    pub const ALL: [MoveOutcome; 4] = [
        MoveOutcome::Verified,
        MoveOutcome::Unverified,
        MoveOutcome::Failed,
        MoveOutcome::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MoveOutcome::Verified => "verified",
            MoveOutcome::Unverified => "unverified",
            MoveOutcome::Failed => "failed",
            MoveOutcome::Cancelled => "cancelled",
        }
    }
}

/// This process's counters.
pub struct Counters {
    moves: [AtomicU64; 4],
    bytes_moved: AtomicU64,
    login_failures: AtomicU64,
    watchers: AtomicI64,
}

static COUNTERS: Counters = Counters {
    moves: [const { AtomicU64::new(0) }; 4],
    bytes_moved: AtomicU64::new(0),
    login_failures: AtomicU64::new(0),
    watchers: AtomicI64::new(0),
};

/// The process's counters (one console per process).
pub fn counters() -> &'static Counters {
    &COUNTERS
}

impl Counters {
    pub fn move_ended(&self, outcome: MoveOutcome, bytes: u64) {
        let i = MoveOutcome::ALL
            .iter()
            .position(|o| *o == outcome)
            .unwrap_or(2);
        self.moves[i].fetch_add(1, Ordering::Relaxed);
        self.bytes_moved.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn login_failed(&self) {
        self.login_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one live watcher (a page following the activity, a job or a
    /// portal) until the guard is dropped with its stream.
    pub fn watching(&self) -> Watching {
        self.watchers.fetch_add(1, Ordering::Relaxed);
        Watching(())
    }

    pub fn moves(&self, outcome: MoveOutcome) -> u64 {
        let i = MoveOutcome::ALL
            .iter()
            .position(|o| *o == outcome)
            .unwrap_or(2);
        self.moves[i].load(Ordering::Relaxed)
    }

    pub fn bytes_moved(&self) -> u64 {
        self.bytes_moved.load(Ordering::Relaxed)
    }

    pub fn login_failures(&self) -> u64 {
        self.login_failures.load(Ordering::Relaxed)
    }

    pub fn watchers(&self) -> u64 {
        self.watchers.load(Ordering::Relaxed).max(0) as u64
    }
}

/// A live watcher, counted while it exists.
#[derive(Debug)]
pub struct Watching(());

impl Drop for Watching {
    fn drop(&mut self) {
        COUNTERS.watchers.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What is read when the metrics are scraped.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// (kind, state, count) of every job recorded.
    pub jobs: Vec<(String, String, u64)>,
    /// (kind, seconds) of every finished job that ran.
    pub durations: Vec<(String, f64)>,
    pub tenants: u64,
    pub documents: u64,
    /// DB servers by health; `None` when the back end did not answer in time.
    pub db_servers: Option<Vec<(&'static str, u64)>>,
}

/// How long a scrape waits for the back end's server list.
const BACKEND_WAIT: Duration = Duration::from_secs(3);

pub async fn snapshot(console: &Console) -> Result<Snapshot, ServiceError> {
    let (jobs, durations) = console.store().with(|c| {
        let mut stmt = c
            .prepare("SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state ORDER BY kind, state")
            .map_err(db)?;
        let jobs = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64)))
            .map_err(db)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db)?;
        let mut stmt = c
            .prepare(
                "SELECT kind, finished_ms - started_ms FROM jobs
                 WHERE started_ms IS NOT NULL AND finished_ms IS NOT NULL AND finished_ms >= started_ms",
            )
            .map_err(db)?;
        let durations = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as f64 / 1000.0)))
            .map_err(db)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db)?;
        Ok((jobs, durations))
    })?;
    let registry = console.store().tenants()?;
    let documents = registry
        .iter()
        .filter(|r| r.tenant.status == scaleout_domain::TenantStatus::Active)
        .map(|r| scaleout_domain::documents_per_tenant(r.tenant.scale_factor))
        .sum();
    let db_servers = match tokio::time::timeout(BACKEND_WAIT, console.backend().overview()).await {
        Ok(Ok(overview)) => {
            let count = |h: ServerHealth| {
                overview
                    .servers
                    .iter()
                    .filter(|s| s.role == ServerRole::DbServer && s.health == h)
                    .count() as u64
            };
            Some(vec![
                ("good", count(ServerHealth::Good)),
                ("bad", count(ServerHealth::Bad)),
                ("failed", count(ServerHealth::Failed)),
            ])
        }
        _ => None,
    };
    Ok(Snapshot {
        jobs,
        durations,
        tenants: registry.len() as u64,
        documents,
        db_servers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watchers_are_counted_while_they_watch() {
        let before = counters().watchers();
        let a = counters().watching();
        let b = counters().watching();
        assert_eq!(counters().watchers(), before + 2);
        drop(a);
        drop(b);
        assert_eq!(counters().watchers(), before);
    }
}
