//! A lower bound on the bytes any plan must move to balance as well as a given plan.
//!
//! # What is bounded
//!
//! Let the plan end with every balanced server's load (in the target's unit: bytes, or
//! shards) inside the band `[m, M]`: `M` is the most loaded balanced server after the plan,
//! `m` the least loaded. Consider **any** plan, under the same rules (no move of a group
//! that is not movable, drained servers emptied), whose result puts every balanced server
//! inside that band, i.e. is at least as even as ours. It must move at least
//! `max(OUT, IN)` bytes, where
//!
//! * `OUT` = (what must leave drained servers: all their bytes, or, when a cap stopped the
//!   drain, `cover` of what left them) + sum over balanced servers `i` of
//!   `cover(groups initially on i, L_i - M)`;
//! * `IN` = sum over balanced servers `j` of `cover(groups not initially on j, m - L_j)`;
//! * `L` is the initial load, and `cover(items, need)` is a lower bound on the bytes of a
//!   set of those groups whose weights add up to at least `need` (0 when `need <= 0`).
//!
//! # Why it is a lower bound
//!
//! Every move has exactly one source and one destination, so the bytes a plan moves equal
//! the sum over servers of the bytes that left them, and also the sum of the bytes that
//! arrived.
//!
//! * *Out.* Let `D_i` be the groups initially on server `i` that are not on it at the end,
//!   and `A_i` those on it at the end that were not there initially. Its final load is
//!   `L_i - w(D_i) + w(A_i) <= M`, so `w(D_i) >= L_i - M + w(A_i) >= L_i - M`. Each group in
//!   `D_i` left `i` in at least one move, so at least `bytes(D_i) >= cover(..., L_i - M)`
//!   bytes left `i`. A drained server must lose everything. The `D_i` of different servers
//!   are counted from different moves (the move's source), so the sum is a bound.
//! * *In.* Symmetrically, `w(A_j) >= m - L_j + w(D_j) >= m - L_j`, every group in `A_j`
//!   arrived at `j` in at least one move, and those moves have `j` as destination.
//!
//! Group granularity is what makes the bound tight: a server 1 byte above `M` whose
//! smallest group is 2 GiB must lose 2 GiB. `cover` takes the larger of
//!
//! * the fractional knapsack value (cheapest bytes per unit of weight first, the last
//!   group taken in part), which is at least `need` when balancing by bytes; and
//! * when the groups lighter than `need` cannot reach `need` together, the smallest
//!   group that reaches it alone (one of those must be in the set).
//!
//! Both are lower bounds on the cheapest exact cover, so their maximum is too. With at
//! most a dozen candidate groups, every subset is tried and `cover` is exact.
//!
//! # A server on both sides
//!
//! A server below `m` must receive at least one group, so at least the lightest group it
//! could receive (`a`); if `L_j + a > M`, it must also shed at least `L_j + a - M`. A
//! server above `M` sheds at least its lightest movable group (`d`); if `L_i - d < m`, it
//! must also receive at least `m - (L_i - d)`. Each of those is a need like the ones
//! above, counted on the same server's other side (its own moves), so `OUT` and `IN` take
//! the larger needs (`window_needs`). This is what the plain relaxation misses when a
//! server sits just below the band and every group that could come is big.
//!
//! # Up to 48 groups: the exact minimum
//!
//! With coarse groups the relaxation can be far below what is really needed (a server
//! just above `M` may have to shed a group no other server has room for, so the receiver
//! must first give something up). For at most 48 groups, an exact search (module `exact`)
//! tries every re-placement (branch and bound, pruned with this same relaxation) for the
//! fewest bytes that put every balanced server inside `[m, M]`, move order ignored,
//! looking only below what the plan moved. When that search finishes within its budget its
//! result is the true minimum (the plan's own bytes, if it found nothing below them: the
//! plan is a re-placement too), hence still a lower bound for any plan, and the bound
//! reported is the larger of the two. Once the bound is within 5% of the plan's bytes the
//! searches are not run: they could only confirm what is already near.
//!
//! # Small clusters: the cheapest plan of allowed moves
//!
//! The exact minimum above ignores the order of moves, but a plan must be made of allowed
//! moves (each improving balance, see the `planner` module documentation): a
//! re-placement that needs a move to make balance worse first cannot be a plan. With no
//! drained server, at most 16 groups and 8 balanced servers, an A* search over every
//! sequence of allowed moves from the initial placement (module `search`: cost = bytes so
//! far, estimate = this module's `max(OUT, IN)` taken from the placement reached, module
//! `estimate`, which never overstates what is left) finds the fewest bytes any such plan
//! needs to put every balanced server inside `[m, M]`; when its budget runs out first, the
//! lowest cost-plus-estimate of the placements it had not expanded (every sequence into the
//! band passes through one of them) is still a lower bound.
//!
//! The planner's own search usually did that work already: when it proved the fewest bytes
//! into a band `[lo, hi]` containing `[m, M]`, from the initial placement with no cap, that
//! number is a lower bound here too (a plan into `[m, M]` is a plan into `[lo, hi]`), and
//! the search is not repeated.
//!
//! The bound reported is the largest of the three. It is a lower bound for every plan that
//! obeys the planner's rules, which is what the planner is compared against; a plan allowed
//! to make balance worse midway could need fewer bytes, down to the exact minimum above.
//! Since `[m, M]` is the band *this* plan reaches, the bound says: no plan under the same
//! rules that leaves the cluster at least as even moves fewer bytes. The quality target is
//! that the plan moves at most 1.2 times this bound; when the search finds the plan, it
//! moves the bound, or at most 5% more.

