//! Shared by the planner tests: an independent replay of a plan that checks every rule,
//! random snapshot generators, and brute-force optima for small clusters.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashSet};

use proptest::prelude::*;
use scaleout_domain::planner::{
    what_if_name, BalanceTarget, ClusterSnapshot, Health, Plan, PlanOptions, Role, SnapshotGroup,
    SnapshotServer, StepKind,
};

/// What a replay found.
#[derive(Debug, Clone)]
pub struct Replay {
    /// Server names in planner order (snapshot servers, then what-if ones).
    pub names: Vec<String>,
    /// Per group: replica servers, leader first, after the plan.
    pub replicas: Vec<Vec<usize>>,
    /// Per server: bytes after the plan.
    pub bytes: Vec<u64>,
    /// Balanced servers (not failed, not drained).
    pub pool: Vec<usize>,
}

impl Replay {
    pub fn pool_bytes(&self) -> Vec<u64> {
        self.pool.iter().map(|&i| self.bytes[i]).collect()
    }
}

fn weight(g: &SnapshotGroup, target: BalanceTarget) -> u64 {
    match target {
        BalanceTarget::Bytes => g.bytes,
        BalanceTarget::ShardCount => g.shards.len().max(1) as u64,
    }
}

/// Applies `plan` to `snapshot` step by step, checking every rule the planner promises.
/// Returns the final placement, or what was broken.
pub fn replay(
    snapshot: &ClusterSnapshot,
    options: &PlanOptions,
    plan: &Plan,
) -> Result<Replay, String> {
    let mut names: Vec<String> = snapshot
        .effective_servers()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let mut health: Vec<Health> = snapshot
        .effective_servers()
        .iter()
        .map(|s| s.health)
        .collect();
    let mut k = 0;
    for _ in 0..options.what_if_servers {
        let name = loop {
            k += 1;
            let n = what_if_name(k);
            if !names.contains(&n) {
                break n;
            }
        };
        names.push(name);
        health.push(Health::Good);
    }
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let draining: Vec<bool> = names.iter().map(|n| options.drain.contains(n)).collect();
    let pool: Vec<usize> = (0..names.len())
        .filter(|&i| health[i] != Health::Failed && !draining[i])
        .collect();
    let target = plan.target;
    let mut replicas: Vec<Vec<usize>> = snapshot
        .groups
        .iter()
        .map(|g| g.replicas().map(|s| index[s]).collect())
        .collect();
    let group_index: BTreeMap<String, usize> = snapshot
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            (
                if g.id.is_empty() {
                    format!("group {}", g.index.map_or(i, |x| x as usize))
                } else {
                    g.id.clone()
                },
                i,
            )
        })
        .collect();
    let load = |replicas: &Vec<Vec<usize>>| -> Vec<u64> {
        let mut l = vec![0u64; names.len()];
        for (g, r) in replicas.iter().enumerate() {
            for &s in r {
                l[s] += weight(&snapshot.groups[g], target);
            }
        }
        l
    };
    let total_bytes_before: u64 = snapshot
        .groups
        .iter()
        .map(|g| g.bytes * (1 + g.followers.len() as u64))
        .sum();

    if plan.curve.len() != plan.moves.len() + 1 || plan.leader_curve.len() != plan.moves.len() + 1 {
        return Err("curve length is not moves + 1".into());
    }
    if let Some(cap) = options.max_moves {
        if plan.moves.len() > cap as usize {
            return Err(format!("{} steps exceed the cap {cap}", plan.moves.len()));
        }
    }
    let mut seen_optional = false;
    let mut bytes_moved = 0u64;
    for (step, m) in plan.moves.iter().enumerate() {
        let g = *group_index
            .get(&m.group)
            .ok_or_else(|| format!("step {step}: unknown group {}", m.group))?;
        let from = *index
            .get(m.from.as_str())
            .ok_or_else(|| format!("step {step}: unknown server {}", m.from))?;
        let to = *index
            .get(m.to.as_str())
            .ok_or_else(|| format!("step {step}: unknown server {}", m.to))?;
        let group = &snapshot.groups[g];
        let pos = replicas[g]
            .iter()
            .position(|&s| s == from)
            .ok_or_else(|| format!("step {step}: {} holds no replica of {}", m.from, m.group))?;
        let role = if pos == 0 {
            Role::Leader
        } else {
            Role::Follower
        };
        if role != m.role {
            return Err(format!(
                "step {step}: role {:?} but the replica is a {role:?}",
                m.role
            ));
        }
        if health[to] != Health::Good || draining[to] {
            return Err(format!(
                "step {step}: onto {} which is {:?}/draining {}",
                m.to, health[to], draining[to]
            ));
        }
        if m.mandatory {
            if seen_optional {
                return Err(format!("step {step}: mandatory move after an optional one"));
            }
            if !draining[from] || m.kind != StepKind::Move {
                return Err(format!(
                    "step {step}: mandatory but not a move off a drained server"
                ));
            }
        } else {
            seen_optional = true;
            let movable = group.in_sync && replicas[g].iter().all(|&s| health[s] != Health::Failed);
            if !movable {
                return Err(format!(
                    "step {step}: moves {} which is not in sync / on a failed server",
                    m.group
                ));
            }
        }
        let before = load(&replicas);
        match m.kind {
            StepKind::Move => {
                if replicas[g].contains(&to) {
                    return Err(format!("step {step}: {} already holds {}", m.to, m.group));
                }
                if m.bytes != group.bytes {
                    return Err(format!(
                        "step {step}: bytes {} != group bytes {}",
                        m.bytes, group.bytes
                    ));
                }
                replicas[g][pos] = to;
                bytes_moved += m.bytes;
                if !m.mandatory {
                    let w = weight(group, target);
                    if before[to] + w >= before[from] {
                        return Err(format!(
                            "step {step}: does not improve: to {} + {w} >= from {}",
                            before[to], before[from]
                        ));
                    }
                    if plan.curve[step + 1].partial_cmp(&plan.curve[step])
                        != Some(std::cmp::Ordering::Less)
                    {
                        return Err(format!("step {step}: curve does not decrease"));
                    }
                }
            }
            StepKind::LeaderSwitch => {
                if pos != 0 || m.role != Role::Leader || m.bytes != 0 {
                    return Err(format!("step {step}: leader switch not from the leader"));
                }
                let k = replicas[g].iter().position(|&s| s == to).ok_or_else(|| {
                    format!("step {step}: switch to {} which is not a follower", m.to)
                })?;
                if !group.in_sync {
                    return Err(format!("step {step}: switch in a group not in sync"));
                }
                replicas[g].swap(0, k);
                if plan.curve[step + 1] != plan.curve[step] {
                    return Err(format!("step {step}: leader switch changed the load curve"));
                }
                if plan.leader_curve[step + 1].partial_cmp(&plan.leader_curve[step])
                    != Some(std::cmp::Ordering::Less)
                {
                    return Err(format!("step {step}: leader curve does not decrease"));
                }
            }
        }
        // No two replicas of a group on one server, after every step.
        let distinct: BTreeSet<usize> = replicas[g].iter().copied().collect();
        if distinct.len() != replicas[g].len() {
            return Err(format!(
                "step {step}: two replicas of {} on one server",
                m.group
            ));
        }
    }
    if bytes_moved != plan.bytes_to_move {
        return Err(format!(
            "bytes_to_move {} != sum of moves {bytes_moved}",
            plan.bytes_to_move
        ));
    }
    // Conservation: replica counts per group, and byte totals.
    for (g, r) in replicas.iter().enumerate() {
        if r.len() != 1 + snapshot.groups[g].followers.len() {
            return Err(format!("group {g} changed its replica count"));
        }
    }
    let mut bytes = vec![0u64; names.len()];
    for (g, r) in replicas.iter().enumerate() {
        for &s in r {
            bytes[s] += snapshot.groups[g].bytes;
        }
    }
    if bytes.iter().sum::<u64>() != total_bytes_before {
        return Err("total bytes changed".into());
    }
    // Drained servers end empty unless capped.
    if !plan.capped {
        for (i, d) in draining.iter().enumerate() {
            if *d && replicas.iter().any(|r| r.contains(&i)) {
                return Err(format!("{} is drained but still holds data", names[i]));
            }
        }
    }
    // The figures agree with the replay.
    for (i, f) in plan.after.servers.iter().enumerate() {
        if f.name != names[i] || f.bytes != bytes[i] {
            return Err(format!("after figures disagree for {}", names[i]));
        }
    }
    Ok(Replay {
        names,
        replicas,
        bytes,
        pool,
    })
}

