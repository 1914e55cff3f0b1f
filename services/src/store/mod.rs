//! The console's own store (`<data dir>/console.db`): the tenant registry and
//! the jobs with their progress events. It is separate from the embedded
//! cluster's file because it is needed with every back end, ArangoDB included.

mod jobs;
mod schema;
mod tenants;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;

pub use jobs::{JobRecord, JobState};
pub use tenants::TenantRecord;

use crate::error::ServiceError;

#[derive(Debug)]
pub struct ConsoleStore {
    conn: Mutex<Connection>,
}

impl ConsoleStore {
    pub fn open(path: &Path) -> Result<Self, ServiceError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                ServiceError::Store(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let conn = Connection::open(path)
            .map_err(|e| ServiceError::Store(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        schema::migrate(&conn)?;
        Ok(ConsoleStore {
            conn: Mutex::new(conn),
        })
    }

    /// Runs `f` with the connection (statements are short; one connection suffices).
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn)
    }
}

pub(crate) fn db(e: rusqlite::Error) -> ServiceError {
    ServiceError::Store(e.to_string())
}
