//! A running rebalance's time left, for the people watching: the executor tells it what
//! its copies have done, and asks it when to forecast and what. The forecast itself is
//! the domain's (`execution::time_left`); this holds what it needs from a live run.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use scaleout_domain::execution::{Pace, Remaining, Schedule};
use scaleout_domain::planner::{PlannedMove, StepKind};

use super::rebalance::RebalanceProgress;
use crate::console::Console;

/// How often a running rebalance forecasts its time left again, between moves' ends.
const FORECAST_EVERY: Duration = Duration::from_secs(3);

/// Until a first forecast could be made, how often to try: soon after the first copy
/// has moved some bytes, so the page does not wait seconds with no time left to show.
const FIRST_TRY_EVERY: Duration = Duration::from_millis(700);

/// A copy's bytes must have run this long to give a rate worth forecasting with.
const MIN_MEASURED: Duration = Duration::from_millis(500);

/// A leader switch's time before this run measured one: ArangoDB hands leadership over
/// in about a second.
const ASSUMED_SWITCH_SECS: f64 = 1.0;

/// What a live run knows about its copies: when each running one began copying, and
/// its bytes so far. Shared by the moves running side by side.
pub(crate) struct RunForecast {
    copying: Mutex<BTreeMap<usize, (Instant, u64)>>,
    /// Whether a forecast was made yet (its first comes as soon as it can).
    made: AtomicBool,
}

impl RunForecast {
    pub(crate) fn new() -> Self {
        RunForecast {
            copying: Mutex::new(BTreeMap::new()),
            made: AtomicBool::new(false),
        }
    }

    /// Step `i` has copied `bytes` so far (its first call starts its clock).
    pub(crate) fn copied(&self, i: usize, bytes: u64) {
        lock(&self.copying)
            .entry(i)
            .or_insert((Instant::now(), 0))
            .1 = bytes;
    }

    /// Step `i` ended: its bytes are the finished moves' now.
    pub(crate) fn ended(&self, i: usize) {
        lock(&self.copying).remove(&i);
    }

    /// How long to wait before forecasting again, when no move ends first.
    pub(crate) fn next_in(&self) -> Duration {
        if self.made.load(Ordering::Relaxed) {
            FORECAST_EVERY
        } else {
            FIRST_TRY_EVERY
        }
    }

    /// The run's time left: its steps not done played out under its schedule at the
    /// copy rate measured so far (None before a first copy was measured). A leader switch
    /// takes as long as this run's took, on average.
    pub(crate) fn time_left(
        &self,
        schedule: &Schedule,
        steps: &[PlannedMove],
        progress: &RebalanceProgress,
        console: &Console,
    ) -> Option<f64> {
        let copying = lock(&self.copying);
        let copies: Vec<bool> = steps.iter().map(|s| s.kind == StepKind::Move).collect();
        let remaining: Vec<Remaining> = (0..steps.len())
            .filter(|&i| !schedule.is_done(i))
            .map(|i| Remaining {
                step: i,
                bytes_left: steps[i]
                    .bytes
                    .saturating_sub(copying.get(&i).map_or(0, |c| c.1)),
                running: schedule.is_running(i),
            })
            .collect();
        let switches: Vec<u64> = progress
            .done
            .iter()
            .filter(|m| {
                m.step
                    .is_some_and(|i| !copies.get(i).copied().unwrap_or(true))
            })
            .map(|m| m.millis)
            .collect();
        let switch_secs = if switches.is_empty() {
            ASSUMED_SWITCH_SECS
        } else {
            switches.iter().sum::<u64>() as f64 / switches.len() as f64 / 1000.0
        };
        // The finished moves' rate; before one has finished, the running copies'.
        let live = || {
            let (bytes, secs) = copying
                .values()
                .map(|(since, bytes)| (*bytes, since.elapsed()))
                .filter(|(bytes, ran)| *bytes > 0 && *ran >= MIN_MEASURED)
                .fold((0u64, 0f64), |(b, t), (bytes, ran)| {
                    (b + bytes, t + ran.as_secs_f64())
                });
            (bytes > 0).then(|| bytes as f64 / secs)
        };
        let pace = Pace {
            copy_rate: console.move_rate().rate().or_else(live)?,
            switch_secs,
            max_rate: console.config().move_limits.max_rate,
        };
        let left = scaleout_domain::execution::time_left(schedule, &copies, &remaining, pace);
        if left.is_some() {
            self.made.store(true, Ordering::Relaxed);
        }
        left
    }
}

/// A poisoned lock still holds good figures: a forecast is best effort.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