/// A random cluster for invariant tests: any health, some groups out of sync.
pub fn any_cluster(
    max_servers: usize,
    max_groups: usize,
) -> impl Strategy<Value = (ClusterSnapshot, PlanOptions)> {
    (2..=max_servers, 1..=max_groups, 1usize..=3, any::<u64>())
        .prop_flat_map(move |(servers, groups, rf, seed)| {
            let rf = rf.min(servers);
            (
                Just((servers, groups, rf, seed)),
                proptest::collection::vec(0u8..10, servers),
                proptest::collection::vec((1u64..5_000, any::<u32>(), 0u8..10), groups),
                0u32..3,
                proptest::collection::vec(any::<bool>(), servers),
                prop::option::of(0u32..12),
                any::<bool>(),
                prop_oneof![Just(BalanceTarget::Bytes), Just(BalanceTarget::ShardCount)],
            )
        })
        .prop_map(
            |(
                (servers, _groups, rf, _seed),
                health,
                groups,
                what_if,
                drain,
                cap,
                switches,
                target,
            )| {
                let names: Vec<String> = (1..=servers).map(|i| format!("DBServer{i:04}")).collect();
                let servers_v: Vec<SnapshotServer> = names
                    .iter()
                    .zip(&health)
                    .map(|(n, h)| {
                        SnapshotServer::new(
                            n.clone(),
                            match h {
                                0 => Health::Failed,
                                1 => Health::Bad,
                                _ => Health::Good,
                            },
                        )
                    })
                    .collect();
                let groups_v = groups
                    .iter()
                    .enumerate()
                    .map(|(i, &(bytes, placement, sync))| {
                        let chosen = choose(servers, rf, placement);
                        let mut g = SnapshotGroup::new(
                            format!("s{}", 1000 + i),
                            names[chosen[0]].clone(),
                            &chosen[1..]
                                .iter()
                                .map(|&k| names[k].as_str())
                                .collect::<Vec<_>>(),
                            bytes,
                        );
                        g.shards = (0..(1 + (placement % 3) as usize))
                            .map(|k| format!("s{}", 5000 + 10 * i + k))
                            .collect();
                        g.in_sync = sync != 0;
                        g
                    })
                    .collect();
                // Drain at most one server, and only when that leaves somewhere to go.
                let drain: Vec<String> = names
                    .iter()
                    .zip(&drain)
                    .filter(|(_, d)| **d)
                    .map(|(n, _)| n.clone())
                    .take(1)
                    .collect();
                let options = PlanOptions {
                    what_if_servers: what_if,
                    drain,
                    max_moves: cap,
                    allow_leader_switches: switches,
                    target,
                };
                (
                    ClusterSnapshot {
                        servers: servers_v,
                        groups: groups_v,
                    },
                    options,
                )
            },
        )
}