use super::balance::band;
use super::exact::exact_band;
use super::plan::{EXACT_GROUPS, SEARCH_BUDGET, SEARCH_GROUPS, SEARCH_SERVERS};
use super::search::{cheapest_into, near, Band};
use super::state::State;

/// The bound for the plan that took `initial` to `last` (see the module documentation):
/// the largest of the relaxation, the exact re-placement minimum and the cheapest plan of
/// allowed moves, as far as the cluster is small enough for each. `proven` is what the
/// planner's own search proved, from `initial`, with no cap: the fewest bytes into a band.
/// The searches stop being tried once the bound is [`near`] the bytes the plan `moved`.
pub(crate) fn lower_bound(initial: &State, last: &State, proven: Option<Band>, moved: u64) -> u64 {
    let mut bound = relaxed_bound(initial, last);
    let (lo, hi) = band(last);
    // A plan into `[lo, hi]` is a plan into any band around it.
    let proven = proven.filter(|p| p.lo <= lo && hi <= p.hi);
    if let Some(p) = proven {
        bound = bound.max(p.bytes);
    }
    if near(moved, bound) {
        return bound;
    }
    // The exact search empties drained servers: it bounds only plans that did (a capped
    // plan may stop with a drain half done).
    let drained =
        (0..last.servers.len()).all(|s| !last.servers[s].draining || last.held[s].is_empty());
    if drained && initial.groups.len() <= EXACT_GROUPS {
        // (Looking only below what the plan moved: when nothing is found there, the plan's
        // own re-placement is the cheapest.)
        let ex = exact_band(initial, (lo, hi), moved, BOUND_BUDGET);
        if ex.complete {
            bound = bound.max(ex.found.map_or(moved, |f| f.0));
        }
    }
    let drains = initial.servers.iter().any(|s| s.draining);
    let small = initial.groups.len() <= SEARCH_GROUPS && initial.pool.len() <= SEARCH_SERVERS;
    if proven.is_none() && !drains && small {
        if let Some(c) = cheapest_into(initial, usize::MAX, (lo, hi), u64::MAX, SEARCH_BUDGET) {
            bound = bound.max(c.band.bytes);
        }
    }
    bound
}

/// The relaxation: `max(OUT, IN)` of the module documentation.
pub(crate) fn relaxed_bound(initial: &State, last: &State) -> u64 {
    let pool = &initial.pool;
    let (Some(max), Some(min)) = (
        pool.iter().map(|&i| last.load[i]).max(),
        pool.iter().map(|&i| last.load[i]).min(),
    ) else {
        return drained_out(initial, last);
    };

    // Groups that some plan under the same rules could move: movable ones, and any group
    // with a replica on a drained server (drain moves ignore sync state).
    let can_move: Vec<bool> = (0..initial.groups.len())
        .map(|g| initial.may_move(g))
        .collect();

    let mut out = drained_out(initial, last);
    let mut incoming = 0u64;
    for &i in pool {
        let on: Vec<(u64, u64)> = initial.held[i]
            .iter()
            .filter(|&&g| can_move[g])
            .map(|&g| (initial.groups[g].weight, initial.groups[g].bytes))
            .collect();
        let off: Vec<(u64, u64)> = initial
            .groups
            .iter()
            .enumerate()
            .filter(|(g, group)| can_move[*g] && !group.holds(i))
            .map(|(_, group)| (group.weight, group.bytes))
            .collect();
        let lightest = |items: &[(u64, u64)]| items.iter().map(|i| i.0).filter(|&w| w > 0).min();
        let (shed, take) = window_needs(initial.load[i], (min, max), lightest(&on), lightest(&off));
        out += cover(on, shed);
        incoming += cover(off, take);
    }
    out.max(incoming)
}

