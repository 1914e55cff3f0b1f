//! Following a rebalance from its job's progress events: how many moves of how many are
//! done, which are running side by side, how many bytes each has copied (counted, or
//! estimated on ArangoDB), at what rate, and when each and the whole run will be done.
//!
//! The rebalance job reports with three kinds of events:
//! - [`MOVE_STEP`] (`move`): `done` moves of `total` finished (running when the run
//!   starts, ok after each move);
//! - [`copy_step`] (`move N`): the first one starts move N (its message is the move's
//!   label), running ones report its bytes and phase, the one that is not running ends it;
//! - [`BYTES_STEP`] (`bytes`): bytes copied by the finished moves, of the plan's total.
//!
//! Every watcher, the first browser or one that attaches later, derives the same
//! figures from the same log.

use serde::{Deserialize, Serialize};

use crate::port::MovePhase;
use crate::progress::{Outcome, ProgressEvent};

/// The step name of the events that count finished moves.
pub const MOVE_STEP: &str = "move";

/// The step name of the events that count the bytes of finished moves.
pub const BYTES_STEP: &str = "bytes";

/// The step name of the events of move `number` (1-based).
pub fn copy_step(number: u64) -> String {
    format!("{MOVE_STEP} {number}")
}

/// The number of the move whose events carry step name `step` (`move 3`: 3).
pub fn move_number(step: &str) -> Option<u64> {
    step.strip_prefix(MOVE_STEP)?
        .strip_prefix(' ')?
        .parse()
        .ok()
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

/// A move under way.
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
    pub phase: Option<MovePhase>,
    /// The bytes (and so the rate and time left) are estimated, not counted.
    pub estimated: bool,
    /// When its copy began, and its bytes then: its rate is measured from there, so the
    /// time it waited to start (ArangoDB's ToDo, the console's checks) does not make its
    /// first estimates of the time left run long.
    copy_from: (i64, u64),
}

/// Where a rebalance stands, from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RebalanceProgress {
    /// Moves in the plan (0 until the run starts).
    pub moves_total: u64,
    pub moves_done: u64,
    /// Bytes of the finished moves plus those copied of the running ones.
    pub bytes_copied: u64,
    /// Bytes the plan copies in all (0 until the run says).
    pub bytes_total: u64,
    /// Moves under way, by number.
    pub running: Vec<CurrentMove>,
    /// Seconds until the whole run is done: the executor's forecast, counted down (none
    /// before it made one).
    pub run_eta_secs: Option<f64>,
    /// Some figure above is estimated.
    pub estimated: bool,
}