/// `rf` distinct servers out of `servers`, chosen by `seed`.
pub fn choose(servers: usize, rf: usize, seed: u32) -> Vec<usize> {
    let mut all: Vec<usize> = (0..servers).collect();
    let mut s = u64::from(seed) | 1;
    let mut out = Vec::new();
    for _ in 0..rf {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let k = (s % all.len() as u64) as usize;
        out.push(all.remove(k));
    }
    out
}

/// A small healthy cluster for quality tests: all servers good, all groups in sync.
pub fn healthy_cluster(
    max_servers: usize,
    max_groups: usize,
    max_what_if: u32,
) -> impl Strategy<Value = (ClusterSnapshot, PlanOptions)> {
    (2..=max_servers, 1usize..=2, 0..=max_what_if)
        .prop_flat_map(move |(servers, rf, what_if)| {
            let rf = rf.min(servers);
            (
                Just((servers, rf, what_if)),
                proptest::collection::vec((1u64..1_000, any::<u32>()), 1..=max_groups),
            )
        })
        .prop_map(|((servers, rf, what_if), groups)| {
            let names: Vec<String> = (1..=servers).map(|i| format!("DBServer{i:04}")).collect();
            let groups = groups
                .iter()
                .enumerate()
                .map(|(i, &(bytes, placement))| {
                    let chosen = choose(servers, rf, placement);
                    SnapshotGroup::new(
                        format!("s{}", 1000 + i),
                        names[chosen[0]].clone(),
                        &chosen[1..]
                            .iter()
                            .map(|&k| names[k].as_str())
                            .collect::<Vec<_>>(),
                        bytes,
                    )
                })
                .collect();
            (
                ClusterSnapshot {
                    servers: names
                        .iter()
                        .map(|n| SnapshotServer::new(n.clone(), Health::Good))
                        .collect(),
                    groups,
                },
                PlanOptions {
                    what_if_servers: what_if,
                    ..PlanOptions::default()
                },
            )
        })
}

