//! Progress of a long operation, as streamed to every watcher (browser or CLI).
//!
//! The wire format is one JSON object per line (newline-framed), so a reader can
//! split a chunked HTTP body at `\n` whatever the chunk boundaries were.

use serde::{Deserialize, Serialize};

/// How an operation, or one step of it, ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Running,
    Ok,
    Warning,
    Failed,
}

/// One event in an operation's ordered progress log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressEvent {
    /// Position in the log, from 0: lets a late watcher detect gaps.
    pub seq: u64,
    /// Short name of the step this event belongs to.
    pub step: String,
    /// Units done of `total` for the whole operation.
    pub done: u64,
    pub total: u64,
    pub outcome: Outcome,
    /// A sentence for people.
    pub message: String,
    /// Milliseconds since the Unix epoch, set by the server.
    pub at_ms: i64,
    /// A shard move's phase, on its progress events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<crate::port::MovePhase>,
    /// `done` is estimated (ArangoDB reports no bytes for a running move), not counted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
    /// Seconds the whole job still needs from this event on, as its operation forecasts
    /// them (a rebalance plays its remaining steps out at the measured copy rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_left_secs: Option<f64>,
}

impl ProgressEvent {
    /// Fraction complete in 0.0..=1.0 (an empty operation counts as complete).
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.done.min(self.total)) as f64 / self.total as f64
        }
    }

    /// Serialises to one line of the newline-framed stream.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("ProgressEvent always serialises");
        line.push('\n');
        line
    }
}

/// How long a step shown as current may stay silent while another step ticks, before
/// that one takes the display (a run's byte count changes only when a move ends).
pub const QUIET_MS: i64 = 2_000;

/// The event a watcher reads as what is happening now. Moves side by side each log their
/// own ticks, so the newest event alone would swap between them many times a second: the
/// step shown keeps the display, updated by its own ticks, until another step begins, an
/// outcome arrives (a move done, a warning), the shown step ends, or it has been silent
/// for [`QUIET_MS`] while another ticks. The job's own `finished` event is not a step.
pub fn current(events: &[ProgressEvent]) -> Option<&ProgressEvent> {
    let mut begun = std::collections::BTreeSet::new();
    let mut shown: Option<&ProgressEvent> = None;
    for e in events.iter().filter(|e| e.step != "finished") {
        let begins = begun.insert(e.step.as_str());
        let takes = match shown {
            None => true,
            Some(s) => {
                begins
                    || s.step == e.step
                    || e.outcome != Outcome::Running
                    || s.outcome != Outcome::Running
                    || e.at_ms.saturating_sub(s.at_ms) >= QUIET_MS
            }
        };
        if takes {
            shown = Some(e);
        }
    }
    shown
}

/// The events worth reading once a job has ended: where each step began and ended,
/// where it entered a new phase (a move's copy beginning after it waited), and every
/// outcome (a move done, a warning, a failure), in the order they happened. A rebalance
/// logs hundreds of ticks; this is what `job show` and the job page show.
pub fn milestones(events: &[ProgressEvent]) -> Vec<&ProgressEvent> {
    let mut ends: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (i, e) in events.iter().enumerate() {
        ends.entry(e.step.as_str()).or_insert((i, i)).1 = i;
    }
    let mut phases: std::collections::BTreeMap<&str, crate::port::MovePhase> = Default::default();
    events
        .iter()
        .enumerate()
        .filter(|&(i, e)| {
            let (first, last) = ends[e.step.as_str()];
            let new_phase = e
                .phase
                .is_some_and(|p| phases.insert(e.step.as_str(), p) != Some(p));
            e.outcome != Outcome::Running || i == first || i == last || new_phase
        })
        .map(|(_, e)| e)
        .collect()
}

/// Splits a newline-framed stream back into events (progress events, or any
/// other one-JSON-object-per-line stream such as the console's activity),
/// whatever the chunking.
#[derive(Debug)]
pub struct LineDecoder<T = ProgressEvent> {
    pending: String,
    _of: std::marker::PhantomData<fn() -> T>,
}

impl<T> Default for LineDecoder<T> {
    fn default() -> Self {
        LineDecoder {
            pending: String::new(),
            _of: std::marker::PhantomData,
        }
    }
}

impl<T: serde::de::DeserializeOwned> LineDecoder<T> {
    /// Feeds one chunk; returns every complete line decoded so far, in order.
    pub fn push(&mut self, chunk: &str) -> Vec<Result<T, serde_json::Error>> {
        self.pending.push_str(chunk);
        let mut out = Vec::new();
        while let Some(end) = self.pending.find('\n') {
            let line: String = self.pending.drain(..=end).collect();
            let line = line.trim();
            if !line.is_empty() {
                out.push(serde_json::from_str(line));
            }
        }
        out
    }

    /// True when a partial line is still waiting for its newline.
    pub fn has_partial(&self) -> bool {
        !self.pending.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: u64) -> ProgressEvent {
        ProgressEvent {
            seq,
            step: "check".into(),
            done: seq,
            total: 4,
            outcome: Outcome::Ok,
            message: format!("step {seq}\nwith a newline"),
            at_ms: 1_700_000_000_000,
            phase: None,
            estimated: false,
            time_left_secs: None,
        }
    }

