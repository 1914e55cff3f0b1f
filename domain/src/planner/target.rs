//! Cap-directed relocation: for a load cap `M`, a cheap set of replica relocations that
//! brings every balanced server to at most `M`, found by choosing, per overloaded server,
//! the cheapest set of groups covering its excess (fewest bytes) and placing them, largest
//! first, on the receiver with the most room below `M` that does not hold the group.
//! [`best_relocations`] searches the smallest `M` for which that succeeds.
//!
//! Every relocation goes from a server that only loses to one that only gains, so no byte
//! is moved twice, and as long as a source is above `M` each of its relocations is an
//! improving move (the receiver ends at most at `M`). The plan executes them in that order.

use super::state::State;

/// A relocation: group, from, to.
pub(crate) type Relocation = (usize, usize, usize);

/// Subsets are enumerated exactly up to this many candidate groups.
const EXACT: usize = 10;

/// Placement failures tolerated (each excludes the group and retries) before a cap is
/// declared infeasible.
const RETRIES: usize = 4;

/// The relocations for the smallest cap found feasible, with that cap; `None` when the
/// current max cannot be lowered this way.
pub(crate) fn best_relocations(state: &State) -> Option<(u64, Vec<Relocation>)> {
    let pool = &state.pool;
    if pool.len() < 2 {
        return None;
    }
    let current = pool.iter().map(|&s| state.load[s]).max()?;
    let total: u64 = pool.iter().map(|&s| state.load[s]).sum();
    let n = pool.len() as u64;
    // No placement has a max below the mean or below a group that must sit somewhere.
    let heaviest = state
        .groups
        .iter()
        .filter(|g| g.replicas.iter().any(|&s| state.servers[s].in_pool()))
        .map(|g| g.weight)
        .max()
        .unwrap_or(0);
    let mut lo = total.div_ceil(n).max(heaviest);
    if lo >= current {
        return None;
    }
    let mut hi = current; // feasible with nothing moved
    let mut best: Option<(u64, Vec<Relocation>)> = None;
    // Try the ideal first: often feasible when groups are small.
    if let Some(r) = relocations_for_cap(state, lo) {
        return Some((lo, r));
    }
    lo += 1;
    // A thousandth of the mean is precise enough (and keeps the search to ~15 probes).
    let precision = (total / n / 1000).max(1);
    while lo + precision <= hi {
        let mid = lo + (hi - lo) / 2;
        match relocations_for_cap(state, mid) {
            Some(r) => {
                hi = mid;
                best = Some((mid, r));
            }
            None => lo = mid + 1,
        }
    }
    best
}

/// Relocations bringing every balanced server to at most `cap`, or `None`.
pub(crate) fn relocations_for_cap(state: &State, cap: u64) -> Option<Vec<Relocation>> {
    let sources: Vec<usize> = state
        .pool
        .iter()
        .copied()
        .filter(|&s| state.load[s] > cap)
        .collect();
    if sources.is_empty() {
        return Some(Vec::new());
    }
    let sinks: Vec<usize> = state
        .pool
        .iter()
        .copied()
        .filter(|&s| state.load[s] <= cap && state.servers[s].can_receive())
        .collect();
    let mut excluded: Vec<(usize, usize)> = Vec::new();
    'attempt: for _ in 0..=RETRIES {
        // 1. What each source sheds.
        let mut shed: Vec<(usize, usize)> = Vec::new(); // (group, from)
        for &a in &sources {
            let need = state.load[a] - cap;
            let candidates: Vec<usize> = state.held[a]
                .iter()
                .copied()
                .filter(|&g| {
                    state.groups[g].movable
                        && state.groups[g].weight > 0
                        && !excluded.contains(&(g, a))
                })
                .collect();
            let chosen = cheapest_cover(state, &candidates, need)?;
            shed.extend(chosen.into_iter().map(|g| (g, a)));
        }
        // 2. Where it goes: largest first, to the sink with the most room.
        shed.sort_by(|&(g1, a1), &(g2, a2)| {
            let (x, y) = (&state.groups[g1], &state.groups[g2]);
            y.weight
                .cmp(&x.weight)
                .then(y.bytes.cmp(&x.bytes))
                .then(g1.cmp(&g2))
                .then(a1.cmp(&a2))
        });
        let mut load = state.load.clone();
        // Servers that will hold each moved group, beyond its current replicas.
        let mut added: Vec<Vec<usize>> = vec![Vec::new(); state.groups.len()];
        let mut out = Vec::with_capacity(shed.len());
        for &(g, a) in &shed {
            let w = state.groups[g].weight;
            let to = sinks
                .iter()
                .copied()
                .filter(|&s| {
                    load[s] + w <= cap && !state.groups[g].holds(s) && !added[g].contains(&s)
                })
                .max_by_key(|&s| (cap - load[s], std::cmp::Reverse(s)));
            match to {
                Some(c) => {
                    load[c] += w;
                    load[a] -= w;
                    added[g].push(c);
                    out.push((g, a, c));
                }
                None => {
                    excluded.push((g, a));
                    continue 'attempt;
                }
            }
        }
        return Some(out);
    }
    None
}