/// The brute-force searches' view of a snapshot: the number of servers (`extra_servers`
/// empty ones added), each group's servers (sorted indices) and each group's bytes.
fn start_of(
    snapshot: &ClusterSnapshot,
    extra_servers: usize,
) -> (usize, Vec<Vec<usize>>, Vec<u64>) {
    let names: Vec<&str> = snapshot.servers.iter().map(|s| s.name.as_str()).collect();
    let n = names.len() + extra_servers;
    let start: Vec<Vec<usize>> = snapshot
        .groups
        .iter()
        .map(|g| {
            let mut r: Vec<usize> = g
                .replicas()
                .map(|s| names.iter().position(|x| *x == s).unwrap())
                .collect();
            r.sort();
            r
        })
        .collect();
    let w: Vec<u64> = snapshot.groups.iter().map(|g| g.bytes).collect();
    (n, start, w)
}

/// The smallest max load reachable from the snapshot's placement by moves that each
/// strictly improve balance (receiver + weight < source), all servers healthy, nothing
/// drained, and how many placements were seen: exhaustive search over reachable
/// placements (at most `limit`), each recognised up to a permutation of the servers
/// (all alike here), so the search covers n! times as many placements as it stores.
pub fn reachable(
    snapshot: &ClusterSnapshot,
    extra_servers: usize,
    limit: usize,
) -> (u64, usize, bool) {
    let (n, start, w) = start_of(snapshot, extra_servers);
    // Canonical form: each server's sorted group list, the lists sorted.
    let canonical = |state: &Vec<Vec<usize>>| {
        let mut servers = vec![Vec::new(); n];
        for (g, r) in state.iter().enumerate() {
            for &s in r {
                servers[s].push(g);
            }
        }
        servers.sort();
        servers
    };
    let mut seen: HashSet<Vec<Vec<usize>>> = HashSet::new();
    let mut stack = vec![start];
    let mut best = u64::MAX;
    let mut complete = true;
    while let Some(state) = stack.pop() {
        if !seen.insert(canonical(&state)) {
            continue;
        }
        if seen.len() > limit {
            complete = false;
            break;
        }
        let mut load = vec![0u64; n];
        for (g, r) in state.iter().enumerate() {
            for &s in r {
                load[s] += w[g];
            }
        }
        best = best.min(*load.iter().max().unwrap());
        for (g, r) in state.iter().enumerate() {
            for (k, &a) in r.iter().enumerate() {
                for c in 0..n {
                    if r.contains(&c) || load[c] + w[g] >= load[a] {
                        continue;
                    }
                    let mut next = state.clone();
                    next[g][k] = c;
                    next[g].sort();
                    stack.push(next);
                }
            }
        }
    }
    (best, seen.len(), complete)
}

/// Whether some placement of these groups (each `(bytes, replicas)` on that many distinct
/// servers) over `servers` servers has every load at most `limit`: branch and bound.
pub fn placement_within(groups: &[(u64, usize)], servers: usize, limit: u64) -> bool {
    let mut order: Vec<(u64, usize)> = groups.to_vec();
    order.sort_by(|a, b| b.cmp(a));
    let total: u64 = order.iter().map(|&(w, r)| w * r as u64).sum();
    if total > limit * servers as u64 || order.iter().any(|&(w, r)| w > limit || r > servers) {
        return false;
    }
    let mut loads = vec![0u64; servers];
    fn place(k: usize, order: &[(u64, usize)], loads: &mut [u64], limit: u64, left: u64) -> bool {
        if k == order.len() {
            return true;
        }
        let room: u64 = loads.iter().map(|&l| limit - l).sum();
        if room < left {
            return false;
        }
        let (w, r) = order[k];
        pick(0, r, w, k, order, loads, limit, left)
    }
    #[allow(clippy::too_many_arguments)]
    fn pick(
        start: usize,
        r: usize,
        w: u64,
        k: usize,
        order: &[(u64, usize)],
        loads: &mut [u64],
        limit: u64,
        left: u64,
    ) -> bool {
        if r == 0 {
            return place(k + 1, order, loads, limit, left);
        }
        let mut tried = HashSet::new();
        for i in start..loads.len() {
            if loads[i] + w > limit || !tried.insert(loads[i]) {
                continue;
            }
            loads[i] += w;
            let ok = pick(i + 1, r - 1, w, k, order, loads, limit, left - w);
            loads[i] -= w;
            if ok {
                return true;
            }
        }
        false
    }
    place(0, &order, &mut loads, limit, total)
}

