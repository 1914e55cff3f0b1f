//! The console's own store (`<data dir>/console.db`): the tenant registry and
//! the jobs with their progress events. It is separate from the embedded
//! cluster's file because it is needed with every back end, ArangoDB included.

pub mod files;
mod jobs;
mod locks;
mod placements;
mod schema;
mod tenants;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension};

pub use files::FileState;
pub use jobs::{JobRecord, JobState, Owner};
pub use locks::{Held, Lock};
pub use placements::PlacementRecord;
pub use tenants::{TenantRecord, Tombstone};

use crate::error::ServiceError;

#[derive(Debug)]
pub struct ConsoleStore {
    path: PathBuf,
    conn: Mutex<Connection>,
}

/// The data directory, made if missing; a file in its place is said to be one.
pub(crate) fn create_data_dir(dir: &Path) -> Result<(), ServiceError> {
    if dir.is_file() {
        return Err(ServiceError::Invalid(format!(
            "{} is a file, not a directory: --data-dir names the directory the console keeps its data in",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        ServiceError::Unavailable(format!(
            "cannot create the data directory {}: {e}",
            dir.display()
        ))
    })
}

impl ConsoleStore {
    pub fn open(path: &Path) -> Result<Self, ServiceError> {
        if let Some(dir) = path.parent() {
            create_data_dir(dir)?;
        }
        let explain = |e| explain(path, e);
        let conn = Connection::open(path).map_err(explain)?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(explain)?;
        scaleout_embedded::busy::patiently(|| conn.pragma_update(None, "journal_mode", "WAL"))
            .map_err(explain)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(explain)?;
        schema::migrate(&conn).map_err(|e| e.explained(path))?;
        Ok(ConsoleStore {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    /// Runs `f` with the connection (statements are short; one connection
    /// suffices). SQLite failures people can fix come back as sentences that
    /// name the file or its directory.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn).map_err(|e| e.explained(&self.path))
    }

    /// How many times signups were added or changed, by any process (a trigger counts
    /// them): a server notices a change a CLI made.
    pub fn signups_changed(&self) -> Result<u64, ServiceError> {
        self.with(|c| {
            c.query_row(
                "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'signups_changed'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(|n| n.unwrap_or(0) as u64)
            .map_err(db)
        })
    }

    /// Whether the store answers a read (for readiness checks).
    pub fn ping(&self) -> Result<(), ServiceError> {
        self.with(|c| {
            c.query_row("SELECT COUNT(*) FROM settings", [], |r| r.get::<_, i64>(0))
                .map(|_| ())
                .map_err(db)
        })
    }

    /// Runs `f` in one immediate transaction: it holds SQLite's write lock from
    /// the start, so a check and the write it allows are one step, across
    /// processes too.
    pub(crate) fn transaction<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        self.with(|conn| {
            let tx = rusqlite::Transaction::new_unchecked(
                conn,
                rusqlite::TransactionBehavior::Immediate,
            )
            .map_err(db)?;
            let out = f(&tx)?;
            tx.commit().map_err(db)?;
            Ok(out)
        })
    }

    /// A SQLite failure met outside [`ConsoleStore::with`], explained the same way.
    pub(crate) fn fail(&self, e: rusqlite::Error) -> ServiceError {
        explain(&self.path, e)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

pub(crate) fn db(e: rusqlite::Error) -> ServiceError {
    ServiceError::Sqlite(e)
}

impl ServiceError {
    fn explained(self, file: &Path) -> ServiceError {
        match self {
            ServiceError::Sqlite(e) => explain(file, e),
            other => other,
        }
    }
}

/// What a SQLite failure means for the person running the console.
pub(crate) fn explain(file: &Path, e: rusqlite::Error) -> ServiceError {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => ServiceError::Unavailable(format!(
            "the disk holding {} is full: free some space there, then try again",
            dir.display()
        )),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            ServiceError::Unavailable(match scaleout_embedded::directory_problem(dir) {
                Some(why) => format!(
                    "{} cannot be opened or written ({e}): the data directory {} is not writable ({why})",
                    file.display(),
                    dir.display()
                ),
                None => format!(
                    "{} cannot be opened or written ({e}): check that the user running scaleout may read and write it",
                    file.display()
                ),
            })
        }
        Some(ErrorCode::SystemIoFailure) => ServiceError::Unavailable(format!(
            "reading or writing {} failed ({e}): check the disk holding {}",
            file.display(),
            dir.display()
        )),
        Some(ErrorCode::NotADatabase) => ServiceError::Store(format!(
            "{} is not a scaleout console store ({e}): restore it from a backup or move it away",
            file.display()
        )),
        _ => ServiceError::Store(e.to_string()),
    }
}

#[cfg(test)]
mod first_open {
    use super::*;

    /// CLI commands started beside a first `demo` open a console.db nobody has
    /// made yet at the same instant: each waits its turn instead of failing.
    #[test]
    fn many_open_a_new_file_at_once() {
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("console-{round}.db"));
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
            let opened: Vec<_> = (0..6)
                .map(|_| {
                    let (path, barrier) = (path.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        ConsoleStore::open(&path)
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    })
                })
                .collect();
            for t in opened {
                assert_eq!(t.join().unwrap(), Ok(()), "round {round}");
            }
        }
    }
}
