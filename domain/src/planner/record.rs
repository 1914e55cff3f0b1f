//! The plan being built: its steps and curves, and the rule every optional move obeys.

use super::plan::{Role, StepKind};
use super::state::State;

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub group: usize,
    pub from: usize,
    pub to: usize,
    pub kind: StepKind,
    pub role: Role,
    pub mandatory: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Recorder {
    pub steps: Vec<Step>,
    pub curve: Vec<f64>,
    pub leader_curve: Vec<f64>,
    pub cap: usize,
    pub capped: bool,
}

impl Recorder {
    pub fn new(state: &State, cap: usize) -> Self {
        Recorder {
            steps: Vec::new(),
            curve: vec![state.pool_cv(&state.load)],
            leader_curve: vec![state.pool_cv(&state.leader_load)],
            cap,
            capped: false,
        }
    }

    /// False (and marks the plan capped) when no further step is allowed.
    pub fn room(&mut self) -> bool {
        if self.steps.len() >= self.cap {
            self.capped = true;
            false
        } else {
            true
        }
    }

    pub fn push(&mut self, state: &State, step: Step, cv: f64, leader_cv: f64) {
        debug_assert!((cv - state.pool_cv(&state.load)).abs() <= 1e-9);
        self.steps.push(step);
        self.curve.push(cv);
        self.leader_curve.push(leader_cv);
    }

    pub fn moved_bytes(&self, state: &State) -> u64 {
        self.steps
            .iter()
            .filter(|s| s.kind == StepKind::Move)
            .map(|s| state.groups[s.group].bytes)
            .sum()
    }
}

pub(crate) fn role_of(state: &State, g: usize, server: usize) -> Role {
    if state.groups[g].replicas[0] == server {
        Role::Leader
    } else {
        Role::Follower
    }
}

/// Records a move already applied to `state`, with the balance it leaves.
pub(crate) fn record_move(
    state: &State,
    rec: &mut Recorder,
    g: usize,
    from: usize,
    to: usize,
    role: Role,
    mandatory: bool,
) {
    let (cv, lcv) = (
        state.pool_cv(&state.load),
        state.pool_cv(&state.leader_load),
    );
    let step = Step {
        group: g,
        from,
        to,
        kind: StepKind::Move,
        role,
        mandatory,
    };
    rec.push(state, step, cv, lcv);
}

/// Records a move if it lowers the curve in floating point too; otherwise undoes it.
pub(crate) fn commit(
    state: &mut State,
    rec: &mut Recorder,
    g: usize,
    from: usize,
    to: usize,
) -> bool {
    let role = role_of(state, g, from);
    let current = *rec
        .curve
        .last()
        .expect("curve starts with the initial value");
    state.apply_move(g, from, to);
    let cv = state.pool_cv(&state.load);
    if cv < current {
        record_move(state, rec, g, from, to, role, false);
        true
    } else {
        // An improvement too small to show in floating point: not worth a move.
        // (apply_move keeps the replica's position, so a leader stays the leader.)
        state.apply_move(g, to, from);
        false
    }
}
