//! Which steps of a plan may run now: a group's steps one after another in plan order,
//! at most `copies_per_server` data copies into and out of each server at a time, leader
//! switches (nothing copied) alongside. Plan order is kept where limits allow, so the
//! biggest improvements still come first.

use std::collections::HashMap;

/// What the schedule needs to know of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepShape {
    pub group: String,
    pub from: String,
    pub to: String,
    /// Copies data (a move), or only hands leadership over (a switch).
    pub copies: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Running,
    Done,
}

#[derive(Debug, Clone)]
pub struct Schedule {
    steps: Vec<StepShape>,
    state: Vec<State>,
    copies_per_server: u32,
}

impl Schedule {
    /// `done`: steps finished before (a resumed run).
    pub fn new(steps: Vec<StepShape>, done: &[usize], copies_per_server: u32) -> Self {
        let mut state = vec![State::Waiting; steps.len()];
        for &i in done {
            if let Some(s) = state.get_mut(i) {
                *s = State::Done;
            }
        }
        Schedule {
            steps,
            state,
            copies_per_server: copies_per_server.max(1),
        }
    }

    /// The waiting steps that may start now, in plan order, all of them together within
    /// the limits.
    pub fn ready(&self) -> Vec<usize> {
        let mut copies_in: HashMap<&str, u32> = HashMap::new();
        let mut copies_out: HashMap<&str, u32> = HashMap::new();
        for (step, _) in self.with_state(State::Running).filter(|(s, _)| s.copies) {
            *copies_in.entry(&step.to).or_default() += 1;
            *copies_out.entry(&step.from).or_default() += 1;
        }
        let mut blocked_groups: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            match self.state[i] {
                State::Done => continue,
                State::Running => {
                    blocked_groups.push(&step.group);
                    continue;
                }
                State::Waiting => {}
            }
            // An earlier step of this group is waiting or running: this one follows it.
            if blocked_groups.contains(&step.group.as_str()) {
                continue;
            }
            blocked_groups.push(&step.group);
            if step.copies {
                let into = copies_in.entry(&step.to).or_default();
                let out_of = copies_out.get(step.from.as_str()).copied().unwrap_or(0);
                if *into >= self.copies_per_server || out_of >= self.copies_per_server {
                    continue;
                }
                *into += 1;
                *copies_out.entry(&step.from).or_default() += 1;
            }
            out.push(i);
        }
        out
    }

    pub fn start(&mut self, i: usize) {
        self.state[i] = State::Running;
    }

    pub fn finish(&mut self, i: usize) {
        self.state[i] = State::Done;
    }

    /// Whether step `i` is under way.
    pub fn is_running(&self, i: usize) -> bool {
        self.state.get(i) == Some(&State::Running)
    }

    /// Whether step `i` has ended.
    pub fn is_done(&self, i: usize) -> bool {
        self.state.get(i) == Some(&State::Done)
    }

    pub fn running(&self) -> usize {
        self.state.iter().filter(|s| **s == State::Running).count()
    }

    pub fn is_complete(&self) -> bool {
        self.state.iter().all(|s| *s == State::Done)
    }

    fn with_state(&self, state: State) -> impl Iterator<Item = (&StepShape, usize)> {
        self.steps
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.state[*i] == state)
            .map(|(i, s)| (s, i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn step(group: u8, from: u8, to: u8, copies: bool) -> StepShape {
        StepShape {
            group: group.to_string(),
            from: format!("S{from}"),
            to: format!("S{to}"),
            copies,
        }
    }

    #[test]
    fn copies_into_one_server_wait_for_each_other_switches_do_not() {
        let steps = vec![
            step(0, 1, 4, true),
            step(1, 2, 4, true),
            step(2, 3, 5, true),
            step(3, 1, 2, false),
        ];
        let mut s = Schedule::new(steps, &[], 1);
        assert_eq!(s.ready(), vec![0, 2, 3]);
        for i in [0, 2, 3] {
            s.start(i);
        }
        assert_eq!(s.ready(), Vec::<usize>::new());
        s.finish(0);
        assert_eq!(s.ready(), vec![1]);
        let mut wider = Schedule::new(s.steps.clone(), &[], 2);
        assert_eq!(wider.ready(), vec![0, 1, 2, 3]);
        wider.start(0);
        assert_eq!(wider.ready(), vec![1, 2, 3]);
    }

    #[test]
    fn a_groups_steps_run_in_plan_order_and_resume_skips_done_ones() {
        let steps = vec![
            step(7, 1, 2, false),
            step(7, 2, 3, true),
            step(8, 4, 5, true),
        ];
        let mut s = Schedule::new(steps.clone(), &[], 1);
        assert_eq!(s.ready(), vec![0, 2]);
        s.start(0);
        assert_eq!(s.ready(), vec![2]);
        s.finish(0);
        assert_eq!(s.ready(), vec![1, 2]);
        let resumed = Schedule::new(steps, &[0, 2], 1);
        assert_eq!(resumed.ready(), vec![1]);
    }

    proptest! {
        /// Run to the end, finishing any running step at random: the limits always hold,
        /// a group's steps run one at a time in plan order, and every step runs once.
        #[test]
        fn limits_hold_and_every_step_runs(
            raw in prop::collection::vec((0u8..5, 0u8..6, 0u8..6, any::<bool>()), 1..40),
            limit in 1u32..3,
            picks in prop::collection::vec(any::<prop::sample::Index>(), 200),
        ) {
            let steps: Vec<StepShape> = raw.iter().filter(|(_, f, t, _)| f != t)
                .map(|&(g, f, t, c)| step(g, f, t, c)).collect();
            prop_assume!(!steps.is_empty());
            let mut s = Schedule::new(steps.clone(), &[], limit);
            let mut order = Vec::new();
            let mut running: Vec<usize> = Vec::new();
            let mut picks = picks.into_iter().cycle();
            while !s.is_complete() {
                for i in s.ready() {
                    s.start(i);
                    running.push(i);
                    order.push(i);
                }
                for server in 0..6u8 {
                    let name = format!("S{server}");
                    let into = running.iter().filter(|&&i| steps[i].copies && steps[i].to == name).count();
                    let out = running.iter().filter(|&&i| steps[i].copies && steps[i].from == name).count();
                    prop_assert!(into as u32 <= limit && out as u32 <= limit);
                }
                for (a, &i) in running.iter().enumerate() {
                    for &j in &running[a + 1..] {
                        prop_assert!(steps[i].group != steps[j].group, "one step per group at a time");
                    }
                }
                prop_assert!(!running.is_empty(), "something can always run");
                let k = picks.next().unwrap().index(running.len());
                s.finish(running.swap_remove(k));
            }
            let mut sorted = order.clone();
            sorted.sort();
            prop_assert_eq!(sorted, (0..steps.len()).collect::<Vec<_>>());
            for g in 0..5u8 {
                let of_group: Vec<usize> = order.iter().copied().filter(|&i| steps[i].group == g.to_string()).collect();
                prop_assert!(of_group.windows(2).all(|w| w[0] < w[1]), "plan order within a group");
            }
        }
    }
}
