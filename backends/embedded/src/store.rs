//! The SQLite file: opening, pragmas, migrations, and a writer plus pooled readers.
//!
//! WAL mode lets readers go on while a batch is written; `synchronous=FULL` makes
//! every committed transaction durable before the call returns, so a kill -9 (or a
//! power cut) never loses an acknowledged batch. A batch is one transaction, so
//! none is ever half stored.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use scaleout_domain::port::BackendError;

/// Schema version this code writes; older files are migrated on open.
const SCHEMA_VERSION: i64 = 1;

const MIGRATION_1: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE servers (
    short_name TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    health     TEXT NOT NULL,
    ordinal    INTEGER NOT NULL
);
-- Placement of shard group `grp`: every SmartGraph collection's shard `grp`.
CREATE TABLE placement (
    grp         INTEGER PRIMARY KEY,
    leader      TEXT NOT NULL,
    followers   TEXT NOT NULL,            -- JSON array of short names
    out_of_sync TEXT NOT NULL DEFAULT '[]' -- followers still catching up
);
CREATE TABLE collections (
    coll  INTEGER PRIMARY KEY,            -- position in Collection::ALL
    name  TEXT NOT NULL UNIQUE,
    shard_base INTEGER NOT NULL           -- shard ids are s<shard_base + grp>
);
CREATE TABLE indexes (
    coll   INTEGER NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (coll, fields)
);
CREATE TABLE documents (
    coll   INTEGER NOT NULL,
    key    TEXT NOT NULL,
    tenant TEXT NOT NULL,
    grp    INTEGER NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (coll, key)
) WITHOUT ROWID;
CREATE INDEX documents_by_tenant ON documents (tenant, coll);
-- Kept in the same transaction as documents, so counts are exact and cheap.
CREATE TABLE tenant_stats (
    tenant TEXT NOT NULL,
    coll   INTEGER NOT NULL,
    docs   INTEGER NOT NULL,
    bytes  INTEGER NOT NULL,
    PRIMARY KEY (tenant, coll)
) WITHOUT ROWID;
";

/// One writer connection (SQLite allows one writer at a time anyway) and a small
/// pool of read connections.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl Store {
    /// Opens (creating if needed) the file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, BackendError> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| {
            BackendError::Unavailable(format!(
                "cannot create the data directory {}: {e}",
                dir.display()
            ))
        })?;
        let opened = connect(path, true).and_then(|mut writer| {
            migrate(&mut writer)?;
            Ok(writer)
        });
        let writer = opened.map_err(|e| in_dir(e, dir))?;
        Ok(Store {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    fn dir(&self) -> &Path {
        self.path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }

    /// Runs `f` in one write transaction: all of it is committed, or none.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, BackendError>,
    ) -> Result<T, BackendError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let written = (|| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(storage)?;
            let out = f(&tx)?;
            tx.commit().map_err(storage)?;
            Ok(out)
        })();
        written.map_err(|e| in_dir(e, self.dir()))
    }

    /// Runs `f` on a read connection (a consistent snapshot while it runs).
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, BackendError>,
    ) -> Result<T, BackendError> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => connect(&self.path, false).map_err(|e| in_dir(e, self.dir()))?,
        };
        let out = {
            let tx = conn.transaction().map_err(storage);
            let out = tx.and_then(|tx| {
                let out = f(&tx);
                drop(tx);
                out
            });
            out.map_err(|e| in_dir(e, self.dir()))
        };
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < 4 {
            pool.push(conn);
        }
        out
    }
}

fn connect(path: &Path, writer: bool) -> Result<Connection, BackendError> {
    let flags = if writer {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(storage)?;
    conn.busy_timeout(Duration::from_secs(30))
        .map_err(storage)?;
    if writer {
        let mode: String =
            crate::busy::patiently(|| conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)))
                .map_err(storage)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(BackendError::Storage(format!(
                "{} cannot use write-ahead logging (journal mode {mode}); put the data directory on a local disk",
                path.display()
            )));
        }
    }
    conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000;",
    )
    .map_err(storage)?;
    Ok(conn)
}

/// Brings the schema up to date; the version is read under SQLite's write
/// lock, so two processes opening a new file at once never both create it.
fn migrate(conn: &mut Connection) -> Result<(), BackendError> {
    let conn: &Connection = conn;
    let tx = crate::busy::patiently(|| {
        rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
    })
    .map_err(storage)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(storage)?;
    if version > SCHEMA_VERSION {
        return Err(BackendError::Storage(format!(
            "this data file was written by a newer scaleout (schema {version}, this one knows {SCHEMA_VERSION}); upgrade scaleout"
        )));
    }
    if version < 1 {
        tx.execute_batch(MIGRATION_1).map_err(storage)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(storage)?;
    }
    tx.commit().map_err(storage)
}

/// Stands for the data directory in a message made where it is not known;
/// [`Store`] puts the real one in ([`in_dir`]).
const DATA_DIR: &str = "\u{0}data directory\u{0}";

/// A SQLite failure, in words that say what to fix where people can fix it
/// (a full disk, a read-only or unreadable directory: 503), else SQLite's own.
pub fn storage(e: rusqlite::Error) -> BackendError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => BackendError::Unavailable(format!(
            "the disk holding {DATA_DIR} is full: free some space there, then try again"
        )),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            BackendError::Unavailable(format!(
                "the cluster store in {DATA_DIR} cannot be opened or written ({e})"
            ))
        }
        Some(ErrorCode::SystemIoFailure) => BackendError::Unavailable(format!(
            "reading or writing the cluster store in {DATA_DIR} failed ({e}): check the disk"
        )),
        _ => BackendError::Storage(e.to_string()),
    }
}

/// Puts the data directory into a message [`storage`] made, with the reason
/// the directory cannot be written when that is the cause.
fn in_dir(e: BackendError, dir: &Path) -> BackendError {
    match e {
        BackendError::Unavailable(m) if m.contains(DATA_DIR) => {
            let mut m = m.replace(DATA_DIR, &dir.display().to_string());
            if m.contains("cannot be opened or written") {
                m.push_str(&match directory_problem(dir) {
                    Some(why) => format!(": {} is not writable ({why})", dir.display()),
                    None => ": check that the user running scaleout may read and write it".into(),
                });
            }
            BackendError::Unavailable(m)
        }
        other => other,
    }
}

/// Why files cannot be written in `dir` (read-only file system, permission
/// denied, full disk...), found by trying; `None` when they can.
pub fn directory_problem(dir: &Path) -> Option<std::io::Error> {
    let probe = dir.join(format!(".scaleout-write-check-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            None
        }
        Err(e) => Some(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_names_the_directory() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        let e = in_dir(storage(full), Path::new("/var/lib/scaleout"));
        assert_eq!(
            e,
            BackendError::Unavailable(
                "the disk holding /var/lib/scaleout is full: free some space there, then try again"
                    .into()
            )
        );
    }
}

#[cfg(test)]
mod first_open {
    use super::*;

    /// Processes started side by side (a CLI command beside a first `demo`) open a
    /// data file nobody has made yet at the same instant: each waits its turn.
    #[test]
    fn many_open_a_new_file_at_once() {
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("cluster-{round}.db"));
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
            let opened: Vec<_> = (0..6)
                .map(|_| {
                    let (path, barrier) = (path.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        Store::open(&path).map(|_| ())
                    })
                })
                .collect();
            for t in opened {
                assert_eq!(t.join().unwrap(), Ok(()), "round {round}");
            }
        }
    }
}