    /// Event `seq` of `step`, ending as `outcome`.
    fn at(seq: u64, step: &str, outcome: Outcome) -> ProgressEvent {
        ProgressEvent {
            step: step.into(),
            outcome,
            ..event(seq)
        }
    }

    #[test]
    fn lines_survive_any_chunking() {
        let wire: String = (0..4).map(|i| event(i).to_line()).collect();
        for cut in 1..wire.len() {
            if !wire.is_char_boundary(cut) {
                continue;
            }
            let mut decoder = LineDecoder::<ProgressEvent>::default();
            let mut got = decoder.push(&wire[..cut]);
            got.extend(decoder.push(&wire[cut..]));
            let got: Vec<_> = got.into_iter().map(|r| r.unwrap()).collect();
            assert_eq!(got, (0..4).map(event).collect::<Vec<_>>(), "cut at {cut}");
            assert!(!decoder.has_partial());
        }
    }

    #[test]
    fn the_current_step_holds_the_display_while_moves_run_side_by_side() {
        use Outcome::*;
        // Ticks a tenth of a second apart, and one pause.
        let log: Vec<ProgressEvent> = [
            ("plan", Running),
            ("plan", Ok),
            ("move 1", Running),
            ("move 2", Running),
            ("move 1", Running),
            ("move 2", Running),
            ("move 1", Running),
            ("move 1", Ok),
            ("bytes", Running),
            ("move 2", Running),
            ("move 2", Running),
            ("finished", Ok),
        ]
        .iter()
        .enumerate()
        .map(|(i, (step, outcome))| ProgressEvent {
            at_ms: 100 * i as i64 + if i >= 10 { QUIET_MS } else { 0 },
            ..at(i as u64, step, *outcome)
        })
        .collect();
        let shown = |n: usize| current(&log[..n]).map(|e| e.seq);
        assert_eq!(shown(0), None);
        assert_eq!(shown(2), Some(1), "the plan's outcome");
        assert_eq!(shown(3), Some(2), "move 1 begins");
        assert_eq!(shown(4), Some(3), "move 2 begins: it has the display");
        // Move 1's ticks do not take it back, move 2's own update it.
        assert_eq!(shown(5), Some(3));
        assert_eq!(shown(6), Some(5));
        assert_eq!(shown(7), Some(5));
        assert_eq!(shown(8), Some(7), "move 1 done: an outcome is news");
        assert_eq!(shown(9), Some(8), "the run's bytes begin");
        assert_eq!(
            shown(10),
            Some(8),
            "move 2's tick waits while the bytes are recent"
        );
        assert_eq!(
            shown(11),
            Some(10),
            "the bytes have been quiet: the running move shows"
        );
        assert_eq!(shown(12), Some(10), "the job's end is not a step");
    }

    #[test]
    fn milestones_keep_where_each_step_began_and_ended_and_every_outcome() {
        use Outcome::*;
        let log = [
            at(0, "plan", Running),
            at(1, "plan", Ok),
            at(2, "move 1", Running),
            at(3, "move 2", Running),
            at(4, "move 1", Running),
            at(5, "move 2", Running),
            at(6, "move 1", Running),
            at(7, "move 2", Warning),
            at(8, "move 1", Ok),
            at(9, "bytes", Running),
            at(10, "bytes", Running),
            at(11, "bytes", Running),
        ];
        let kept: Vec<u64> = milestones(&log).iter().map(|e| e.seq).collect();
        assert_eq!(kept, vec![0, 1, 2, 3, 7, 8, 9, 11]);

        // A move that waited, then copied, then switched its leader: each phase's start.
        use crate::port::MovePhase::*;
        let phased = |seq, phase| ProgressEvent {
            phase: Some(phase),
            ..at(seq, "move 1", Running)
        };
        let log = [
            at(0, "move 1", Running),
            phased(1, Queued),
            phased(2, Queued),
            phased(3, Copying),
            at(4, "move 1", Running),
            phased(5, Copying),
            phased(6, SwitchingLeader),
            phased(7, SwitchingLeader),
            at(8, "move 1", Ok),
        ];
        let kept: Vec<u64> = milestones(&log).iter().map(|e| e.seq).collect();
        assert_eq!(kept, vec![0, 1, 3, 6, 8]);
    }

    #[test]
    fn partial_line_is_held_back() {
        let mut decoder = LineDecoder::<ProgressEvent>::default();
        let line = event(1).to_line();
        assert!(decoder.push(&line[..10]).is_empty());
        assert!(decoder.has_partial());
        assert_eq!(decoder.push(&line[10..]).len(), 1);
    }

    #[test]
    fn garbage_line_is_an_error_not_a_panic() {
        let mut decoder = LineDecoder::<ProgressEvent>::default();
        let got = decoder.push("not json\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].is_err());
    }

    #[test]
    fn fraction_is_clamped() {
        let mut e = event(2);
        assert_eq!(e.fraction(), 0.5);
        e.done = 9;
        assert_eq!(e.fraction(), 1.0);
        e.total = 0;
        assert_eq!(e.fraction(), 1.0);
    }
}
