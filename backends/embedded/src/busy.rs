//! Waiting for SQLite's locks where its busy handler does not.
//!
//! SQLite answers "database is locked" at once, without calling the busy handler,
//! to a connection that would switch a brand-new file to write-ahead logging or
//! start its first write while another process does the same (it cannot wait
//! without risking a deadlock). Processes started side by side, such as a CLI
//! command beside a first `demo`, meet exactly that on a new data directory.

use std::time::{Duration, Instant};

use rusqlite::ErrorCode;

/// As long as SQLite's busy timeout: a lock held longer than this is a real problem.
const PATIENCE: Duration = Duration::from_secs(30);

/// Runs `step` again while SQLite says the file is busy or locked, for up to 30 s.
pub fn patiently<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = Instant::now() + PATIENCE;
    let mut pause = Duration::from_millis(2);
    loop {
        match step() {
            Err(e) if is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_step_is_tried_again_and_other_errors_are_not() {
        let busy = || {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                None,
            )
        };
        let mut tries = 0;
        let out = patiently(|| {
            tries += 1;
            if tries < 3 {
                Err(busy())
            } else {
                Ok(tries)
            }
        });
        assert_eq!(out.unwrap(), 3);

        let mut tries = 0;
        let out: rusqlite::Result<()> = patiently(|| {
            tries += 1;
            Err(rusqlite::Error::InvalidQuery)
        });
        assert!(out.is_err());
        assert_eq!(tries, 1);
    }
}