/// The cheapest (fewest bytes, then fewest groups) subset of `candidates` whose weights add
/// up to at least `need`, by exact search for small sets and greedy heuristics otherwise.
fn cheapest_cover(state: &State, candidates: &[usize], need: u64) -> Option<Vec<usize>> {
    let weight = |g: usize| state.groups[g].weight;
    let bytes = |g: usize| state.groups[g].bytes;
    let total: u64 = candidates.iter().map(|&g| weight(g)).sum();
    if total < need {
        return None;
    }
    let cost = |set: &[usize]| -> (u64, usize) { (set.iter().map(|&g| bytes(g)).sum(), set.len()) };
    let mut best: Option<(u64, usize, Vec<usize>)> = None;
    let mut consider = |set: Vec<usize>| {
        let (c, k) = cost(&set);
        if best.as_ref().is_none_or(|b| (c, k) < (b.0, b.1)) {
            best = Some((c, k, set));
        }
    };
    if candidates.len() <= EXACT {
        let m = candidates.len();
        for mask in 1u32..(1u32 << m) {
            let mut w = 0u64;
            let mut set = Vec::new();
            for (i, &g) in candidates.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    w += weight(g);
                    set.push(g);
                }
            }
            if w >= need {
                consider(set);
            }
        }
        return best.map(|b| b.2);
    }
    // A single group.
    if let Some(&g) = candidates
        .iter()
        .filter(|&&g| weight(g) >= need)
        .min_by_key(|&&g| (bytes(g), weight(g), g))
    {
        consider(vec![g]);
    }
    // Largest first while it fits, then the smallest that closes the gap.
    let mut by_weight: Vec<usize> = candidates.to_vec();
    by_weight.sort_by_key(|&g| (std::cmp::Reverse(weight(g)), bytes(g), g));
    consider(fill(&by_weight, need, weight));
    // Cheapest bytes per unit of weight first.
    let mut by_ratio: Vec<usize> = candidates.to_vec();
    by_ratio.sort_by(|&a, &b| {
        (u128::from(bytes(a)) * u128::from(weight(b)))
            .cmp(&(u128::from(bytes(b)) * u128::from(weight(a))))
            .then(a.cmp(&b))
    });
    consider(fill(&by_ratio, need, weight));
    best.map(|b| b.2)
}

/// Takes groups in `order` while they do not overshoot `need`, then closes the remaining
/// gap with the lightest group that does, then drops what became unnecessary.
fn fill(order: &[usize], need: u64, weight: impl Fn(usize) -> u64) -> Vec<usize> {
    let mut taken = vec![false; order.len()];
    let mut left = need;
    for (i, &g) in order.iter().enumerate() {
        if left == 0 {
            break;
        }
        if weight(g) <= left {
            taken[i] = true;
            left -= weight(g);
        }
    }
    if left > 0 {
        let closer = (0..order.len())
            .filter(|&i| !taken[i] && weight(order[i]) >= left)
            .min_by_key(|&i| (weight(order[i]), order[i]));
        match closer {
            Some(i) => taken[i] = true,
            None => {
                for i in (0..order.len()).rev() {
                    if left == 0 {
                        break;
                    }
                    if !taken[i] {
                        taken[i] = true;
                        left = left.saturating_sub(weight(order[i]));
                    }
                }
            }
        }
    }
    // Drop the heaviest groups that are no longer needed.
    let mut chosen: Vec<usize> = (0..order.len())
        .filter(|&i| taken[i])
        .map(|i| order[i])
        .collect();
    let mut sum: u64 = chosen.iter().map(|&g| weight(g)).sum();
    chosen.sort_by_key(|&g| (std::cmp::Reverse(weight(g)), g));
    let mut kept = Vec::with_capacity(chosen.len());
    for &g in &chosen {
        if sum - weight(g) >= need {
            sum -= weight(g);
        } else {
            kept.push(g);
        }
    }
    kept
}
