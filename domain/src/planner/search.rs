//! Exhaustive search over improving-move sequences, for tiny clusters.
//!
//! Placements reachable by moves that each improve balance are explored cheapest first
//! (by bytes moved, like Dijkstra's algorithm), each reached by its cheapest sequence; the
//! best by the planner's ranking ([`super::balance::key`]) is returned as a plan. A budget
//! on the placements expanded keeps it bounded; when it runs out, the best seen so far is
//! still a valid plan.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::balance::BYTE_PRICE;
use super::record::{commit, Recorder};
use super::state::State;

struct Node {
    /// Replica servers per group (sorted within each group), flattened.
    placement: Vec<u16>,
    loads: Vec<u64>,
    bytes: u64,
    steps: usize,
    parent: usize,
    step: (usize, usize, usize),
}

/// The best plan from `state` found within `budget` expansions, as the moves to apply.
pub(crate) fn best_sequence(
    initial: &State,
    state: &State,
    rec: &Recorder,
    budget: usize,
) -> Vec<(usize, usize, usize)> {
    let groups = &state.groups;
    let offsets: Vec<usize> = groups
        .iter()
        .scan(0, |acc, g| {
            let o = *acc;
            *acc += g.replicas.len();
            Some(o)
        })
        .collect();
    let mut start = Vec::with_capacity(offsets.last().map_or(0, |o| o + 4));
    for g in groups {
        let mut r: Vec<u16> = g.replicas.iter().map(|&s| s as u16).collect();
        r.sort_unstable();
        start.extend(r);
    }
    let pool = &state.pool;
    let n = pool.len().max(1) as f64;
    let total: u64 = pool.iter().map(|&i| state.load[i]).sum();
    let stored: u64 = initial
        .groups
        .iter()
        .map(|g| g.bytes * g.replicas.len() as u64)
        .sum();
    let spent = rec.moved_bytes(state);
    let score = |loads: &[u64], bytes: u64| -> (f64, Reverse<u64>) {
        let max = pool.iter().map(|&i| loads[i]).max().unwrap_or(0);
        let min = pool.iter().map(|&i| loads[i]).min().unwrap_or(0);
        let balance = if total > 0 {
            max as f64 * n / total as f64
        } else {
            1.0
        };
        let price = if stored > 0 {
            BYTE_PRICE * (spent + bytes) as f64 / stored as f64
        } else {
            0.0
        };
        (balance + price, Reverse(min))
    };
    let receivers: Vec<usize> = pool
        .iter()
        .copied()
        .filter(|&s| state.servers[s].can_receive())
        .collect();

    let mut nodes = vec![Node {
        placement: start.clone(),
        loads: state.load.clone(),
        bytes: 0,
        steps: 0,
        parent: usize::MAX,
        step: (0, 0, 0),
    }];
    let mut cheapest: HashMap<Vec<u16>, u64> = HashMap::new();
    cheapest.insert(start, 0);
    let mut heap = BinaryHeap::new();
    heap.push((Reverse(0u64), Reverse(0usize)));
    let mut best = (score(&state.load, 0), 0u64, 0usize, 0usize);
    let mut expanded = 0;
    while let Some((Reverse(bytes), Reverse(id))) = heap.pop() {
        if cheapest
            .get(&nodes[id].placement)
            .is_some_and(|&b| b < bytes)
        {
            continue;
        }
        if expanded >= budget {
            break;
        }
        expanded += 1;
        let candidate = (score(&nodes[id].loads, bytes), bytes, nodes[id].steps, id);
        if better(&candidate, &best) {
            best = candidate;
        }
        if nodes[id].steps + rec.steps.len() >= rec.cap {
            continue;
        }
        for &a in pool {
            let la = nodes[id].loads[a];
            for (g, group) in groups.iter().enumerate() {
                let w = group.weight;
                if !group.movable || w == 0 || w >= la {
                    continue;
                }
                let slots = offsets[g]..offsets[g] + group.replicas.len();
                let here: Vec<u16> = nodes[id].placement[slots.clone()].to_vec();
                if !here.contains(&(a as u16)) {
                    continue;
                }
                for &c in &receivers {
                    let lc = nodes[id].loads[c];
                    if lc + w >= la || here.contains(&(c as u16)) {
                        continue;
                    }
                    let mut placement = nodes[id].placement.clone();
                    let part = &mut placement[slots.clone()];
                    for x in part.iter_mut() {
                        if *x == a as u16 {
                            *x = c as u16;
                        }
                    }
                    part.sort_unstable();
                    let cost = bytes + group.bytes;
                    if cheapest.get(&placement).is_some_and(|&b| b <= cost) {
                        continue;
                    }
                    cheapest.insert(placement.clone(), cost);
                    let mut loads = nodes[id].loads.clone();
                    loads[a] -= w;
                    loads[c] += w;
                    let child = nodes.len();
                    let steps = nodes[id].steps + 1;
                    nodes.push(Node {
                        placement,
                        loads,
                        bytes: cost,
                        steps,
                        parent: id,
                        step: (g, a, c),
                    });
                    heap.push((Reverse(cost), Reverse(child)));
                }
            }
        }
    }
    let mut path = Vec::new();
    let mut id = best.3;
    while id != 0 {
        path.push(nodes[id].step);
        debug_assert!(nodes[id].bytes >= nodes[nodes[id].parent].bytes);
        id = nodes[id].parent;
    }
    path.reverse();
    path
}

/// Lower score, then higher min, then fewer bytes, then fewer steps.
fn better(
    a: &((f64, Reverse<u64>), u64, usize, usize),
    b: &((f64, Reverse<u64>), u64, usize, usize),
) -> bool {
    a.0 .0
        .total_cmp(&b.0 .0)
        .then(a.0 .1.cmp(&b.0 .1))
        .then(a.1.cmp(&b.1))
        .then(a.2.cmp(&b.2))
        .is_lt()
}

/// Applies `path` as improving moves; stops at the first that no longer improves.
pub(crate) fn replay(state: &mut State, rec: &mut Recorder, path: &[(usize, usize, usize)]) {
    for &(g, a, c) in path {
        if !rec.room() || !commit(state, rec, g, a, c) {
            return;
        }
    }
}
