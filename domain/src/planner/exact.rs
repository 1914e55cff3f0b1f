//! Exact search, for small clusters: the fewest bytes any re-placement must move so that
//! every balanced server's load ends inside a band `[lo, hi]`, under the planner's rules
//! (drained servers emptied; replicas on failed servers and groups that may not move stay;
//! replicas only go to healthy servers that are not drained; one replica of a group per
//! server). The order of moves is ignored, so the minimum is a lower bound for any plan.
//!
//! Branch and bound over groups, heaviest first, each group's replica sets tried with the
//! fewest moved replicas first. A node is pruned when its cost plus the relaxation bound of
//! [`super::bounds`] for the groups still to place reaches the best complete solution. A
//! node budget keeps the time bounded; when it runs out the search reports that it is not
//! exact.

use super::bounds::{cover, window_needs};
use super::state::State;

/// The outcome of a search.
#[derive(Debug, Clone)]
pub(crate) struct Exact {
    /// The fewest bytes found below the search's `upper`, and the replica servers per
    /// group of that re-placement (the order within a group is not meaningful).
    pub found: Option<(u64, Vec<Vec<usize>>)>,
    /// The search finished: what it found is the true minimum, and when it found nothing,
    /// no re-placement into the band moves less than `upper`.
    pub complete: bool,
}

struct Search<'a> {
    state: &'a State,
    lo: u64,
    hi: u64,
    order: Vec<usize>,
    /// Per group: replicas that must stay (failed server, or a group that may not move
    /// and is not on a drained server).
    fixed: Vec<Vec<usize>>,
    /// Per group: how many replicas are free to choose.
    free: Vec<usize>,
    /// Per group: servers a free replica may use.
    allowed: Vec<Vec<usize>>,
    in_pool: Vec<bool>,
    loads: Vec<u64>,
    chosen: Vec<Vec<usize>>,
    best: u64,
    best_placement: Vec<Vec<usize>>,
    nodes: usize,
    budget: usize,
}

/// The fewest bytes into the band `[lo, hi]`, looking only below `upper` (what a known
/// way there moves, or `u64::MAX`): the less it has to look at, the sooner it is done.
pub(crate) fn exact_band(state: &State, (lo, hi): (u64, u64), upper: u64, budget: usize) -> Exact {
    let servers = state.servers.len();
    let in_pool: Vec<bool> = (0..servers).map(|s| state.servers[s].in_pool()).collect();
    let receivers: Vec<usize> = (0..servers)
        .filter(|&s| state.servers[s].can_receive())
        .collect();
    let mut fixed = Vec::with_capacity(state.groups.len());
    let mut free = Vec::with_capacity(state.groups.len());
    let mut allowed = Vec::with_capacity(state.groups.len());
    for g in &state.groups {
        let mut f = Vec::new();
        let mut k = 0;
        for &s in &g.replicas {
            let server = &state.servers[s];
            if server.draining {
                k += 1; // must move
            } else if !g.movable || !server.in_pool() {
                f.push(s);
            } else {
                k += 1;
            }
        }
        // A free replica may stay where a replica of the group is now (on a balanced
        // server that is not drained) or go to any receiver.
        let mut a: Vec<usize> = g
            .replicas
            .iter()
            .copied()
            .filter(|&s| in_pool[s] && !f.contains(&s))
            .chain(receivers.iter().copied())
            .filter(|s| !f.contains(s))
            .collect();
        a.sort_unstable();
        a.dedup();
        fixed.push(f);
        free.push(k);
        allowed.push(a);
    }
    let mut order: Vec<usize> = (0..state.groups.len()).collect();
    order.sort_by_key(|&g| (std::cmp::Reverse(state.groups[g].weight), g));
    let mut loads = vec![0u64; servers];
    for (g, f) in fixed.iter().enumerate() {
        for &s in f {
            loads[s] += state.groups[g].weight;
        }
    }
    let mut search = Search {
        state,
        lo,
        hi,
        order,
        fixed,
        free,
        allowed,
        in_pool,
        loads,
        chosen: vec![Vec::new(); state.groups.len()],
        best: upper,
        best_placement: Vec::new(),
        nodes: 0,
        budget,
    };
    search.visit(0, 0);
    Exact {
        found: (search.best < upper).then_some((search.best, search.best_placement)),
        complete: search.nodes < search.budget,
    }
}

