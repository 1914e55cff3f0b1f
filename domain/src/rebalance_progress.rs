//! Following a rebalance from its job's progress events: which move of how many is
//! running, how many bytes of it are copied, at what rate, and when it will be done.
//!
//! The rebalance job reports each move with three kinds of events (see
//! [`MOVE_STEP`] and [`copy_step`]): a `move` event when move *i* of *n* starts
//! (`done = i - 1`, `total = n`, running), `move i` events while it copies
//! (`done` / `total` bytes), and a `move` event when it is done (`done = i`, ok).
//! Every watcher, the first browser or one that attaches later, derives the same
//! figures from the same log.

use serde::{Deserialize, Serialize};

use crate::progress::{Outcome, ProgressEvent};

/// The step name of the events that start and end each move.
pub const MOVE_STEP: &str = "move";

/// The step name of the copy-progress events of move `number` (1-based).
pub fn copy_step(number: u64) -> String {
    format!("{MOVE_STEP} {number}")
}

/// How fast a transfer goes and how long it still needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub bytes_per_sec: f64,
    /// Seconds until `total` is reached at this rate (0 when it is).
    pub eta_secs: f64,
}

/// The average rate of a transfer that started at `started_ms` (with 0 bytes) and had
/// copied `done` of `total` bytes at `now_ms`; `None` while nothing can be said (no time
/// has passed, or no byte was copied yet).
pub fn transfer_rate(started_ms: i64, now_ms: i64, done: u64, total: u64) -> Option<Rate> {
    let elapsed_ms = now_ms.checked_sub(started_ms)?;
    if elapsed_ms <= 0 || done == 0 {
        return None;
    }
    let bytes_per_sec = done as f64 * 1000.0 / elapsed_ms as f64;
    let left = total.saturating_sub(done) as f64;
    Some(Rate {
        bytes_per_sec,
        eta_secs: left / bytes_per_sec,
    })
}

/// The move being copied now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentMove {
    /// 1-based.
    pub number: u64,
    /// The sentence the job wrote when the move started ("Move 2 of 5: shard group 3 ...").
    pub label: String,
    pub bytes_done: u64,
    /// 0 until the first copy event says how big the move is.
    pub bytes_total: u64,
    pub rate: Option<Rate>,
}

/// Where a rebalance stands, from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RebalanceProgress {
    /// Moves in the plan (0 until the first move starts).
    pub moves_total: u64,
    pub moves_done: u64,
    /// Bytes of the finished moves plus those copied of the current one.
    pub bytes_copied: u64,
    pub current: Option<CurrentMove>,
}

