//! Phase 2 of the algorithm: improving moves (see [`super::plan`] for the overview).

use super::record::{commit, Recorder};
use super::state::State;
use super::target::Relocation;

/// Phase 2a: executes cap-directed relocations as improving moves, most loaded source
/// first; those that would no longer improve are dropped.
pub(crate) fn follow(state: &mut State, rec: &mut Recorder, mut pending: Vec<Relocation>) {
    loop {
        if pending.is_empty() || !rec.room() {
            return;
        }
        // (source load, margin, position): the most loaded source, then the widest margin,
        // then the first listed.
        let mut best: Option<(u64, u64, usize)> = None;
        for (k, &(g, a, c)) in pending.iter().enumerate() {
            let group = &state.groups[g];
            if !group.holds(a) || group.holds(c) {
                continue;
            }
            let (la, lc, w) = (state.load[a], state.load[c], group.weight);
            if lc + w >= la {
                continue;
            }
            let margin = la - lc - w;
            if best.is_none_or(|(bl, bm, _)| (la, margin) > (bl, bm)) {
                best = Some((la, margin, k));
            }
        }
        let Some((_, _, k)) = best else {
            return;
        };
        let (g, a, c) = pending.remove(k);
        commit(state, rec, g, a, c);
    }
}

/// Phase 2b: improving moves that narrow the band (from a most loaded server, or to a
/// least loaded one) until none is left (or the cap). Moves that keep both servers on
/// their side of the mean are preferred (largest first); then the move leaving the pair
/// most even.
/// How the greedy chooses its moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    /// Only moves from a most loaded server or to a least loaded one.
    pub band_only: bool,
    /// Prefer moves that keep both servers on their side of the mean.
    pub fit_first: bool,
}

pub(crate) fn greedy(state: &mut State, rec: &mut Recorder, policy: Policy) {
    let band_only = policy.band_only;
    let pool = state.pool.clone();
    let receivers: Vec<usize> = pool
        .iter()
        .copied()
        .filter(|&s| state.servers[s].can_receive())
        .collect();
    if pool.len() < 2 || receivers.is_empty() {
        return;
    }
    let n = pool.len() as u128;
    let total: u128 = pool.iter().map(|&s| u128::from(state.load[s])).sum();
    let mut sources = pool.clone();
    let mut sinks = receivers;
    let mut rejected: Vec<(usize, usize, usize)> = Vec::new();
    loop {
        if !rec.room() {
            return;
        }
        sources.sort_by_key(|&s| (std::cmp::Reverse(state.load[s]), s));
        sinks.sort_by_key(|&s| (state.load[s], s));
        let max = state.load[sources[0]];
        let min = pool.iter().map(|&s| state.load[s]).min().unwrap_or(0);
        let mut found = None;
        let passes: &[bool] = if policy.fit_first {
            &[true, false]
        } else {
            &[false]
        };
        'search: for &fit in passes {
            for &a in &sources {
                let la = state.load[a];
                if la == 0 || (fit && u128::from(la) * n <= total) {
                    // Nothing left above the mean: no fitting move from here on.
                    break;
                }
                // The lightest group `a` could move bounds what can fit.
                let lightest = state.held[a]
                    .iter()
                    .filter(|&&g| state.groups[g].movable && state.groups[g].weight > 0)
                    .map(|&g| state.groups[g].weight)
                    .min();
                let Some(lightest) = lightest else {
                    continue;
                };
                for &c in &sinks {
                    let lc = state.load[c];
                    if lc >= la || lc + lightest >= la {
                        break;
                    }
                    if band_only && la != max && lc != min {
                        // Only moves to a least-loaded server remain for this source.
                        break;
                    }
                    if fit && total.saturating_sub(u128::from(lc) * n) < u128::from(lightest) * n {
                        // Sinks only get fuller from here: nothing fits below the mean.
                        break;
                    }
                    if c == a {
                        continue;
                    }
                    let g = if fit {
                        pick_fit(state, a, c, n, total, &rejected)
                    } else {
                        pick_even(state, a, c, &rejected)
                    };
                    if let Some(g) = g {
                        found = Some((g, a, c));
                        break 'search;
                    }
                }
            }
        }
        let Some((g, a, c)) = found else {
            return;
        };
        if commit(state, rec, g, a, c) {
            rejected.clear();
        } else {
            rejected.push((g, a, c));
        }
    }
}

/// Groups of `a` that may move to `c` and improve balance.
fn movable_to<'a>(
    state: &'a State,
    a: usize,
    c: usize,
    rejected: &'a [(usize, usize, usize)],
) -> impl Iterator<Item = usize> + 'a {
    let diff = state.load[a] - state.load[c];
    state.held[a].iter().copied().filter(move |&g| {
        let group = &state.groups[g];
        group.movable
            && group.weight > 0
            && group.weight < diff
            && !group.holds(c)
            && !rejected.contains(&(g, a, c))
    })
}

/// The largest group of `a` that leaves neither `a` below nor `c` above the mean (ties:
/// fewer bytes, then lower index).
fn pick_fit(
    state: &State,
    a: usize,
    c: usize,
    n: u128,
    total: u128,
    rejected: &[(usize, usize, usize)],
) -> Option<usize> {
    // Distances to the mean, scaled by n to stay in integers.
    let gap_a = (u128::from(state.load[a]) * n).saturating_sub(total);
    let gap_c = total.saturating_sub(u128::from(state.load[c]) * n);
    let fit = gap_a.min(gap_c);
    movable_to(state, a, c, rejected)
        .filter(|&g| u128::from(state.groups[g].weight) * n <= fit)
        .max_by_key(|&g| {
            let group = &state.groups[g];
            (
                group.weight,
                std::cmp::Reverse(group.bytes),
                std::cmp::Reverse(g),
            )
        })
}