impl RebalanceProgress {
    /// Reads the events of a rebalance job, in order.
    pub fn from_events(events: &[ProgressEvent]) -> Self {
        let mut p = RebalanceProgress::default();
        let mut finished_bytes = 0u64;
        // The bytes of the moves that ended, as their own last events say: a move's end
        // comes a moment before the run's count of finished bytes, and between the two
        // the bytes copied must not fall.
        let mut ended_bytes = 0u64;
        let mut last_ms = 0i64;
        // The executor's latest forecast of the time left, and when it was made.
        let mut forecast: Option<(i64, f64)> = None;
        for e in events {
            last_ms = last_ms.max(e.at_ms);
            if e.step == MOVE_STEP {
                p.moves_total = e.total;
                p.moves_done = e.done;
            } else if e.step == BYTES_STEP {
                finished_bytes = e.done;
                p.bytes_total = e.total;
                forecast = e.time_left_secs.map(|secs| (e.at_ms, secs));
            } else if let Some(number) = move_number(&e.step) {
                let at = p.running.iter().position(|m| m.number == number);
                match (at, e.outcome) {
                    (None, Outcome::Running) => p.running.push(CurrentMove {
                        number,
                        label: e.message.clone(),
                        bytes_done: e.done,
                        bytes_total: e.total,
                        rate: None,
                        phase: e.phase,
                        estimated: e.estimated,
                        copy_from: (e.at_ms, e.done),
                    }),
                    (Some(i), Outcome::Running) => {
                        let m = &mut p.running[i];
                        if e.phase == Some(MovePhase::Copying) && m.phase != e.phase {
                            m.copy_from = (e.at_ms, e.done);
                        }
                        m.bytes_done = e.done;
                        m.bytes_total = e.total;
                        m.phase = e.phase.or(m.phase);
                        m.estimated = e.estimated;
                        let (from_ms, from_bytes) = m.copy_from;
                        m.rate = transfer_rate(
                            from_ms,
                            e.at_ms,
                            e.done.saturating_sub(from_bytes),
                            e.total.saturating_sub(from_bytes),
                        );
                    }
                    (Some(i), _) => {
                        p.running.remove(i);
                        ended_bytes += e.done;
                    }
                    (None, _) => {}
                }
            }
        }
        p.bytes_copied = finished_bytes.max(ended_bytes.min(p.bytes_total))
            + p.running.iter().map(|m| m.bytes_done).sum::<u64>();
        // Finished moves count their bytes; only a running move's may be an estimate.
        p.estimated = p.running.iter().any(|m| m.estimated);
        // The run ends no sooner than its slowest running move, whatever the forecast or
        // the average says.
        let slowest = p
            .running
            .iter()
            .filter_map(|m| m.rate.map(|r| r.eta_secs))
            .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
        // The executor's forecast (its remaining steps played out under the schedule),
        // counted down since. Before it could make one (no copy measured yet), nothing:
        // the run's average until then counts the checks and the queue before the first
        // copy, and read twice the truth before the forecast took over.
        let planned = forecast.map(|(at, secs)| (secs - (last_ms - at) as f64 / 1000.0).max(0.0));
        p.run_eta_secs = planned.map(|eta| slowest.map_or(eta, |s| eta.max(s)));
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
            phase: None,
            estimated: false,
            time_left_secs: None,
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
    fn follows_moves_side_by_side() {
        let mut events = vec![
            ev(0, "plan", 0, 1, Outcome::Running, 0),
            ev(1, "plan", 1, 1, Outcome::Ok, 10),
        ];
        assert_eq!(
            RebalanceProgress::from_events(&events),
            RebalanceProgress::default()
        );

        events.push(ev(2, MOVE_STEP, 0, 3, Outcome::Running, 1_000));
        events.push(ev(3, BYTES_STEP, 0, 3_000, Outcome::Running, 1_000));
        events.push(ev(4, &copy_step(1), 0, 2_000, Outcome::Running, 1_000));
        events.push(ev(5, &copy_step(2), 0, 1_000, Outcome::Running, 1_000));
        let p = RebalanceProgress::from_events(&events);
        assert_eq!((p.moves_total, p.moves_done, p.bytes_total), (3, 0, 3_000));
        assert_eq!(p.running.len(), 2);
        assert_eq!(p.running[0].label, "move 1 0/2000");
        assert_eq!(p.run_eta_secs, None, "nothing copied yet");

        events.push(ev(6, &copy_step(1), 500, 2_000, Outcome::Running, 2_000));
        let mut estimate = ev(7, &copy_step(2), 250, 1_000, Outcome::Running, 2_000);
        estimate.estimated = true;
        estimate.phase = Some(MovePhase::Copying);
        events.push(estimate);
        let p = RebalanceProgress::from_events(&events);
        let one = &p.running[0];
        assert_eq!((one.bytes_done, one.rate.unwrap().eta_secs), (500, 3.0));
        let two = &p.running[1];
        assert!(two.estimated && p.estimated);
        assert_eq!(two.phase, Some(MovePhase::Copying));
        assert_eq!(p.bytes_copied, 750);
        // No forecast from the executor yet: no time left for the run, whatever the
        // average would say.
        assert_eq!(p.run_eta_secs, None);

        events.push(ev(8, &copy_step(2), 1_000, 1_000, Outcome::Ok, 3_000));
        // Move 2 has ended; the run's count of finished bytes comes a moment later:
        // meanwhile its bytes still count (they used to drop out, and the count fell).
        assert_eq!(RebalanceProgress::from_events(&events).bytes_copied, 1_500);
        events.push(ev(9, MOVE_STEP, 1, 3, Outcome::Ok, 3_000));
        events.push(ev(10, BYTES_STEP, 1_000, 3_000, Outcome::Running, 3_000));
        // A late event of an ended move does not bring it back.
        events.push(ev(11, &copy_step(2), 5, 9, Outcome::Ok, 3_100));
        let p = RebalanceProgress::from_events(&events);
        assert_eq!(p.moves_done, 1);
        assert_eq!(
            p.running.iter().map(|m| m.number).collect::<Vec<_>>(),
            vec![1]
        );
        assert_eq!(p.bytes_copied, 1_500);

        events.push(ev(12, &copy_step(1), 2_000, 2_000, Outcome::Ok, 4_000));
        events.push(ev(13, &copy_step(3), 0, 0, Outcome::Running, 4_000));
        events.push(ev(14, &copy_step(3), 0, 0, Outcome::Ok, 4_100));
        events.push(ev(15, MOVE_STEP, 3, 3, Outcome::Ok, 4_100));
        events.push(ev(16, BYTES_STEP, 3_000, 3_000, Outcome::Ok, 4_100));
        let p = RebalanceProgress::from_events(&events);
        assert_eq!((p.moves_done, p.bytes_copied), (3, 3_000));
        assert!(p.running.is_empty());
    }

    /// A move that waited to start (ArangoDB's ToDo, or the console's checks before it) is
    /// timed from its copy's start: counting the wait made the time left start long and
    /// then fall faster than the clock, each time a move started.
    #[test]
    fn a_move_s_rate_counts_from_its_copy_not_its_wait() {
        let phased = |seq, done, phase, at_ms| ProgressEvent {
            phase: Some(phase),
            ..ev(seq, &copy_step(1), done, 1_000, Outcome::Running, at_ms)
        };
        let log = vec![
            ev(0, MOVE_STEP, 0, 1, Outcome::Running, 0),
            ev(1, BYTES_STEP, 0, 1_000, Outcome::Running, 0),
            ev(2, &copy_step(1), 0, 1_000, Outcome::Running, 0),
            phased(3, 0, MovePhase::Queued, 1_000),
            phased(4, 0, MovePhase::Copying, 5_000),
            phased(5, 50, MovePhase::Copying, 5_500),
            phased(6, 100, MovePhase::Copying, 6_000),
        ];
        let p = RebalanceProgress::from_events(&log);
        let rate = p.running[0].rate.unwrap();
        assert_eq!((rate.bytes_per_sec, rate.eta_secs), (100.0, 9.0));
        // A page rendered from the log's milestones says the same.
        let kept: Vec<ProgressEvent> = crate::progress::milestones(&log)
            .into_iter()
            .cloned()
            .collect();
        assert_eq!(RebalanceProgress::from_events(&kept), p);
    }

    /// The executor's forecast is the run's time left once it has one (none before),
    /// counted down as time passes, and never says less than a running move still needs.
    #[test]
    fn the_executor_s_forecast_counts_down_and_waits_for_the_slowest_move() {
        let mut log = vec![
            ev(0, MOVE_STEP, 0, 2, Outcome::Running, 0),
            ev(1, BYTES_STEP, 0, 2_000, Outcome::Running, 0),
            ev(2, &copy_step(1), 0, 1_000, Outcome::Running, 0),
            ev(3, &copy_step(1), 500, 1_000, Outcome::Running, 1_000),
        ];
        // Before the forecast, none (the average, 500 bytes a second, would say 3 s).
        assert_eq!(RebalanceProgress::from_events(&log).run_eta_secs, None);
        log.push(ProgressEvent {
            time_left_secs: Some(10.0),
            ..ev(4, BYTES_STEP, 0, 2_000, Outcome::Running, 1_000)
        });
        log.push(ev(5, &copy_step(1), 600, 1_000, Outcome::Running, 1_500));
        assert_eq!(RebalanceProgress::from_events(&log).run_eta_secs, Some(9.5));
        // Long after it, the slowest running move still needs its time.
        log.push(ev(6, &copy_step(1), 700, 1_000, Outcome::Running, 14_000));
        let p = RebalanceProgress::from_events(&log);
        let move_left = p.running[0].rate.unwrap().eta_secs;
        assert!(move_left > 0.0);
        assert_eq!(p.run_eta_secs, Some(move_left));
    }

    /// A page rendered mid-run carries the log's milestones, not its every tick (a run
    /// logs hundreds): they must tell the same progress as the whole log, at every point.
    #[test]
    fn milestones_tell_the_same_progress_as_the_whole_log() {
        let copying = |seq, step: &str, done, total, at_ms| ProgressEvent {
            phase: Some(MovePhase::Copying),
            estimated: seq % 3 == 0,
            ..ev(seq, step, done, total, Outcome::Running, at_ms)
        };
        let log = vec![
            ev(0, "plan", 0, 1, Outcome::Running, 0),
            ev(1, "plan", 1, 1, Outcome::Ok, 10),
            ev(2, MOVE_STEP, 0, 3, Outcome::Running, 1_000),
            ev(3, BYTES_STEP, 0, 3_000, Outcome::Running, 1_000),
            copying(4, &copy_step(1), 0, 2_000, 1_000),
            copying(5, &copy_step(2), 0, 1_000, 1_000),
            copying(6, &copy_step(1), 400, 2_000, 1_500),
            copying(7, &copy_step(2), 300, 1_000, 1_600),
            copying(8, &copy_step(1), 900, 2_000, 2_000),
            copying(9, &copy_step(2), 700, 1_000, 2_200),
            ev(10, &copy_step(2), 1_000, 1_000, Outcome::Ok, 2_500),
            ev(11, MOVE_STEP, 1, 3, Outcome::Ok, 2_500),
            ev(12, BYTES_STEP, 1_000, 3_000, Outcome::Running, 2_500),
            copying(13, &copy_step(3), 0, 0, 2_600),
            copying(14, &copy_step(1), 1_500, 2_000, 2_700),
            ev(15, &copy_step(3), 0, 0, Outcome::Warning, 2_800),
        ];
        for end in 1..=log.len() {
            let all = &log[..end];
            let kept: Vec<ProgressEvent> = crate::progress::milestones(all)
                .into_iter()
                .cloned()
                .collect();
            assert_eq!(
                RebalanceProgress::from_events(&kept),
                RebalanceProgress::from_events(all),
                "after {end} events"
            );
        }
    }
}