/// The weight a server with `load` must shed and the weight it must take in to end inside
/// `[lo, hi]`, given its lightest movable group (`on`) and the lightest one it could
/// receive (`off`). Beyond the plain excess and shortfall: a server below `lo` must take
/// in at least one group, at least `off` heavy, and if that carries it above `hi` it must
/// shed the difference too; symmetrically, a server above `hi` sheds at least `on`, and if
/// that drops it below `lo` it must take in the difference (module documentation, "A
/// server on both sides").
pub(crate) fn window_needs(
    load: u64,
    (lo, hi): (u64, u64),
    on: Option<u64>,
    off: Option<u64>,
) -> (u64, u64) {
    let (over, under) = (load.saturating_sub(hi), lo.saturating_sub(load));
    let shed = if under > 0 {
        let taken = under.max(off.unwrap_or(0));
        (load + taken).saturating_sub(hi)
    } else {
        over
    };
    let take = if over > 0 {
        let shed = over.max(on.unwrap_or(0));
        lo.saturating_sub(load.saturating_sub(shed))
    } else {
        under
    };
    (shed, take)
}

/// What must leave the drained servers: everything, when the plan empties them; when a
/// cap stopped the drain, at least groups weighing what left them in this plan (any plan
/// leaving them no heavier must move that much out of them).
fn drained_out(initial: &State, last: &State) -> u64 {
    (0..initial.servers.len())
        .filter(|&s| initial.servers[s].draining)
        .map(|s| {
            let items: Vec<(u64, u64)> = initial.held[s]
                .iter()
                .map(|&g| (initial.groups[g].weight, initial.groups[g].bytes))
                .collect();
            cover(items, initial.load[s].saturating_sub(last.load[s]))
        })
        .sum()
}

/// Nodes the exact search for the bound may visit.
const BOUND_BUDGET: usize = 500_000;

/// Up to this many groups, [`cover`] is exact.
const EXACT_COVER: usize = 12;

/// A lower bound on the bytes of a subset of `items` (weight, bytes) whose weights add up
/// to at least `need`.
pub(crate) fn cover(mut items: Vec<(u64, u64)>, need: u64) -> u64 {
    if need == 0 {
        return 0;
    }
    items.retain(|&(w, _)| w > 0);
    if items.len() <= EXACT_COVER {
        // Few enough to search every subset: the exact minimum.
        let total: u64 = items.iter().map(|i| i.0).sum();
        if total < need {
            return items.iter().map(|i| i.1).sum();
        }
        items.sort_by_key(|i| std::cmp::Reverse(i.0));
        let mut best = u64::MAX;
        cheapest_subset(&items, need, total, 0, 0, &mut best);
        return best;
    }
    items.sort_by(|&a, &b| by_ratio(a, b));
    relaxed_cover(items.iter().copied(), need)
}

/// The fewest bytes of a subset of `items` (heaviest first) whose weight reaches `need`,
/// into `best`: depth first, each item taken or not, giving up on a branch that can no
/// longer reach `need` (`left` is the weight of the items not yet decided) or already
/// costs as much as the best found. Bytes are never negative, so a branch stops as soon
/// as it reaches `need`.
fn cheapest_subset(
    items: &[(u64, u64)],
    need: u64,
    left: u64,
    weight: u64,
    bytes: u64,
    best: &mut u64,
) {
    if bytes >= *best {
        return;
    }
    if weight >= need {
        *best = bytes;
        return;
    }
    let Some((&(w, b), rest)) = items.split_first() else {
        return;
    };
    if weight + left < need {
        return;
    }
    cheapest_subset(rest, need, left - w, weight + w, bytes + b, best);
    cheapest_subset(rest, need, left - w, weight, bytes, best);
}