/// The group of `a` whose move leaves the pair most even (ties: lighter, fewer bytes,
/// lower index).
fn pick_even(
    state: &State,
    a: usize,
    c: usize,
    rejected: &[(usize, usize, usize)],
) -> Option<usize> {
    let (la, lc) = (state.load[a], state.load[c]);
    movable_to(state, a, c, rejected).min_by_key(|&g| {
        let group = &state.groups[g];
        let w = group.weight;
        ((la - w).max(lc + w), w, group.bytes, g)
    })
}

/// What copying all the stored data once costs in max/mean when candidate plans are
/// compared (see [`key`]).
pub(crate) const BYTE_PRICE: f64 = 0.2;

/// How a finished candidate plan ranks (lower is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Key {
    /// `max/mean + BYTE_PRICE * bytes moved / bytes stored` (target load for max/mean).
    score: f64,
    min: u64,
    bytes: u64,
    steps: usize,
}

impl Key {
    pub(crate) fn better_than(&self, other: &Key) -> bool {
        self.score
            .total_cmp(&other.score)
            .then(other.min.cmp(&self.min))
            .then(self.bytes.cmp(&other.bytes))
            .then(self.steps.cmp(&other.steps))
            .is_lt()
    }
}

/// The rank of a candidate: its max/mean (in the target's unit) plus [`BYTE_PRICE`] times
/// the share of the stored bytes it moves. A plan that copies 10% more of the data must be
/// 0.02 better in max/mean to win: balance first, but no large copies for tiny gains.
/// Ties: higher min, fewer bytes, fewer steps.
pub(crate) fn key(initial: &State, state: &State, rec: &Recorder) -> Key {
    let loads = state.pool.iter().map(|&i| state.load[i]);
    let max = loads.clone().max().unwrap_or(0);
    let min = loads.clone().min().unwrap_or(0);
    let total: u64 = loads.sum();
    let n = state.pool.len().max(1) as f64;
    let balance = if total > 0 {
        max as f64 * n / total as f64
    } else {
        1.0
    };
    let stored: u64 = initial
        .groups
        .iter()
        .map(|g| g.bytes * g.replicas.len() as u64)
        .sum();
    let bytes = rec.moved_bytes(state);
    let price = if stored > 0 {
        BYTE_PRICE * bytes as f64 / stored as f64
    } else {
        0.0
    };
    Key {
        score: balance + price,
        min,
        bytes,
        steps: rec.steps.len(),
    }
}

/// Every move that improves balance from here: (group, from, to), most even pair first.
fn improving_moves(state: &State) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for &a in &state.pool {
        let la = state.load[a];
        for &g in &state.held[a] {
            let group = &state.groups[g];
            let w = group.weight;
            if !group.movable || w == 0 || w >= la {
                continue;
            }
            for &c in &state.pool {
                let lc = state.load[c];
                if c != a && state.servers[c].can_receive() && lc + w < la && !group.holds(c) {
                    out.push(((la - w).max(lc + w), g, a, c));
                }
            }
        }
    }
    out.sort_unstable();
    out.into_iter().map(|(_, g, a, c)| (g, a, c)).collect()
}

/// Phase 2c, for small clusters: a pilot search. At each step every improving move is
/// tried, completed by the greedy (a rollout), and the move whose rollout ends best is
/// taken; the best complete plan seen is kept, so the result is never worse than the
/// greedy's. `budget` caps the number of rollouts.
pub(crate) fn pilot(
    initial: &State,
    state: &mut State,
    rec: &mut Recorder,
    policy: Policy,
    mut budget: usize,
) {
    let rollout = |s: &State, r: &Recorder| {
        let (mut s, mut r) = (s.clone(), r.clone());
        greedy(&mut s, &mut r, policy);
        (s, r)
    };
    let mut best = rollout(state, rec);
    let mut best_key = key(initial, &best.0, &best.1);
    while budget > 0 && rec.steps.len() < rec.cap {
        let mut choice: Option<(Key, (usize, usize, usize))> = None;
        for (g, a, c) in improving_moves(state) {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let (mut s, mut r) = (state.clone(), rec.clone());
            if !commit(&mut s, &mut r, g, a, c) {
                continue;
            }
            let (fs, fr) = rollout(&s, &r);
            let k = key(initial, &fs, &fr);
            if choice.as_ref().is_none_or(|(ck, _)| k.better_than(ck)) {
                choice = Some((k, (g, a, c)));
            }
            if k.better_than(&best_key) {
                best_key = k;
                best = (fs, fr);
            }
        }
        let Some((_, (g, a, c))) = choice else {
            break;
        };
        commit(state, rec, g, a, c);
    }
    *state = best.0;
    *rec = best.1;
}

/// The lowest and highest load over the balanced servers.
pub(crate) fn band(state: &State) -> (u64, u64) {
    let loads = state.pool.iter().map(|&i| state.load[i]);
    (loads.clone().min().unwrap_or(0), loads.max().unwrap_or(0))
}
