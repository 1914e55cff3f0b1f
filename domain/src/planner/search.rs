//! Exhaustive search over improving-move sequences, for tiny clusters.
//!
//! Placements reachable by moves that each improve balance are explored cheapest first
//! (by bytes moved, like Dijkstra's algorithm), each reached by its cheapest sequence (a
//! placement is recognised by a 64-bit fingerprint; a collision could only make the search
//! skip a placement, never produce an invalid plan); the
//! best by the planner's ranking ([`super::balance::key`]) is returned as a plan. A budget
//! on the placements expanded keeps it bounded; when it runs out, the best seen so far is
//! still a valid plan.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::balance::BYTE_PRICE;
use super::record::{commit, Recorder};
use super::state::State;

struct Node {
    parent: usize,
    step: (usize, usize, usize),
    bytes: u64,
    steps: usize,
    /// Replica servers per group (sorted within each group), flattened, and loads: only
    /// for placements that were expanded (the others are rebuilt from their parent).
    data: Option<(Vec<u16>, Vec<u64>)>,
}

/// FNV-1a over a placement: the key of the cheapest-bytes table.
fn fingerprint(placement: &[u16]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in placement {
        for b in x.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
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

    let mut cheapest: HashMap<u64, u64> = HashMap::new();
    cheapest.insert(fingerprint(&start), 0);
    let mut nodes = vec![Node {
        parent: usize::MAX,
        step: (0, 0, 0),
        bytes: 0,
        steps: 0,
        data: Some((start, state.load.clone())),
    }];
    let mut heap = BinaryHeap::new();
    heap.push((Reverse(0u64), Reverse(0usize), 0u64));
    let mut best = (score(&state.load, 0), 0u64, 0usize, 0usize);
    let mut expanded = 0;
    let mut scratch: Vec<u16> = Vec::new();
    while let Some((Reverse(bytes), Reverse(id), print)) = heap.pop() {
        if cheapest.get(&print).is_some_and(|&b| b < bytes) {
            continue;
        }
        if expanded >= budget {
            break;
        }
        expanded += 1;
        if nodes[id].data.is_none() {
            let (g, a, c) = nodes[id].step;
            let parent = nodes[id].parent;
            let (mut placement, mut loads) = nodes[parent].data.clone().expect("expanded parent");
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
        let (placement, loads) = nodes[id].data.clone().expect("just built");
        let candidate = (score(&loads, bytes), bytes, nodes[id].steps, id);
        if better(&candidate, &best) {
            best = candidate;
        }
        if nodes[id].steps + rec.steps.len() >= rec.cap {
            continue;
        }
        for &a in pool {
            let la = loads[a];
            for (g, group) in groups.iter().enumerate() {
                let w = group.weight;
                if !group.movable || w == 0 || w >= la {
                    continue;
                }
                let slots = offsets[g]..offsets[g] + group.replicas.len();
                let here = &placement[slots.clone()];
                if !here.contains(&(a as u16)) {
                    continue;
                }
                for &c in &receivers {
                    if loads[c] + w >= la || here.contains(&(c as u16)) {
                        continue;
                    }
                    scratch.clear();
                    scratch.extend_from_slice(&placement);
                    relocate(&mut scratch, slots.clone(), a, c);
                    let child_print = fingerprint(&scratch);
                    let cost = bytes + group.bytes;
                    if cheapest.get(&child_print).is_some_and(|&b| b <= cost) {
                        continue;
                    }
                    cheapest.insert(child_print, cost);
                    let child = nodes.len();
                    nodes.push(Node {
                        parent: id,
                        step: (g, a, c),
                        bytes: cost,
                        steps: nodes[id].steps + 1,
                        data: None,
                    });
                    heap.push((Reverse(cost), Reverse(child), child_print));
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
