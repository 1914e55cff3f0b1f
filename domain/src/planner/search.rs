//! Exhaustive search over the moves a plan may make, for small clusters.
//!
//! A plan's optional moves each lower the balance curve or, for a *neutral* move
//! (`load(c) + w(g) == load(a)`), leave it flat: a neutral move makes the two servers trade
//! their loads exactly, so no balance figure changes, but it can open an improving move
//! that did not exist before (the first half of an exchange; see
//! [`super::record::commit_neutral`]). Placements reachable by such moves are explored
//! cheapest first (by bytes moved, like Dijkstra's algorithm), each reached by its
//! cheapest sequence. A search that finishes within its budget has seen every placement
//! any plan obeying the same rules can reach, with the fewest bytes that reach it (up to a
//! 64-bit key collision, see [`explore`]).
//!
//! [`best_sequence`] picks the plan to run; [`cheapest_in_band`] is the byte bound of
//! [`super::bounds`] for small clusters.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::record::{commit, commit_neutral, Recorder};
use super::state::State;

/// A move: group, from, to.
type Step = (usize, usize, usize);

struct Node {
    parent: usize,
    step: Step,
    bytes: u64,
    steps: usize,
    /// The placement's key ([`zobrist`]).
    key: u64,
    /// Replica servers per group (sorted within each group), flattened, and loads: only
    /// for placements that were expanded (the others are rebuilt from their parent).
    data: Option<(Vec<u16>, Vec<u64>)>,
}

/// The order in which [`explore`] visits placements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Fewest bytes first, aimed at the band `[lo, hi]` (A* search): by bytes so far plus
    /// a lower bound on the bytes still needed to bring every balanced server inside, so
    /// the first placement popped inside the band is reached by the cheapest sequence.
    Bytes { lo: u64, hi: u64 },
    /// Lowest max first, then lowest sum of squared loads, then fewest bytes: finds how
    /// even a plan can get quickly (along any sequence both only fall).
    Balance,
}

/// The explored graph: every placement popped, in order of bytes.
struct Explored {
    nodes: Vec<Node>,
    /// Ids of the placements popped (each by its cheapest sequence).
    popped: Vec<usize>,
    /// When the budget ran out: the fewest bytes of any placement not popped.
    frontier: Option<u64>,
}

/// Moves the replica of the group in `slots` from `a` to `c` and keeps the slots sorted.
fn relocate(placement: &mut [u16], slots: std::ops::Range<usize>, a: usize, c: usize) {
    let part = &mut placement[slots];
    for x in part.iter_mut() {
        if *x == a as u16 {
            *x = c as u16;
        }
    }
    part.sort_unstable();
}

