//! What a data file holds before anything opens it. SQLite treats a missing or
//! zero-length file as a new, empty database, so a truncated file would
//! silently start a new console beside data it no longer knows: the console
//! looks first, and refuses to start on files that contradict each other.

use std::path::Path;

use crate::error::ServiceError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Missing,
    /// Zero bytes: created, or truncated, but never written by SQLite.
    Empty,
    Present,
}

impl FileState {
    pub fn of(path: &Path) -> Result<FileState, ServiceError> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(ServiceError::Unavailable(format!(
                "{} is a directory, not a data file: move it away",
                path.display()
            ))),
            Ok(m) if m.len() == 0 => Ok(FileState::Empty),
            Ok(_) => Ok(FileState::Present),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileState::Missing),
            Err(e) => Err(ServiceError::Unavailable(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    /// New to SQLite: nothing was ever stored in it.
    pub fn is_new(self) -> bool {
        self != FileState::Present
    }

    pub fn describe(self) -> &'static str {
        match self {
            FileState::Missing => "missing",
            FileState::Empty => "empty (0 bytes)",
            FileState::Present => "present",
        }
    }
}

/// How many tenants an existing console.db registers, read without changing it.
pub fn registered_tenants(console_db: &Path) -> Result<u64, ServiceError> {
    use rusqlite::{Connection, OpenFlags};
    let conn = Connection::open_with_flags(console_db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| super::explain(console_db, e))?;
    // Another scaleout process may be creating the file this very moment (a CLI command
    // started beside a first `demo`): wait for its schema, as every other connection does.
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(|e| super::explain(console_db, e))?;
    let has_table: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tenants')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| super::explain(console_db, e))?;
    if !has_table {
        return Ok(0);
    }
    conn.query_row("SELECT COUNT(*) FROM tenants", [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
        .map_err(|e| super::explain(console_db, e))
}
