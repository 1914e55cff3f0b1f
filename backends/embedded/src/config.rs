//! Settings of the embedded back end.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct EmbeddedConfig {
    /// The SQLite file (usually `<data dir>/scaleout.db`).
    pub path: PathBuf,
    /// How fast a shard move copies data. The default makes the demo's moves
    /// take a few seconds in all, like a small real cluster would.
    pub move_rate_bytes_per_sec: u64,
    /// Fixed cost of every move (job scheduling, leader switch), as in ArangoDB.
    pub move_overhead: Duration,
}

impl EmbeddedConfig {
    pub const DEFAULT_MOVE_RATE: u64 = 1024 * 1024;
    pub const DEFAULT_MOVE_OVERHEAD: Duration = Duration::from_millis(400);

    /// The file `scaleout.db` in `data_dir`, with default move timings.
    pub fn in_dir(data_dir: impl Into<PathBuf>) -> Self {
        EmbeddedConfig {
            path: data_dir.into().join("scaleout.db"),
            move_rate_bytes_per_sec: Self::DEFAULT_MOVE_RATE,
            move_overhead: Self::DEFAULT_MOVE_OVERHEAD,
        }
    }

    /// Moves that finish at once: for tests that are not about timing.
    pub fn instant_moves(mut self) -> Self {
        self.move_rate_bytes_per_sec = u64::MAX;
        self.move_overhead = Duration::ZERO;
        self
    }
}