/// A random-looking 64-bit key for "a replica of group `g` on server `s`" (SplitMix64):
/// a placement's key is the XOR of its replicas' keys, so a move updates it in O(1).
fn zobrist(g: usize, s: usize) -> u64 {
    let mut z = ((g as u64) << 16 | s as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Explores placements from `state` by allowed moves (improving or neutral) in order of
/// bytes, at most `budget` expansions and `cap_left` moves deep. `stop` sees each popped
/// placement's loads and bytes and ends the search by returning true.
///
/// Placements are recognised by a 64-bit key ([`zobrist`]); two placements sharing a key
/// (odds about 1e-11 at the largest budget) would make the search skip one.
fn explore(
    state: &State,
    order: Order,
    cap_left: usize,
    budget: usize,
    mut stop: impl FnMut(&[u64], u64) -> bool,
) -> Explored {
    // Bytes per unit of weight, at least (1 when balancing by bytes).
    let ratio = state
        .groups
        .iter()
        .filter(|g| g.movable && g.weight > 0)
        .map(|g| g.bytes / g.weight)
        .min()
        .unwrap_or(0);
    let priority = |loads: &[u64], bytes: u64| -> (u64, u128, u64) {
        match order {
            Order::Bytes { lo, hi } => {
                // A move lowers the total excess above `hi` by at most its weight, and the
                // total shortfall below `lo` too, and costs at least weight x ratio bytes:
                // the estimate never overstates what is left, and never falls by more than
                // a move costs, so the first placement popped in the band is the cheapest.
                let (mut over, mut under) = (0u64, 0u64);
                for &i in &state.pool {
                    over += loads[i].saturating_sub(hi);
                    under += lo.saturating_sub(loads[i]);
                }
                let rest = over.max(under).saturating_mul(ratio);
                (bytes.saturating_add(rest), 0, bytes)
            }
            Order::Balance => {
                let max = state.pool.iter().map(|&i| loads[i]).max().unwrap_or(0);
                let squares = state
                    .pool
                    .iter()
                    .map(|&i| u128::from(loads[i]) * u128::from(loads[i]))
                    .sum();
                (max, squares, bytes)
            }
        }
    };
    let groups = &state.groups;
    let offsets: Vec<usize> = groups
        .iter()
        .scan(0, |acc, g| {
            let o = *acc;
            *acc += g.replicas.len();
            Some(o)
        })
        .collect();
    let mut start = Vec::new();
    let mut start_key = 0u64;
    for (g, group) in groups.iter().enumerate() {
        let mut r: Vec<u16> = group.replicas.iter().map(|&s| s as u16).collect();
        r.sort_unstable();
        start_key ^= group.replicas.iter().fold(0, |k, &s| k ^ zobrist(g, s));
        start.extend(r);
    }
    let receivers: Vec<usize> = state
        .pool
        .iter()
        .copied()
        .filter(|&s| state.servers[s].can_receive())
        .collect();
    let in_pool: Vec<bool> = (0..state.servers.len())
        .map(|s| state.servers[s].in_pool())
        .collect();
    let mut cheapest: HashMap<u64, u64> = HashMap::new();
    cheapest.insert(start_key, 0);
    let mut nodes = vec![Node {
        parent: usize::MAX,
        step: (0, 0, 0),
        bytes: 0,
        steps: 0,
        key: start_key,
        data: Some((start, state.load.clone())),
    }];
    let mut heap = BinaryHeap::new();
    heap.push((Reverse(priority(&state.load, 0)), Reverse(0usize)));
    let mut popped = Vec::new();
    let mut frontier = None;
    while let Some(&(Reverse(first), Reverse(id))) = heap.peek() {
        if popped.len() >= budget {
            // In order of bytes: reaching the band costs at least this.
            frontier = matches!(order, Order::Bytes { .. }).then_some(first.0);
            break;
        }
        heap.pop();
        let bytes = nodes[id].bytes;
        if cheapest.get(&nodes[id].key).is_some_and(|&b| b < bytes) {
            continue; // reached more cheaply since
        }
        if nodes[id].data.is_none() {
            let (g, a, c) = nodes[id].step;
            let parent = nodes[id].parent;
            let Some((mut placement, mut loads)) = nodes[parent].data.clone() else {
                continue; // unreachable: a parent is expanded before its children exist
            };
            relocate(
                &mut placement,
                offsets[g]..offsets[g] + groups[g].replicas.len(),
                a,
                c,
            );
            loads[a] -= groups[g].weight;
            loads[c] += groups[g].weight;
            nodes[id].data = Some((placement, loads));
        }
        popped.push(id);
        let Some((placement, loads)) = nodes[id].data.clone() else {
            continue;
        };
        if stop(&loads, bytes) {
            break;
        }
        if nodes[id].steps >= cap_left {
            continue;
        }
        let key = nodes[id].key;
        let mut scratch = loads.clone();
        for (g, group) in groups.iter().enumerate() {
            let w = group.weight;
            if !group.movable || w == 0 {
                continue;
            }
            let here = &placement[offsets[g]..offsets[g] + group.replicas.len()];
            for &a in here {
                let a = usize::from(a);
                let la = loads[a];
                if !in_pool[a] || w > la {
                    continue;
                }
                for &c in &receivers {
                    if loads[c] + w > la || here.contains(&(c as u16)) {
                        continue;
                    }
                    let child_key = key ^ zobrist(g, a) ^ zobrist(g, c);
                    let cost = bytes + group.bytes;
                    scratch[a] -= w;
                    scratch[c] += w;
                    let rank = priority(&scratch, cost);
                    scratch[a] += w;
                    scratch[c] -= w;
                    if cheapest.get(&child_key).is_some_and(|&b| b <= cost) {
                        continue;
                    }
                    cheapest.insert(child_key, cost);
                    let child = nodes.len();
                    nodes.push(Node {
                        parent: id,
                        step: (g, a, c),
                        bytes: cost,
                        steps: nodes[id].steps + 1,
                        key: child_key,
                        data: None,
                    });
                    heap.push((Reverse(rank), Reverse(child)));
                }
            }
        }
    }
    Explored {
        nodes,
        popped,
        frontier,
    }
}

/// The moves from the start to node `id`.
fn path_to(nodes: &[Node], mut id: usize) -> Vec<Step> {
    let mut path = Vec::new();
    while id != 0 {
        path.push(nodes[id].step);
        id = nodes[id].parent;
    }
    path.reverse();
    path
}

/// What [`best_sequence`] found.
pub(crate) struct Searched {
    /// The moves to apply.
    pub path: Vec<Step>,
    /// `path` is the cheapest sequence (in bytes) of allowed moves that brings every
    /// balanced server to at most the ceiling.
    pub cheapest: bool,
}

/// The plan to run from `state`, in two searches of at most `budget` expansions each:
///
/// 1. in order of balance, how low the most loaded server can get (`best_max`); the
///    ceiling is that, or 2% above the ideal if higher ([`ceiling`]);
/// 2. in order of bytes, the first placement with every balanced server at or below the
///    ceiling: the fewest bytes any plan of allowed moves needs to get there.
///
/// So the plan reaches the best max the first search found (or one within 2% of the
/// ideal), and when the second search finds it, no placement at least as even in both
/// max and min is reachable with fewer bytes: the bytes moved equal the bound
/// [`cheapest_in_band`] computes for the band reached. If the second search runs out of
/// budget, the plan is the cheapest placement at or below the ceiling the first search saw.
pub(crate) fn best_sequence(state: &State, rec: &Recorder, budget: usize) -> Searched {
    let cap_left = rec.cap.saturating_sub(rec.steps.len());
    let pool = &state.pool;
    let max_of = |loads: &[u64]| pool.iter().map(|&i| loads[i]).max().unwrap_or(0);
    let even = explore(state, Order::Balance, cap_left, budget, |_, _| false);
    // (max, bytes, id) of the most even placement found, cheapest first.
    let best = even
        .popped
        .iter()
        .filter_map(|&id| {
            let (_, loads) = even.nodes[id].data.as_ref()?;
            Some((max_of(loads), even.nodes[id].bytes, id))
        })
        .min();
    let Some((best_max, _, _)) = best else {
        return Searched {
            path: Vec::new(),
            cheapest: false,
        };
    };
    let limit = ceiling(state, best_max);
    let order = Order::Bytes { lo: 0, hi: limit };
    let cheap = explore(state, order, cap_left, budget, |loads, _| {
        max_of(loads) <= limit
    });
    let found = cheap.popped.last().copied().filter(|&id| {
        cheap.nodes[id]
            .data
            .as_ref()
            .is_some_and(|(_, loads)| max_of(loads) <= limit)
    });
    match found {
        Some(id) => Searched {
            path: path_to(&cheap.nodes, id),
            cheapest: true,
        },
        None => Searched {
            // The cheapest placement at or below the ceiling the first search saw.
            path: even
                .popped
                .iter()
                .filter_map(|&id| {
                    let (_, loads) = even.nodes[id].data.as_ref()?;
                    (max_of(loads) <= limit).then_some((even.nodes[id].bytes, id))
                })
                .min()
                .map_or_else(Vec::new, |(_, id)| path_to(&even.nodes, id)),
            cheapest: false,
        },
    }
}

/// The most loaded balanced server a plan may end with: the best max a complete search
/// reached (`best_max`), or, when a near-ideal balance is possible, 2% above a lower bound
/// on the ideal (the mean, or the heaviest group, whichever is larger), so that a cheaper
/// plan may win within that margin. Either way within 5% of the best placement whenever the
/// best reachable max is.
pub(crate) fn ceiling(state: &State, best_max: u64) -> u64 {
    let pool = &state.pool;
    let n = pool.len().max(1) as u64;
    let total: u64 = pool.iter().map(|&i| state.load[i]).sum();
    let heaviest = state
        .groups
        .iter()
        .filter(|g| g.replicas.iter().any(|&s| state.servers[s].in_pool()))
        .map(|g| g.weight)
        .max()
        .unwrap_or(0);
    let ideal = total.div_ceil(n).max(heaviest);
    best_max.max(ideal + ideal / 50)
}

/// A lower bound on the bytes any plan of allowed moves (improving or neutral, any number)
/// must move from `state` to put every balanced server's load inside `[lo, hi]`: the
/// cheapest such placement when the search reaches one within `budget` expansions, else
/// the lowest estimate (bytes so far plus the lower bound on what is left) of any
/// placement not yet expanded: every sequence into the band passes through one of them.
/// `None` when no reachable placement is in the band.
pub(crate) fn cheapest_in_band(state: &State, lo: u64, hi: u64, budget: usize) -> Option<u64> {
    let pool = state.pool.clone();
    let mut found = None;
    let order = Order::Bytes { lo, hi };
    let explored = explore(state, order, usize::MAX, budget, |loads, bytes| {
        let inside = pool.iter().all(|&i| loads[i] >= lo && loads[i] <= hi);
        if inside {
            found = Some(bytes);
        }
        inside
    });
    found.or(explored.frontier)
}

/// The cheapest sequence of allowed moves from `state` that brings every balanced server
/// inside `[lo, hi]`, when the search (A*, at most `budget` expansions) finds one.
pub(crate) fn cheapest_path_to_band(
    state: &State,
    rec: &Recorder,
    lo: u64,
    hi: u64,
    budget: usize,
) -> Option<Vec<Step>> {
    let pool = &state.pool;
    let inside = |loads: &[u64]| pool.iter().all(|&i| loads[i] >= lo && loads[i] <= hi);
    let cap_left = rec.cap.saturating_sub(rec.steps.len());
    let order = Order::Bytes { lo, hi };
    let explored = explore(state, order, cap_left, budget, |loads, _| inside(loads));
    let last = *explored.popped.last()?;
    let (_, loads) = explored.nodes[last].data.as_ref()?;
    inside(loads).then(|| path_to(&explored.nodes, last))
}

/// Applies `path` as allowed moves; stops at the first that is no longer allowed (or at
/// the cap), and takes back neutral moves left at the end, which would change nothing.
pub(crate) fn replay(state: &mut State, rec: &mut Recorder, path: &[Step]) {
    let before = rec.steps.len();
    for &(g, a, c) in path {
        if !rec.room() {
            break;
        }
        let w = state.groups[g].weight;
        let made = if state.load[c] + w == state.load[a] {
            commit_neutral(state, rec, g, a, c)
        } else {
            commit(state, rec, g, a, c)
        };
        if !made {
            break;
        }
    }
    while rec.steps.len() > before && rec.last_is_neutral() {
        rec.undo_last(state);
    }
}
