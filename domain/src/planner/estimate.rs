//! The A* estimate of module `search`: a lower bound on the bytes still needed to bring
//! every balanced server inside a band `[lo, hi]` from a placement.
//!
//! It is the relaxation of module `bounds` taken from the placement at hand: a server
//! above `hi` must see groups it holds now leave, weighing at least its excess, and a
//! server below `lo` must receive groups it does not hold, weighing at least its
//! shortfall (or more, when the lightest group it could take or give overshoots the
//! band: [`window_needs`]); each move has one source and one destination, so the larger
//! of the two sums of covers ([`relaxed_cover`]) is a lower bound. Counting whole groups is what makes it
//! much stronger than "excess x bytes per unit of weight": a server 1 byte over its
//! ceiling must shed a whole group, and that is what the search needs to see to head for
//! the cheap moves first.
//!
//! Per server, the groups it holds are a bit mask, so a move changes the terms of two
//! servers only ([`Estimate::after_move`]).

use super::bounds::{by_ratio, relaxed_cover, window_needs};
use super::state::State;

/// Groups a mask can hold.
pub(crate) const MASK_GROUPS: usize = 64;

pub(crate) struct Estimate {
    lo: u64,
    hi: u64,
    /// (weight, bytes) of every group.
    items: Vec<(u64, u64)>,
    /// Groups that may move (movable, weight above 0), in [`by_ratio`] order.
    order: Vec<usize>,
    in_pool: Vec<bool>,
}

/// The estimate's terms for one placement: per server, bytes that must leave it and bytes
/// that must arrive, and their sums.
#[derive(Clone)]
pub(crate) struct Terms {
    out: Vec<u64>,
    incoming: Vec<u64>,
    out_sum: u64,
    in_sum: u64,
}

impl Terms {
    pub fn value(&self) -> u64 {
        self.out_sum.max(self.in_sum)
    }
}

impl Estimate {
    /// `None` when the cluster has more groups than a mask holds.
    pub fn new(state: &State, lo: u64, hi: u64) -> Option<Self> {
        if state.groups.len() > MASK_GROUPS {
            return None;
        }
        let items: Vec<(u64, u64)> = state.groups.iter().map(|g| (g.weight, g.bytes)).collect();
        let mut order: Vec<usize> = (0..items.len())
            .filter(|&g| state.groups[g].movable && items[g].0 > 0)
            .collect();
        order.sort_by(|&a, &b| by_ratio(items[a], items[b]).then(a.cmp(&b)));
        let in_pool = state.servers.iter().map(|s| s.in_pool()).collect();
        Some(Estimate {
            lo,
            hi,
            items,
            order,
            in_pool,
        })
    }

    /// Bytes that must leave server `s` and bytes that must arrive at it, when it holds
    /// `mask` and carries `load` ([`window_needs`]).
    fn server(&self, s: usize, mask: u64, load: u64) -> (u64, u64) {
        if !self.in_pool[s] || (self.lo..=self.hi).contains(&load) {
            return (0, 0);
        }
        let held = |g: &&usize| mask >> **g & 1 == 1;
        let other = |g: &&usize| mask >> **g & 1 == 0;
        let lightest = |f: &dyn Fn(&&usize) -> bool| {
            self.order.iter().filter(f).map(|&g| self.items[g].0).min()
        };
        let (shed, take) =
            window_needs(load, (self.lo, self.hi), lightest(&held), lightest(&other));
        (
            relaxed_cover(self.order.iter().filter(held).map(|&g| self.items[g]), shed),
            relaxed_cover(
                self.order.iter().filter(other).map(|&g| self.items[g]),
                take,
            ),
        )
    }

    /// The terms of a placement given as each server's mask and load.
    pub fn terms(&self, masks: &[u64], loads: &[u64]) -> Terms {
        let (out, incoming): (Vec<u64>, Vec<u64>) = (0..masks.len())
            .map(|s| self.server(s, masks[s], loads[s]))
            .unzip();
        Terms {
            out_sum: out.iter().sum(),
            in_sum: incoming.iter().sum(),
            out,
            incoming,
        }
    }

    /// The estimate after group `g` moves from `a` to `c` in the placement of `terms`
    /// (`masks` and `loads` before the move).
    pub fn after_move(
        &self,
        terms: &Terms,
        masks: &[u64],
        loads: &[u64],
        (g, a, c): (usize, usize, usize),
    ) -> u64 {
        let w = self.items[g].0;
        let bit = 1u64 << g;
        let (ma, la) = (masks[a] & !bit, loads[a] - w);
        let (mc, lc) = (masks[c] | bit, loads[c] + w);
        let (out_a, in_a) = self.server(a, ma, la);
        let (out_c, in_c) = self.server(c, mc, lc);
        let out = terms.out_sum - terms.out[a] - terms.out[c] + out_a + out_c;
        let incoming = terms.in_sum - terms.incoming[a] - terms.incoming[c] + in_a + in_c;
        out.max(incoming)
    }
}

/// Each server's mask of the groups it holds, from a flattened placement (`offsets` and
/// `sizes` locate each group's replica servers).
pub(crate) fn masks_of(
    placement: &[u16],
    offsets: &[usize],
    sizes: &[usize],
    servers: usize,
) -> Vec<u64> {
    let mut masks = vec![0u64; servers];
    for (g, (&o, &n)) in offsets.iter().zip(sizes).enumerate() {
        for &s in &placement[o..o + n] {
            masks[usize::from(s)] |= 1u64 << g;
        }
    }
    masks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(groups: &[(&str, u64)]) -> State {
        State::of_groups(&["A", "B"], groups)
    }

    #[test]
    fn a_server_just_above_the_ceiling_must_shed_a_whole_group() {
        // A: 10 + 6 = 16, B: 4. Band [9, 11]: A is 5 over, and its smallest group is 6.
        let s = state(&[("A", 10), ("A", 6), ("B", 4)]);
        let e = Estimate::new(&s, 9, 11).expect("few groups");
        let masks = masks_of(&[0, 0, 1], &[0, 1, 2], &[1, 1, 1], 2);
        assert_eq!(e.terms(&masks, &s.load).value(), 6);
    }

    #[test]
    fn the_estimate_after_a_move_equals_the_estimate_of_the_placement_it_makes() {
        let s = state(&[("A", 10), ("A", 6), ("B", 4), ("B", 3)]);
        let e = Estimate::new(&s, 10, 12).expect("few groups");
        let masks = masks_of(&[0, 0, 1, 1], &[0, 1, 2, 3], &[1, 1, 1, 1], 2);
        let terms = e.terms(&masks, &s.load);
        // Group 1 (6) from A to B.
        let quick = e.after_move(&terms, &masks, &s.load, (1, 0, 1));
        let moved = masks_of(&[0, 1, 1, 1], &[0, 1, 2, 3], &[1, 1, 1, 1], 2);
        let loads = [s.load[0] - 6, s.load[1] + 6];
        assert_eq!(quick, e.terms(&moved, &loads).value());
    }
}
