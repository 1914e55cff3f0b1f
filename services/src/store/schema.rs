//! Tables of the console store, created or migrated on open.

use rusqlite::Connection;

use super::db;
use crate::error::ServiceError;

const VERSION: i64 = 1;

const V1: &str = "
CREATE TABLE tenants (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL UNIQUE,   -- lower-cased name: names are unique
    scale_factor INTEGER NOT NULL,
    naming       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    status       TEXT NOT NULL
);
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    spec        TEXT NOT NULL,           -- JSON JobSpec: everything needed to run it again
    state       TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    started_ms  INTEGER,
    finished_ms INTEGER,
    result      TEXT,
    error       TEXT,
    owner_pid   INTEGER                  -- the process running it
);
CREATE TABLE job_events (
    job_id  INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    event   TEXT NOT NULL,               -- JSON ProgressEvent
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
";

pub fn migrate(conn: &Connection) -> Result<(), ServiceError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)?;
    if version > VERSION {
        return Err(ServiceError::Store(format!(
            "console.db was written by a newer scaleout (schema {version}); upgrade scaleout"
        )));
    }
    if version < 1 {
        conn.execute_batch(&format!(
            "BEGIN; {V1} PRAGMA user_version = {VERSION}; COMMIT;"
        ))
        .map_err(db)?;
    }
    Ok(())
}
