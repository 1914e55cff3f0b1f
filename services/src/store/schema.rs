//! Tables of the console store, created or migrated on open.

use rusqlite::Connection;

use super::db;
use crate::error::ServiceError;

const VERSION: i64 = 2;

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

/// Access: operator settings, sessions, stakeholder links, self-service signups.
/// Tokens are stored only as SHA-256 hashes: a copied file grants no session.
const V2: &str = "
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    label       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER
);
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    role        TEXT NOT NULL,           -- operator | viewer
    link_id     INTEGER REFERENCES links(id),
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL
);
CREATE TABLE signups (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    form_key     TEXT NOT NULL UNIQUE,   -- the form's one-time key: a retry is the same signup
    company      TEXT NOT NULL,
    company_key  TEXT NOT NULL UNIQUE,   -- one signup per company name
    email        TEXT NOT NULL,
    size         TEXT NOT NULL,
    ip           TEXT NOT NULL,
    state        TEXT NOT NULL,
    portal_hash  TEXT NOT NULL UNIQUE,
    tenant_id    TEXT,
    job_id       INTEGER,
    message      TEXT,
    created_ms   INTEGER NOT NULL
);
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
            "BEGIN; {V1} {V2} PRAGMA user_version = {VERSION}; COMMIT;"
        ))
        .map_err(db)?;
        return Ok(());
    }
    if version < 2 {
        conn.execute_batch(&format!("BEGIN; {V2} PRAGMA user_version = 2; COMMIT;"))
            .map_err(db)?;
    }
    Ok(())
}
