//! How long the rest of a run will take: its remaining steps played out under the same
//! schedule the executor keeps, at the copy rate measured so far. The run's average rate
//! could not say it: moves side by side early on and one big move alone at the end copy
//! at very different rates, so an average told "2 s left" and then "9 s left".

use super::Schedule;

/// A step still to finish, as the forecast needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Remaining {
    /// Its index in the schedule's steps.
    pub step: usize,
    /// Bytes it still has to copy (all of them for a step not started).
    pub bytes_left: u64,
    pub running: bool,
}

/// What the forecast plays the steps out with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    /// Bytes per second of one copy (copies side by side each go at it).
    pub copy_rate: f64,
    /// Seconds a step that copies nothing (a leader switch) takes.
    pub switch_secs: f64,
    /// The run's bytes-per-second budget, if paced: the rest takes at least its bytes
    /// at this rate.
    pub max_rate: Option<u64>,
}

/// Seconds until every step in `remaining` has ended, `schedule` holding the run's steps
/// as they are now (done, running, waiting) and `copies[i]` whether step `i` copies.
/// `None` without a measured rate to play them out at.
pub fn time_left(
    schedule: &Schedule,
    copies: &[bool],
    remaining: &[Remaining],
    pace: Pace,
) -> Option<f64> {
    if !(pace.copy_rate.is_finite() && pace.copy_rate > 0.0) {
        return None;
    }
    let mut schedule = schedule.clone();
    let took = |i: usize, bytes: u64| {
        if copies.get(i).copied().unwrap_or(false) {
            bytes as f64 / pace.copy_rate
        } else {
            pace.switch_secs.max(0.0)
        }
    };
    let left = |i: usize| {
        remaining
            .iter()
            .find(|r| r.step == i)
            .map_or(0, |r| r.bytes_left)
    };
    // (step, when it ends)
    let mut under_way: Vec<(usize, f64)> = remaining
        .iter()
        .filter(|r| r.running)
        .map(|r| (r.step, took(r.step, r.bytes_left)))
        .collect();
    let mut now = 0.0f64;
    loop {
        for i in schedule.ready() {
            schedule.start(i);
            under_way.push((i, now + took(i, left(i))));
        }
        let Some(next) = under_way
            .iter()
            .enumerate()
            .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
            .map(|(k, _)| k)
        else {
            break;
        };
        let (i, ends) = under_way.swap_remove(next);
        now = now.max(ends);
        schedule.finish(i);
    }
    let bytes: u64 = remaining.iter().map(|r| r.bytes_left).sum();
    let paced = pace
        .max_rate
        .filter(|r| *r > 0)
        .map_or(0.0, |r| bytes as f64 / r as f64);
    Some(now.max(paced))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution::StepShape;
    use proptest::prelude::*;

    fn step(group: u8, from: u8, to: u8) -> StepShape {
        StepShape {
            group: group.to_string(),
            from: format!("S{from}"),
            to: format!("S{to}"),
            copies: true,
        }
    }

    const PACE: Pace = Pace {
        copy_rate: 100.0,
        switch_secs: 1.0,
        max_rate: None,
    };

    fn waiting(step: usize, bytes_left: u64) -> Remaining {
        Remaining {
            step,
            bytes_left,
            running: false,
        }
    }

    /// Four small moves side by side, then a big one that must wait for a server they
    /// use: the big one alone sets the end, which an average over the run misses.
    #[test]
    fn a_big_move_that_waits_for_a_slot_sets_the_end() {
        let steps = vec![
            step(0, 1, 5),
            step(1, 2, 6),
            step(2, 3, 7),
            step(3, 4, 8),
            step(4, 1, 9),
        ];
        let mut s = Schedule::new(steps.clone(), &[], 1);
        for i in s.ready() {
            s.start(i);
        }
        let remaining = [
            Remaining {
                step: 0,
                bytes_left: 500,
                running: true,
            },
            Remaining {
                step: 1,
                bytes_left: 500,
                running: true,
            },
            Remaining {
                step: 2,
                bytes_left: 500,
                running: true,
            },
            Remaining {
                step: 3,
                bytes_left: 500,
                running: true,
            },
            waiting(4, 1_000),
        ];
        let copies = [true; 5];
        // 5 s for the first four, then 10 s for the big one, which waits for S1.
        assert_eq!(time_left(&s, &copies, &remaining, PACE), Some(15.0));
        // With two copies out of each server, the big one runs beside them.
        let mut wide = Schedule::new(steps, &[], 2);
        for i in wide.ready() {
            wide.start(i);
        }
        let all_running: Vec<Remaining> = remaining
            .iter()
            .map(|r| Remaining {
                running: true,
                ..*r
            })
            .collect();
        assert_eq!(time_left(&wide, &copies, &all_running, PACE), Some(10.0));
    }

    #[test]
    fn switches_take_their_time_and_pacing_bounds_the_rest() {
        let mut switch = step(0, 1, 2);
        switch.copies = false;
        let steps = vec![switch, step(0, 2, 3)];
        let s = Schedule::new(steps, &[], 1);
        let remaining = [waiting(0, 0), waiting(1, 300)];
        let copies = [false, true];
        // The group's steps one after the other: 1 s, then 3 s.
        assert_eq!(time_left(&s, &copies, &remaining, PACE), Some(4.0));
        let paced = Pace {
            max_rate: Some(50),
            ..PACE
        };
        assert_eq!(time_left(&s, &copies, &remaining, paced), Some(6.0));
        let unmeasured = Pace {
            copy_rate: 0.0,
            ..PACE
        };
        assert_eq!(time_left(&s, &copies, &remaining, unmeasured), None);
    }

    #[test]
    fn nothing_left_takes_no_time() {
        let s = Schedule::new(vec![step(0, 1, 2)], &[0], 1);
        assert_eq!(time_left(&s, &[true], &[], PACE), Some(0.0));
    }

    proptest! {
        /// Never less than the longest single step left, nor than all the bytes at one
        /// copy per server pair; never more than everything one after another.
        #[test]
        fn the_forecast_lies_between_its_bounds(
            raw in prop::collection::vec((0u8..4, 0u8..5, 0u8..5, 0u64..5_000), 1..25),
            limit in 1u32..3,
        ) {
            let steps: Vec<StepShape> = raw.iter().filter(|(_, f, t, _)| f != t)
                .map(|&(g, f, t, _)| step(g, f, t)).collect();
            let bytes: Vec<u64> = raw.iter().filter(|(_, f, t, _)| f != t).map(|r| r.3).collect();
            prop_assume!(!steps.is_empty());
            let s = Schedule::new(steps.clone(), &[], limit);
            let remaining: Vec<Remaining> = bytes.iter().enumerate().map(|(i, b)| waiting(i, *b)).collect();
            let copies = vec![true; steps.len()];
            let t = time_left(&s, &copies, &remaining, PACE).unwrap();
            let longest = bytes.iter().max().copied().unwrap_or(0) as f64 / PACE.copy_rate;
            let serial = bytes.iter().sum::<u64>() as f64 / PACE.copy_rate;
            prop_assert!(t + 1e-9 >= longest, "{t} < {longest}");
            prop_assert!(t <= serial + 1e-9, "{t} > {serial}");
        }
    }
}