/// Orders (weight, bytes) items by bytes per unit of weight, cheapest first.
pub(crate) fn by_ratio((w1, b1): (u64, u64), (w2, b2): (u64, u64)) -> std::cmp::Ordering {
    (u128::from(b1) * u128::from(w2)).cmp(&(u128::from(b2) * u128::from(w1)))
}

/// A lower bound on the cheapest cover of `need` by `items` (weight, bytes; weights above
/// 0, in [`by_ratio`] order) without trying subsets: the larger of the fractional knapsack
/// value (the last group taken in part), and, when the groups lighter than `need` cannot
/// reach it together, the smallest group that reaches it alone (one of those must be in
/// the set). Allocation-free: the search's estimate calls it for every placement.
pub(crate) fn relaxed_cover(items: impl Iterator<Item = (u64, u64)> + Clone, need: u64) -> u64 {
    if need == 0 {
        return 0;
    }
    let mut fractional = 0u128;
    let mut left = u128::from(need);
    for (w, b) in items.clone() {
        let w = u128::from(w);
        if w >= left {
            // Part of this one: ceil(b * left / w).
            fractional += (u128::from(b) * left).div_ceil(w);
            break;
        }
        fractional += u128::from(b);
        left -= w;
    }
    // (If the items cannot reach `need`, no plan can; the sum of all is still a bound.)
    let mut bound = fractional;
    let light: u128 = items
        .clone()
        .filter(|&(w, _)| w < need)
        .map(|(w, _)| u128::from(w))
        .sum();
    if light < u128::from(need) {
        if let Some(single) = items.filter(|&(w, _)| w >= need).map(|(_, b)| b).min() {
            bound = bound.max(u128::from(single));
        }
    }
    bound.min(u128::from(u64::MAX)) as u64
}

#[cfg(test)]
mod tests {
    use super::{cover, window_needs};

    #[test]
    fn a_server_below_the_band_whose_lightest_arrival_overshoots_must_also_shed() {
        // Load 5416 in [5513, 5653]: it must take in at least 97, but the lightest group it
        // could receive weighs 516, so it ends at 5932 or more and must shed 279.
        assert_eq!(
            window_needs(5416, (5513, 5653), Some(674), Some(516)),
            (279, 97)
        );
        // A server above the band whose lightest group drops it below must take in too.
        assert_eq!(window_needs(120, (100, 110), Some(30), Some(5)), (10, 10));
        // Inside the band: nothing.
        assert_eq!(window_needs(105, (100, 110), Some(30), Some(5)), (0, 0));
        // Plain excess and shortfall when the lightest groups fit.
        assert_eq!(window_needs(130, (100, 110), Some(20), Some(5)), (20, 0));
        assert_eq!(window_needs(90, (100, 110), Some(20), Some(15)), (0, 10));
    }

    #[test]
    fn cover_searches_subsets_exactly() {
        // 7 + 5 = 12 is the cheapest reaching 11; greedy by size would take 9 + 7.
        assert_eq!(cover(vec![(9, 9), (7, 7), (5, 5), (1, 1)], 11), 12);
        // Bytes differ from weights (balancing by shard count).
        assert_eq!(cover(vec![(2, 100), (1, 10), (1, 20)], 2), 30);
    }

    #[test]
    fn cover_by_bytes_is_at_least_the_need() {
        assert_eq!(cover(vec![(5, 5), (3, 3)], 4), 5);
        assert_eq!(cover(vec![(1, 1), (3, 3)], 4), 4);
        assert_eq!(cover(vec![(1, 1), (2, 2), (3, 3)], 4), 4);
        assert_eq!(cover(vec![], 0), 0);
    }

    #[test]
    fn one_big_group_must_go_whole() {
        // Needs 1 byte gone, smallest group is 10.
        assert_eq!(cover(vec![(10, 10), (20, 20)], 1), 10);
    }

    #[test]
    fn shard_count_weights_use_the_cheapest_bytes() {
        // Need 2 shards; groups of 1 shard with 100 and 10 bytes, and 5 bytes.
        assert_eq!(cover(vec![(1, 100), (1, 10), (1, 5)], 2), 15);
    }
}