impl Search<'_> {
    fn visit(&mut self, k: usize, cost: u64) {
        if self.nodes >= self.budget {
            return;
        }
        self.nodes += 1;
        if cost >= self.best {
            return;
        }
        if k == self.order.len() {
            let ok = (0..self.loads.len())
                .filter(|&s| self.in_pool[s])
                .all(|s| self.loads[s] >= self.lo && self.loads[s] <= self.hi);
            if ok {
                self.best = cost;
                self.best_placement = (0..self.chosen.len())
                    .map(|g| {
                        let mut p = self.fixed[g].clone();
                        p.extend(self.chosen[g].iter().copied());
                        p
                    })
                    .collect();
            }
            return;
        }
        match self.rest_bound(k) {
            Some(rest) if cost.saturating_add(rest) < self.best => {}
            _ => return,
        }
        let g = self.order[k];
        let (w, bytes) = (self.state.groups[g].weight, self.state.groups[g].bytes);
        let current = &self.state.groups[g].replicas;
        // Candidate replica sets of size free[g] from allowed[g], fewest moved first.
        let mut sets: Vec<(usize, u64, Vec<usize>)> = Vec::new();
        let mut acc = Vec::new();
        combinations(&self.allowed[g], self.free[g], 0, &mut acc, &mut |set| {
            if set
                .iter()
                .any(|&s| self.loads[s] + w > self.hi && self.in_pool[s])
            {
                return;
            }
            let moved = set.iter().filter(|s| !current.contains(s)).count();
            let after = set.iter().map(|&s| self.loads[s] + w).max().unwrap_or(0);
            sets.push((moved, after, set.to_vec()));
        });
        sets.sort();
        for (moved, _, set) in sets {
            for &s in &set {
                self.loads[s] += w;
            }
            self.chosen[g] = set;
            self.visit(k + 1, cost + moved as u64 * bytes);
            for &s in &self.chosen[g] {
                self.loads[s] -= w;
            }
            if self.nodes >= self.budget {
                break;
            }
        }
        self.chosen[g].clear();
    }

    /// A lower bound on the bytes the groups from position `k` on must move: if they all
    /// stayed, servers above `hi` must shed and servers below `lo` must receive.
    fn rest_bound(&self, k: usize) -> Option<u64> {
        let st = self.state;
        let mut stay = self.loads.clone();
        let mut must = 0u64;
        for &g in &self.order[k..] {
            let group = &st.groups[g];
            for &s in &group.replicas {
                if st.servers[s].draining {
                    must += group.bytes;
                } else if self.in_pool[s] && !self.fixed[g].contains(&s) {
                    stay[s] += group.weight;
                }
            }
        }
        let mut out = must;
        let mut incoming = 0u64;
        for (s, &load) in stay.iter().enumerate() {
            if !self.in_pool[s] || (self.lo..=self.hi).contains(&load) {
                continue;
            }
            if load < self.lo && !st.servers[s].can_receive() {
                return None;
            }
            // Groups still to place that could leave `s`, and that could come to it.
            let on: Vec<(u64, u64)> = self.order[k..]
                .iter()
                .filter(|&&g| st.groups[g].replicas.contains(&s) && !self.fixed[g].contains(&s))
                .map(|&g| (st.groups[g].weight, st.groups[g].bytes))
                .collect();
            let off: Vec<(u64, u64)> = self.order[k..]
                .iter()
                .filter(|&&g| self.free[g] > 0 && !st.groups[g].replicas.contains(&s))
                .map(|&g| (st.groups[g].weight, st.groups[g].bytes))
                .collect();
            let lightest = |items: &[(u64, u64)]| items.iter().map(|i| i.0).min();
            let (shed, take) =
                window_needs(load, (self.lo, self.hi), lightest(&on), lightest(&off));
            let weight = |items: &[(u64, u64)]| items.iter().map(|i| i.0).sum::<u64>();
            if weight(&on) < shed || weight(&off) < take {
                return None;
            }
            out += cover(on, shed);
            incoming += cover(off, take);
        }
        Some(out.max(incoming))
    }
}

/// Calls `f` with every `r`-subset of `items` (in order).
fn combinations(
    items: &[usize],
    r: usize,
    start: usize,
    acc: &mut Vec<usize>,
    f: &mut dyn FnMut(&[usize]),
) {
    if acc.len() == r {
        f(acc);
        return;
    }
    for i in start..items.len() {
        if items.len() - i < r - acc.len() {
            break;
        }
        acc.push(items[i]);
        combinations(items, r, i + 1, acc, f);
        acc.pop();
    }
}

/// The relocations (group, from, to) that turn the current placement into `placement`.
pub(crate) fn relocations_to(
    state: &State,
    placement: &[Vec<usize>],
) -> Vec<super::target::Relocation> {
    let mut out = Vec::new();
    for (g, target) in placement.iter().enumerate() {
        let current = &state.groups[g].replicas;
        let gone = current.iter().filter(|s| !target.contains(s));
        let new = target.iter().filter(|s| !current.contains(s));
        out.extend(gone.zip(new).map(|(&a, &c)| (g, a, c)));
    }
    out
}
