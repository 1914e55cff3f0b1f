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

    /// The last step is a neutral move (see [`commit_neutral`]).
    pub fn last_is_neutral(&self) -> bool {
        let n = self.curve.len();
        self.steps
            .last()
            .is_some_and(|s| s.kind == StepKind::Move && !s.mandatory)
            && n >= 2
            && self.curve[n - 1] == self.curve[n - 2]
    }

    /// Takes back the last step, a move.
    pub fn undo_last(&mut self, state: &mut State) {
        if let Some(s) = self.steps.pop() {
            state.apply_move(s.group, s.to, s.from);
            self.curve.pop();
            self.leader_curve.pop();
        }
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

/// Records a *neutral* move, `load(to) + w == load(from)`: the two servers trade their loads
/// exactly, so every balance figure stays the same and the curve repeats its last value
/// (recomputing it could differ in the last bit, the pool being summed in another order).
/// It is worth a step only as the first half of an exchange: the plan makes one only when
/// a later move improves thanks to it (module `search`), and never ends with one.
/// Returns false, changing nothing, when the move is not neutral.
pub(crate) fn commit_neutral(
    state: &mut State,
    rec: &mut Recorder,
    g: usize,
    from: usize,
    to: usize,
) -> bool {
    let w = state.groups[g].weight;
    if w == 0 || state.load[to] + w != state.load[from] || state.groups[g].holds(to) {
        return false;
    }
    let role = role_of(state, g, from);
    let cv = *rec
        .curve
        .last()
        .expect("curve starts with the initial value");
    state.apply_move(g, from, to);
    let lcv = state.pool_cv(&state.leader_load);
    let step = Step {
        group: g,
        from,
        to,
        kind: StepKind::Move,
        role,
        mandatory: false,
    };
    rec.push(state, step, cv, lcv);
    true
}