impl RebalanceProgress {
    /// Reads the events of a rebalance job, in order.
    pub fn from_events(events: &[ProgressEvent]) -> Self {
        let mut p = RebalanceProgress::default();
        let mut finished_bytes = 0u64;
        let mut started_ms = 0i64;
        for e in events {
            if e.step == MOVE_STEP {
                p.moves_total = e.total;
                match e.outcome {
                    Outcome::Running => {
                        p.moves_done = e.done;
                        started_ms = e.at_ms;
                        p.current = Some(CurrentMove {
                            number: e.done + 1,
                            label: e.message.clone(),
                            bytes_done: 0,
                            bytes_total: 0,
                            rate: None,
                        });
                    }
                    _ => {
                        p.moves_done = e.done;
                        if let Some(c) = p.current.take() {
                            finished_bytes += c.bytes_total.max(c.bytes_done);
                        }
                    }
                }
            } else if let Some(c) = p.current.as_mut() {
                if e.step == copy_step(c.number) {
                    c.bytes_done = e.done;
                    c.bytes_total = e.total;
                    c.rate = transfer_rate(started_ms, e.at_ms, e.done, e.total);
                }
            }
        }
        p.bytes_copied = finished_bytes + p.current.as_ref().map_or(0, |c| c.bytes_done);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(
        seq: u64,
        step: &str,
        done: u64,
        total: u64,
        outcome: Outcome,
        at_ms: i64,
    ) -> ProgressEvent {
        ProgressEvent {
            seq,
            step: step.into(),
            done,
            total,
            outcome,
            message: format!("{step} {done}/{total}"),
            at_ms,
        }
    }

    #[test]
    fn rate_and_eta_from_two_points() {
        let r = transfer_rate(1_000, 3_000, 2_000, 10_000).unwrap();
        assert_eq!(r.bytes_per_sec, 1_000.0);
        assert_eq!(r.eta_secs, 8.0);
        let done = transfer_rate(0, 500, 10, 10).unwrap();
        assert_eq!(done.bytes_per_sec, 20.0);
        assert_eq!(done.eta_secs, 0.0);
        // Overshooting the total never gives a negative ETA.
        assert_eq!(transfer_rate(0, 1000, 20, 10).unwrap().eta_secs, 0.0);
    }

    #[test]
    fn no_rate_without_time_or_bytes() {
        assert_eq!(transfer_rate(1_000, 1_000, 5, 10), None);
        assert_eq!(transfer_rate(2_000, 1_000, 5, 10), None);
        assert_eq!(transfer_rate(0, 1_000, 0, 10), None);
        assert_eq!(transfer_rate(i64::MIN, i64::MAX, 1, 10), None);
    }

    #[test]
    fn follows_moves_and_copies() {
        let mut events = vec![
            ev(0, "plan", 0, 1, Outcome::Running, 0),
            ev(1, "plan", 1, 1, Outcome::Ok, 10),
        ];
        assert_eq!(
            RebalanceProgress::from_events(&events),
            RebalanceProgress::default()
        );

        events.push(ev(2, MOVE_STEP, 0, 2, Outcome::Running, 1_000));
        let p = RebalanceProgress::from_events(&events);
        assert_eq!((p.moves_total, p.moves_done), (2, 0));
        let c = p.current.unwrap();
        assert_eq!(
            (c.number, c.bytes_done, c.bytes_total, c.rate),
            (1, 0, 0, None)
        );
        assert_eq!(c.label, "move 0/2");

        events.push(ev(3, &copy_step(1), 500, 2_000, Outcome::Running, 2_000));
        let p = RebalanceProgress::from_events(&events);
        let c = p.current.clone().unwrap();
        assert_eq!((c.bytes_done, c.bytes_total), (500, 2_000));
        assert_eq!(c.rate.unwrap().bytes_per_sec, 500.0);
        assert_eq!(c.rate.unwrap().eta_secs, 3.0);
        assert_eq!(p.bytes_copied, 500);

        events.push(ev(4, &copy_step(1), 2_000, 2_000, Outcome::Running, 3_000));
        events.push(ev(5, MOVE_STEP, 1, 2, Outcome::Ok, 3_001));
        let p = RebalanceProgress::from_events(&events);
        assert_eq!((p.moves_done, p.bytes_copied), (1, 2_000));
        assert!(p.current.is_none());

        events.push(ev(6, MOVE_STEP, 1, 2, Outcome::Running, 4_000));
        // A stale copy event of move 1 does not count for move 2.
        events.push(ev(7, &copy_step(1), 9, 9, Outcome::Running, 4_100));
        events.push(ev(8, &copy_step(2), 300, 600, Outcome::Running, 5_000));
        let p = RebalanceProgress::from_events(&events);
        let c = p.current.clone().unwrap();
        assert_eq!((c.number, c.bytes_done, c.bytes_total), (2, 300, 600));
        assert_eq!(c.rate.unwrap().eta_secs, 1.0);
        assert_eq!(p.bytes_copied, 2_300);

        events.push(ev(9, MOVE_STEP, 2, 2, Outcome::Ok, 6_000));
        events.push(ev(10, "finished", 1, 1, Outcome::Ok, 6_001));
        let p = RebalanceProgress::from_events(&events);
        assert_eq!((p.moves_total, p.moves_done, p.bytes_copied), (2, 2, 2_600));
        assert!(p.current.is_none());
    }
}
