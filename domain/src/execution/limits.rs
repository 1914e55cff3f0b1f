//! What an operator bounds a rebalance with: copies per server, a rate budget, and a
//! deadline for every move.

use std::time::Duration;

use crate::port::MoveDeadline;

/// The rate assumed before any move was measured: slow, so a first deadline is generous.
pub const ASSUMED_RATE: f64 = 4.0 * 1024.0 * 1024.0;

/// How long a move may wait to start, by default (`--move-timeout`).
pub const DEFAULT_MOVE_TIMEOUT: Duration = Duration::from_secs(300);

/// A copy may take this many times its expected time before it counts as stuck.
const SLACK: f64 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoveLimits {
    /// Data copies at a time into one server, and out of one server (leader switches,
    /// which copy nothing, are not counted). At least 1.
    pub copies_per_server: u32,
    /// Bytes per second for the whole run, kept by pacing when moves start; `None`: unpaced.
    pub max_rate: Option<u64>,
    /// A move the cluster has not started within this is stopped; one that started must
    /// end within this plus three times its bytes at the measured rate.
    pub move_timeout: Duration,
}

impl Default for MoveLimits {
    fn default() -> Self {
        MoveLimits {
            copies_per_server: 1,
            max_rate: None,
            move_timeout: DEFAULT_MOVE_TIMEOUT,
        }
    }
}

impl MoveLimits {
    /// The deadline of a move of `bytes`, given the rate measured so far.
    pub fn deadline(&self, bytes: u64, measured: Option<f64>) -> MoveDeadline {
        let rate = measured.filter(|r| *r > 0.0).unwrap_or(ASSUMED_RATE);
        let copy = Duration::try_from_secs_f64(bytes as f64 / rate * SLACK)
            .unwrap_or(Duration::from_secs(u32::MAX as u64));
        MoveDeadline {
            start_within: self.move_timeout,
            finish_within: self.move_timeout.saturating_add(copy),
            expected_rate: measured,
        }
    }

    /// The limits for people: "1 copy in and out per server, at most 50 MiB/s, …".
    pub fn describe(&self) -> String {
        let rate = match self.max_rate {
            Some(r) => format!("at most {}/s", crate::units::human_bytes(r)),
            None => "no rate limit".into(),
        };
        format!(
            "up to {} cop{} into and out of each server at a time, {rate}, a move must start within {} s",
            self.copies_per_server,
            if self.copies_per_server == 1 { "y" } else { "ies" },
            self.move_timeout.as_secs()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_grows_with_bytes_and_shrinks_with_the_measured_rate() {
        let limits = MoveLimits {
            move_timeout: Duration::from_secs(10),
            ..MoveLimits::default()
        };
        let unknown = limits.deadline(4 * 1024 * 1024, None);
        assert_eq!(unknown.start_within, Duration::from_secs(10));
        assert_eq!(unknown.finish_within, Duration::from_secs(13));
        let fast = limits.deadline(100 * 1024 * 1024, Some(100.0 * 1024.0 * 1024.0));
        assert_eq!(fast.finish_within, Duration::from_secs(13));
        assert_eq!(fast.expected_rate, Some(100.0 * 1024.0 * 1024.0));
        assert_eq!(
            limits.deadline(0, None).finish_within,
            Duration::from_secs(10)
        );
        // Absurd sizes saturate instead of panicking.
        assert!(limits.deadline(u64::MAX, Some(1e-300)).finish_within > Duration::from_secs(1));
    }
}