/// The fewest bytes any re-placement must move so that every one of `servers` servers ends
/// with a load in `[lo, hi]`: groups are `(bytes, current servers)`. Branch and bound.
pub fn min_bytes_for_band(
    groups: &[(u64, Vec<usize>)],
    servers: usize,
    lo: u64,
    hi: u64,
    budget: &mut u64,
) -> Option<u64> {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(groups[g].0));
    let total_left: u64 = groups.iter().map(|(w, r)| w * r.len() as u64).sum();
    let mut loads = vec![0u64; servers];
    let mut best = u64::MAX;
    #[allow(clippy::too_many_arguments)]
    fn rec(
        k: usize,
        order: &[usize],
        groups: &[(u64, Vec<usize>)],
        loads: &mut Vec<u64>,
        cost: u64,
        best: &mut u64,
        lo: u64,
        hi: u64,
        left: u64,
        budget: &mut u64,
    ) {
        if *budget == 0 || cost >= *best {
            return;
        }
        *budget -= 1;
        // Servers below lo need at least (lo - load) more from what is left.
        let need: u64 = loads.iter().map(|&l| lo.saturating_sub(l)).sum();
        if need > left {
            return;
        }
        if k == order.len() {
            *best = cost;
            return;
        }
        let (w, ref cur) = groups[order[k]];
        let r = cur.len();
        let n = loads.len();
        // Enumerate replica sets, the current one first.
        let mut sets: Vec<Vec<usize>> = Vec::new();
        fn combos(
            start: usize,
            n: usize,
            r: usize,
            acc: &mut Vec<usize>,
            out: &mut Vec<Vec<usize>>,
        ) {
            if acc.len() == r {
                out.push(acc.clone());
                return;
            }
            for i in start..n {
                acc.push(i);
                combos(i + 1, n, r, acc, out);
                acc.pop();
            }
        }
        combos(0, n, r, &mut Vec::new(), &mut sets);
        sets.sort_by_key(|s| s.iter().filter(|x| !cur.contains(x)).count());
        for set in sets {
            if set.iter().any(|&s| loads[s] + w > hi) {
                continue;
            }
            let moved = set.iter().filter(|x| !cur.contains(x)).count() as u64;
            for &s in &set {
                loads[s] += w;
            }
            rec(
                k + 1,
                order,
                groups,
                loads,
                cost + moved * w,
                best,
                lo,
                hi,
                left - w * r as u64,
                budget,
            );
            for &s in &set {
                loads[s] -= w;
            }
        }
    }
    rec(
        0, &order, groups, &mut loads, 0, &mut best, lo, hi, total_left, budget,
    );
    (best != u64::MAX && *budget > 0).then_some(best)
}

/// The fewest bytes any sequence of moves that each improve balance (receiver + weight <
/// source) must move from the snapshot's placement (all servers healthy, by
/// bytes, `extra_servers` empty ones added) to put every server's load in `[lo, hi]`:
/// Dijkstra over placements, independent of the planner's. `None` past `limit` placements.
pub fn contract_min_bytes(
    snapshot: &ClusterSnapshot,
    extra_servers: usize,
    lo: u64,
    hi: u64,
    limit: usize,
) -> Option<u64> {
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, HashMap};
    let (n, start, w) = start_of(snapshot, extra_servers);
    let mut best: HashMap<Vec<Vec<usize>>, u64> = HashMap::new();
    let mut heap = BinaryHeap::new();
    best.insert(start.clone(), 0);
    heap.push((Reverse(0u64), start));
    let mut popped = 0;
    while let Some((Reverse(cost), state)) = heap.pop() {
        if best.get(&state).is_some_and(|&b| b < cost) {
            continue;
        }
        popped += 1;
        if popped > limit {
            return None;
        }
        let mut load = vec![0u64; n];
        for (g, r) in state.iter().enumerate() {
            for &s in r {
                load[s] += w[g];
            }
        }
        if load.iter().all(|&l| l >= lo && l <= hi) {
            return Some(cost);
        }
        for (g, r) in state.iter().enumerate() {
            for (k, &a) in r.iter().enumerate() {
                for c in 0..n {
                    if r.contains(&c) || load[c] + w[g] >= load[a] {
                        continue;
                    }
                    let mut next = state.clone();
                    next[g][k] = c;
                    next[g].sort();
                    let nc = cost + w[g];
                    if best.get(&next).is_none_or(|&b| nc < b) {
                        best.insert(next.clone(), nc);
                        heap.push((Reverse(nc), next));
                    }
                }
            }
        }
    }
    None
}
