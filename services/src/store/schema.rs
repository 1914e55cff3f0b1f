//! Tables of the console store, created or migrated on open.

use rusqlite::Connection;

use scaleout_domain::name_key::name_key;

use super::db;
use crate::error::ServiceError;

const VERSION: i64 = 8;

const V1: &str = "
CREATE TABLE tenants (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL UNIQUE,   -- scaleout_domain::name_key: look-alike names are one name
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

/// Hardening: who may run what at once (locks claimed with the job, in one
/// transaction, so two processes never both win), removed tenants kept as
/// tombstones (a resumed onboarding must not bring one back), a job's
/// checkpoint (resume finishes, never starts over) and its owner's start time
/// (a reused pid is not the owner).
const V3: &str = "
CREATE TABLE job_locks (
    resource TEXT PRIMARY KEY,           -- 'topology' or 'tenant:<id>'
    job_id   INTEGER NOT NULL
);
CREATE INDEX job_locks_by_job ON job_locks (job_id);
CREATE TABLE removed_tenants (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    removed_ms INTEGER NOT NULL,
    job_id     INTEGER
);
ALTER TABLE jobs ADD COLUMN checkpoint TEXT;        -- JSON: how far the job got
ALTER TABLE jobs ADD COLUMN owner_started INTEGER;  -- the owner's start time, with owner_pid
INSERT OR IGNORE INTO job_locks (resource, job_id)
    SELECT 'topology', MAX(id) FROM jobs
    WHERE state IN ('running', 'queued')
      AND (kind IN ('add_servers', 'demo')
           OR (kind = 'rebalance' AND json_extract(spec, '$.execute') = 1))
    HAVING MAX(id) IS NOT NULL;
";

/// Brings the schema up to date in one immediate transaction: the version is
/// read under SQLite's write lock, so two processes opening a new data
/// directory at the same moment never both create the tables.
/// A customer's personal portal links: each opens the signup's portal on any
/// device, until the customer makes a new one or an operator revokes it.
const V4: &str = "
CREATE TABLE portal_links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    signup_id   INTEGER NOT NULL REFERENCES signups(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER
);
CREATE INDEX portal_links_by_signup ON portal_links (signup_id);
";

/// The team: named accounts with roles (and where each new tenant was placed, and why) (the one operator password becomes the
/// `admin` account's, and open operator sessions become admin's), and the audit
/// trail, which the console only ever appends to: triggers refuse any change.
const V5: &str = "
CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role           TEXT NOT NULL,          -- admin | operator | viewer
    password_hash  TEXT,                   -- NULL: not set yet (admin before its first start)
    created_ms     INTEGER NOT NULL,
    disabled_ms    INTEGER,
    last_login_ms  INTEGER
);
INSERT INTO accounts (name, role, password_hash, created_ms)
    VALUES ('admin', 'admin',
            (SELECT value FROM settings WHERE key = 'operator_password_hash'),
            CAST(strftime('%s', 'now') AS INTEGER) * 1000);
DELETE FROM settings WHERE key = 'operator_password_hash';
ALTER TABLE sessions ADD COLUMN account_id INTEGER REFERENCES accounts(id);
UPDATE sessions SET account_id = (SELECT id FROM accounts WHERE name = 'admin')
    WHERE link_id IS NULL;
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms    INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    role     TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT,
    outcome  TEXT NOT NULL,
    job_id   INTEGER,
    client   TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit (at_ms);
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TABLE placements (
    tenant_id    TEXT PRIMARY KEY,
    shard_group  INTEGER,                -- NULL: placed before the graph existed
    mode         TEXT NOT NULL,          -- balanced | hash
    why          TEXT NOT NULL,
    probed       INTEGER NOT NULL,       -- candidate ids the cluster was asked about
    at_ms        INTEGER NOT NULL
);
";

/// When each tenant's data was last taken for writing (onboarding, removal, purge), as a
/// count that only grows: a move's check asks which tenants were written while it ran,
/// even by a job that started and ended in between (services/src/operations/verify.rs).
const V6: &str = "
CREATE TABLE tenant_writes (
    tenant_id TEXT PRIMARY KEY,
    seq       INTEGER NOT NULL          -- 1 + the largest seq when its lock was taken
);
";

