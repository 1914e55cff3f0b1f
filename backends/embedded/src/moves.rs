//! Shard moves, simulated the way ArangoDB performs them: the new replica copies
//! the group's data at a finite rate while the old one keeps serving reads and
//! writes, then leadership (or the follower slot) switches over in one step.

use std::time::{Duration, Instant};

use scaleout_domain::port::{
    BackendError, CancelFlag, MoveDeadline, MoveProgress, MoveReport, MoveRequest, ProgressFn,
};

use crate::config::EmbeddedConfig;

/// How often a running move reports progress and looks at its cancel flag.
const TICK: Duration = Duration::from_millis(100);

/// Copies `bytes_total` at the configured rate (a leader switch, `switch`, copies
/// nothing and says so); errors if cancelled, if it misses its deadline, or if
/// `still_possible` says the move can no longer finish (a server failed).
/// The simulated cluster starts every move at once, so only `finish_within` can be missed.
pub async fn copy(
    config: &EmbeddedConfig,
    request: &MoveRequest,
    (bytes_total, switch): (u64, bool),
    deadline: &MoveDeadline,
    progress: ProgressFn<'_>,
    cancel: &CancelFlag,
    mut still_possible: impl FnMut() -> Result<(), BackendError>,
) -> Result<MoveReport, BackendError> {
    let started = Instant::now();
    let duration = copy_duration(config, bytes_total);
    let running = |done| {
        if switch {
            MoveProgress::switching_leader()
        } else {
            MoveProgress::copying(done, bytes_total)
        }
    };
    progress(running(0));
    loop {
        if cancel.is_cancelled() {
            return Err(BackendError::Cancelled(format!(
                "the move of shard group {} from {} to {} was stopped; the group stayed on {}",
                request.group, request.from, request.to, request.from
            )));
        }
        still_possible()?;
        let elapsed = started.elapsed();
        if elapsed >= duration {
            break;
        }
        if elapsed >= deadline.finish_within {
            let done = bytes_done(bytes_total, elapsed, duration);
            return Err(BackendError::TimedOut(format!(
                "the move of shard group {} from {} to {} had copied {done} of {bytes_total} bytes \
                 after {} s, past its limit (--move-timeout plus its size at the measured rate); \
                 it was stopped: the group stayed on {}",
                request.group,
                request.from,
                request.to,
                elapsed.as_secs(),
                request.from
            )));
        }
        let done = bytes_done(bytes_total, elapsed, duration);
        progress(running(done));
        let to_deadline = deadline.finish_within.saturating_sub(elapsed);
        tokio::time::sleep(
            TICK.min(duration - elapsed)
                .min(to_deadline.max(Duration::from_millis(1))),
        )
        .await;
    }
    progress(MoveProgress::done(bytes_total));
    Ok(MoveReport {
        request: request.clone(),
        bytes: bytes_total,
        millis: started.elapsed().as_millis() as u64,
    })
}

/// Fixed overhead plus transfer time at the configured rate.
pub fn copy_duration(config: &EmbeddedConfig, bytes: u64) -> Duration {
    let rate = config.move_rate_bytes_per_sec.max(1);
    let transfer = if rate == u64::MAX {
        Duration::ZERO
    } else {
        Duration::from_secs_f64(bytes as f64 / rate as f64)
    };
    config.move_overhead + transfer
}

fn bytes_done(total: u64, elapsed: Duration, duration: Duration) -> u64 {
    if duration.is_zero() {
        return total;
    }
    let fraction = (elapsed.as_secs_f64() / duration.as_secs_f64()).clamp(0.0, 1.0);
    ((total as f64) * fraction) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::port::ReplicaRole;
    use std::sync::Mutex;

    fn request() -> MoveRequest {
        MoveRequest {
            group: 1,
            from: "DBServer0001".into(),
            to: "DBServer0004".into(),
            role: ReplicaRole::Leader,
        }
    }

    fn config(rate: u64, overhead_ms: u64) -> EmbeddedConfig {
        EmbeddedConfig {
            path: "unused".into(),
            move_rate_bytes_per_sec: rate,
            move_overhead: Duration::from_millis(overhead_ms),
        }
    }

    #[test]
    fn duration_is_overhead_plus_transfer() {
        assert_eq!(
            copy_duration(&config(1000, 100), 500),
            Duration::from_millis(600)
        );
        assert_eq!(
            copy_duration(&config(u64::MAX, 0), 10_000_000),
            Duration::ZERO
        );
    }

    #[tokio::test(start_paused = true)]
    async fn progress_rises_to_the_total() {
        let seen = Mutex::new(Vec::new());
        let report = copy(
            &config(1000, 0),
            &request(),
            (1000, false),
            &MoveDeadline::NONE,
            &|p| seen.lock().unwrap().push(p.bytes_done),
            &CancelFlag::new(),
            || Ok(()),
        )
        .await
        .unwrap();
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.first(), Some(&0));
        assert_eq!(seen.last(), Some(&1000));
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert!(seen.len() >= 10, "about one report per tick: {seen:?}");
        assert_eq!(report.bytes, 1000);
    }

    /// A follower move of a group with nothing stored copies nothing, and is not a leader
    /// switch: only a switch says "switching leader".
    #[tokio::test(start_paused = true)]
    async fn only_a_leader_switch_says_so() {
        use scaleout_domain::port::MovePhase;
        for (move_of, phase) in [
            ((0, false), MovePhase::Copying),
            ((0, true), MovePhase::SwitchingLeader),
            ((500, false), MovePhase::Copying),
        ] {
            let seen = Mutex::new(Vec::new());
            copy(
                &config(1000, 50),
                &request(),
                move_of,
                &MoveDeadline::NONE,
                &|p| seen.lock().unwrap().push(p.phase),
                &CancelFlag::new(),
                || Ok(()),
            )
            .await
            .unwrap();
            let seen = seen.into_inner().unwrap();
            assert_eq!(seen.first(), Some(&phase), "{move_of:?}: {seen:?}");
            assert_eq!(seen.last(), Some(&MovePhase::Done));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn cancel_stops_the_copy() {
        let cancel = CancelFlag::new();
        let c2 = cancel.clone();
        let err = copy(
            &config(10, 0),
            &request(),
            (1000, false),
            &MoveDeadline::NONE,
            &|p| {
                if p.bytes_done > 0 {
                    c2.cancel()
                }
            },
            &cancel,
            || Ok(()),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, BackendError::Cancelled(m) if m.contains("stayed on DBServer0001")));
    }

    #[tokio::test(start_paused = true)]
    async fn a_move_past_its_deadline_is_stopped() {
        let deadline = MoveDeadline {
            start_within: Duration::from_secs(1),
            finish_within: Duration::from_secs(2),
            expected_rate: None,
        };
        let err = copy(
            &config(100, 0),
            &request(),
            (1000, false),
            &deadline,
            &|_| {},
            &CancelFlag::new(),
            || Ok(()),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, BackendError::TimedOut(m) if m.contains("shard group 1 from DBServer0001 to DBServer0004") && m.contains("stayed on DBServer0001")),
            "{err:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_midway_aborts() {
        let mut calls = 0;
        let err = copy(
            &config(100, 0),
            &request(),
            (1000, false),
            &MoveDeadline::NONE,
            &|_| {},
            &CancelFlag::new(),
            || {
                calls += 1;
                if calls > 3 {
                    Err(BackendError::Unavailable("DBServer0004 failed".into()))
                } else {
                    Ok(())
                }
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, BackendError::Unavailable(_)));
    }
}
