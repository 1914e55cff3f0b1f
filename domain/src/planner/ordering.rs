//! Turning a re-placement into a plan: an order of its relocations in which every move
//! improves balance.
//!
//! The exact search (module `exact`) finds the fewest bytes that put every server inside
//! a band, move order ignored. Often some order of exactly those relocations is a plan
//! (each move `load(c) + w < load(a)`), and then no plan can move fewer bytes. Which
//! order is not obvious: a move may only become allowed once another has made room, and a
//! group leaving two servers for two others may pair them either way. A depth-first
//! search over the relocations still to make finds one, remembering placements it has
//! already seen fail, within a budget.

use std::collections::HashSet;

use super::search::Step;
use super::state::State;

struct Walk<'a> {
    state: &'a State,
    /// Per group: the servers it must end on.
    target: &'a [Vec<usize>],
    /// Per group: the servers it is on now (sorted).
    now: Vec<Vec<usize>>,
    loads: Vec<u64>,
    path: Vec<Step>,
    failed: HashSet<Vec<Vec<usize>>>,
    nodes: usize,
    budget: usize,
}

/// An order of the relocations from `state`'s placement to `target` (per group, the
/// servers it ends on) in which each move improves balance, if the search finds one
/// visiting at most `budget` placements.
pub(crate) fn improving_order(
    state: &State,
    target: &[Vec<usize>],
    budget: usize,
) -> Option<Vec<Step>> {
    let now = state
        .groups
        .iter()
        .map(|g| {
            let mut r = g.replicas.clone();
            r.sort_unstable();
            r
        })
        .collect();
    let mut walk = Walk {
        state,
        target,
        now,
        loads: state.load.clone(),
        path: Vec::new(),
        failed: HashSet::new(),
        nodes: 0,
        budget,
    };
    walk.visit().then_some(walk.path)
}

impl Walk<'_> {
    /// The moves allowed now that bring a group closer to its target, from the most
    /// loaded source first (as [`super::balance::follow`] would take them).
    fn moves(&self) -> Vec<Step> {
        let mut moves = Vec::new();
        for (g, now) in self.now.iter().enumerate() {
            let target = &self.target[g];
            let w = self.state.groups[g].weight;
            for &a in now.iter().filter(|s| !target.contains(s)) {
                for &c in target.iter().filter(|s| !now.contains(s)) {
                    if self.loads[c] + w < self.loads[a] {
                        moves.push((g, a, c));
                    }
                }
            }
        }
        moves.sort_by_key(|&(g, a, c)| {
            let w = self.state.groups[g].weight;
            (
                std::cmp::Reverse(self.loads[a]),
                std::cmp::Reverse(self.loads[a] - self.loads[c] - w),
                g,
                c,
            )
        });
        moves
    }

    fn done(&self) -> bool {
        self.now.iter().zip(self.target).all(|(now, target)| {
            now.len() == target.len() && target.iter().all(|s| now.contains(s))
        })
    }

    fn visit(&mut self) -> bool {
        if self.done() {
            return true;
        }
        if self.nodes >= self.budget || self.failed.contains(&self.now) {
            return false;
        }
        self.nodes += 1;
        for (g, a, c) in self.moves() {
            let w = self.state.groups[g].weight;
            self.apply(g, a, c, w);
            self.path.push((g, a, c));
            if self.visit() {
                return true;
            }
            self.path.pop();
            self.apply(g, c, a, w);
        }
        self.failed.insert(self.now.clone());
        false
    }

    fn apply(&mut self, g: usize, from: usize, to: usize, w: u64) {
        let now = &mut self.now[g];
        if let Some(x) = now.iter_mut().find(|x| **x == from) {
            *x = to;
        }
        now.sort_unstable();
        self.loads[from] -= w;
        self.loads[to] += w;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(servers: &[&str], groups: &[(&str, u64)]) -> State {
        State::of_groups(servers, groups)
    }

    #[test]
    fn a_move_waits_until_another_has_made_room() {
        // A {10, 4}, B {8}, C empty; target: 4 to B, 8 to C. 8 to C first is not an
        // improvement (0 + 8 is not below 8); 4 to B is (8 + 4 < 14), and then 8 to C is
        // (0 + 8 < 12).
        let s = state(&["A", "B", "C"], &[("A", 10), ("A", 4), ("B", 8)]);
        let target = vec![vec![0], vec![1], vec![2]];
        let order = improving_order(&s, &target, 1_000).expect("an order exists");
        assert_eq!(order, vec![(1, 0, 1), (2, 1, 2)]);
    }

    #[test]
    fn no_order_when_every_first_move_makes_it_worse() {
        // A {6, 4}, B {5, 3}: swapping 4 and 3 gives 9/9, but either first move leaves
        // a server at 12 or 13.
        let s = state(&["A", "B"], &[("A", 6), ("A", 4), ("B", 5), ("B", 3)]);
        let target = vec![vec![0], vec![1], vec![1], vec![0]];
        assert_eq!(improving_order(&s, &target, 1_000), None);
    }
}