/// A cancel asked of a job that runs in another process (a CLI beside the server): that
/// process looks for it while the job runs.
const V7: &str = "
ALTER TABLE jobs ADD COLUMN cancel_requested_ms INTEGER;
";

/// Why a job can no longer be resumed, once a resume was refused for it; and a count of
/// the changes to signups, whichever process made them (a CLI declining a signup beside
/// the server), so the server can tell the customer's portal at once.
const V8: &str = "
ALTER TABLE jobs ADD COLUMN resume_refused TEXT;
CREATE TRIGGER signups_inserted AFTER INSERT ON signups BEGIN
    INSERT INTO settings (key, value) VALUES ('signups_changed', '1')
    ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
END;
CREATE TRIGGER signups_updated AFTER UPDATE ON signups BEGIN
    INSERT INTO settings (key, value) VALUES ('signups_changed', '1')
    ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
END;
CREATE TRIGGER signups_deleted AFTER DELETE ON signups BEGIN
    INSERT INTO settings (key, value) VALUES ('signups_changed', '1')
    ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
END;
";

pub fn migrate(conn: &Connection) -> Result<(), ServiceError> {
    // Another process may be making the same new file this instant (see busy.rs).
    let tx = scaleout_embedded::busy::patiently(|| {
        rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
    })
    .map_err(db)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)?;
    if version > VERSION {
        return Err(ServiceError::Store(format!(
            "console.db was written by a newer scaleout (schema {version}); upgrade scaleout"
        )));
    }
    if version == VERSION {
        return Ok(()); // dropping the transaction ends it
    }
    if version < 1 {
        tx.execute_batch(V1).map_err(db)?;
    }
    if version < 2 {
        tx.execute_batch(V2).map_err(db)?;
    }
    if version < 3 {
        tx.execute_batch(V3).map_err(db)?;
        rekey(&tx, "tenants", "name", "name_key")?;
        rekey(&tx, "signups", "company", "company_key")?;
    }
    if version < 4 {
        tx.execute_batch(V4).map_err(db)?;
    }
    if version < 5 {
        tx.execute_batch(V5).map_err(db)?;
    }
    if version < 6 {
        tx.execute_batch(V6).map_err(db)?;
    }
    if version < 7 {
        tx.execute_batch(V7).map_err(db)?;
    }
    if version < 8 {
        tx.execute_batch(V8).map_err(db)?;
    }
    tx.pragma_update(None, "user_version", VERSION)
        .map_err(db)?;
    tx.commit().map_err(db)
}

/// Names were unique by lower case only; now by [`name_key`]. Two rows that
/// turn out to be look-alikes of each other both stay (the later one keeps a
/// key of its own): nothing is lost, and new look-alikes are refused.
fn rekey(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    name: &str,
    key: &str,
) -> Result<(), ServiceError> {
    let rows: Vec<(String, String)> = {
        let mut st = tx
            .prepare(&format!("SELECT rowid, {name} FROM {table} ORDER BY rowid"))
            .map_err(db)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, i64>(0)?.to_string(), r.get(1)?)))
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)?
    };
    // Free every key first, so a row may take a key another row held before.
    tx.execute(&format!("UPDATE {table} SET {key} = '#' || rowid"), [])
        .map_err(db)?;
    for (rowid, value) in rows {
        let wanted = name_key(&value);
        let taken: bool = tx
            .query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {key} = ?1)"),
                [&wanted],
                |r| r.get(0),
            )
            .map_err(db)?;
        let new_key = if taken {
            tracing::warn!(
                table,
                name = value,
                "a look-alike of an earlier name: both are kept"
            );
            format!("{wanted}#{rowid}")
        } else {
            wanted
        };
        tx.execute(
            &format!("UPDATE {table} SET {key} = ?1 WHERE rowid = ?2"),
            (&new_key, &rowid),
        )
        .map_err(db)?;
    }
    Ok(())
}
