//! Property tests of the rebalance planner: every invariant the plan promises, checked by an
//! independent replay after every step, and its quality against brute force.

mod planner_support;

use planner_support::*;
use proptest::prelude::*;
use scaleout_domain::planner::{
    plan, BalanceTarget, ClusterSnapshot, Health, PlanError, PlanOptions,
};

/// Simple deterministic generator for the experiment below.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn random_healthy(rng: &mut Rng) -> (ClusterSnapshot, PlanOptions) {
    use scaleout_domain::planner::{SnapshotGroup, SnapshotServer};
    let (s0, s1) = (env("S0", 2), env("S1", 5));
    let (g0, g1) = (env("G0", 1), env("G1", 7));
    let (b0, b1) = (env("B0", 1), env("B1", 1000));
    let servers = (s0 + rng.below(s1 - s0 + 1)) as usize;
    let rf = (1 + rng.below(env("RF", 2)) as usize).min(servers);
    let what_if = rng.below(env("W", 2) + 1) as u32;
    let groups = (g0 + rng.below(g1 - g0 + 1)) as usize;
    let names: Vec<String> = (1..=servers).map(|i| format!("DBServer{i:04}")).collect();
    let groups = (0..groups)
        .map(|i| {
            let chosen = choose(servers, rf, rng.next() as u32);
            SnapshotGroup::new(
                format!("s{}", 1000 + i),
                names[chosen[0]].clone(),
                &chosen[1..]
                    .iter()
                    .map(|&k| names[k].as_str())
                    .collect::<Vec<_>>(),
                b0 + rng.below(b1 - b0 + 1),
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
}

#[test]
#[ignore]
fn experiment_quality() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ env("SEED", 1));
    let (mut worse_opt, mut worse_lb, mut worse_reach) = (0, 0, 0);
    let mut worst = (0.0f64, 0.0f64);
    let mut sum_lb = 0.0;
    let mut plan_time = 0.0;
    let cases = env("CASES", 2000);
    let show = env("SHOW", 0);
    for case in 0..cases {
        let (snap, opts) = random_healthy(&mut rng);
        let t = std::time::Instant::now();
        let p = plan(&snap, &opts).unwrap();
        plan_time += t.elapsed().as_secs_f64();
        let r = replay(&snap, &opts, &p).unwrap();
        let max = *r.pool_bytes().iter().max().unwrap();
        let groups: Vec<(u64, usize)> = snap
            .groups
            .iter()
            .map(|g| (g.bytes, 1 + g.followers.len()))
            .collect();
        // Better than 5% below ours impossible? Then we are within 5% of the optimum.
        let limit = ((max as f64) / 1.05).ceil() as u64 - 1;
        let total: u64 = groups.iter().map(|&(w, r)| w * r as u64).sum();
        let ideal = total
            .div_ceil(r.pool.len() as u64)
            .max(groups.iter().map(|g| g.0).max().unwrap());
        let q_opt = if limit < ideal {
            1.0
        } else if placement_within(&groups, r.pool.len(), limit) {
            9.0
        } else {
            1.0
        };
        let opt = 0;
        let q_lb = if p.lower_bound_bytes == 0 {
            if p.bytes_to_move == 0 {
                1.0
            } else {
                99.0
            }
        } else {
            p.bytes_to_move as f64 / p.lower_bound_bytes as f64
        };
        sum_lb += q_lb.min(3.0);
        if q_opt > 1.05 && env("REACH", 0) == 1 {
            let reach = best_reachable_max(&snap, opts.what_if_servers as usize);
            if max as f64 > reach as f64 * 1.05 {
                worse_reach += 1;
                println!(
                    "reach {reach} plan {max} ratio {:.3} W{}",
                    max as f64 / reach as f64,
                    opts.what_if_servers
                );
                if env("DETAIL", 0) == 3 {
                    println!("{}", serde_json::to_string(&snap).unwrap());
                    println!("{}", scaleout_domain::planner::render_text(&p));
                }
            }
        }
        if q_opt > 1.05 {
            worse_opt += 1;
            if worse_opt <= show {
                println!(
                    "case {case}: opt {opt} plan {max} W{}\n{}",
                    opts.what_if_servers,
                    serde_json::to_string(&snap).unwrap()
                );
            }
        }
        if q_lb > 1.2 && env("EXACT", 0) == 1 {
            let pool = r.pool.clone();
            let index_of = |name: &str| pool.iter().position(|&i| r.names[i] == name).unwrap();
            let gs: Vec<(u64, Vec<usize>)> = snap
                .groups
                .iter()
                .map(|g| (g.bytes, g.replicas().map(index_of).collect()))
                .collect();
            let pb = r.pool_bytes();
            let (lo, hi) = (*pb.iter().min().unwrap(), *pb.iter().max().unwrap());
            let mut budget = 20_000_000u64;
            let exact = min_bytes_for_band(&gs, pool.len(), lo, hi, &mut budget);
            println!(
                "bytes {} lb {} exact {:?} band [{lo},{hi}] W{}",
                p.bytes_to_move, p.lower_bound_bytes, exact, opts.what_if_servers
            );
            if exact == Some(p.bytes_to_move) && env("DETAIL", 0) == 1 {
                println!(
                    "{}\n{}",
                    serde_json::to_string(&snap).unwrap(),
                    scaleout_domain::planner::render_text(&p)
                );
            }
        }
        if q_lb > 1.2 {
            worse_lb += 1;
            if worse_lb <= show && env("DETAIL", 0) == 2 {
                println!("{}", scaleout_domain::planner::render_text(&p));
            }
            if worse_lb <= show {
                println!(
                    "case {case}: bytes {} lb {} W{}\n{}",
                    p.bytes_to_move,
                    p.lower_bound_bytes,
                    opts.what_if_servers,
                    serde_json::to_string(&snap).unwrap()
                );
            }
        }
        worst.0 = worst.0.max(q_opt);
        worst.1 = worst.1.max(q_lb);
    }
    println!("cases {cases}: >5% vs optimum {worse_opt}, >1.2 LB {worse_lb}; worst {worst:?}; mean bytes/LB {:.3}; planning {plan_time:.2}s; >5% vs reachable {worse_reach}", sum_lb / cases as f64);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_rule_holds_after_every_step((snap, opts) in any_cluster(6, 12)) {
        match plan(&snap, &opts) {
            Ok(p) => {
                if let Err(e) = replay(&snap, &opts, &p) {
                    return Err(TestCaseError::fail(format!("{e}\n{}\n{opts:?}", serde_json::to_string(&snap).unwrap())));
                }
            }
            Err(PlanError::NoReceiver { group, .. }) => {
                // Legitimate only when every healthy, non-drained server already holds it.
                let g = snap.groups.iter().find(|g| g.id == group).unwrap();
                let receivers: Vec<&str> = snap.servers.iter()
                    .filter(|s| s.health == Health::Good && !opts.drain.contains(&s.name))
                    .map(|s| s.name.as_str())
                    .collect();
                prop_assert!(opts.what_if_servers == 0);
                prop_assert!(receivers.iter().all(|r| g.replicas().any(|x| x == *r)));
            }
            Err(e) => return Err(TestCaseError::fail(format!("unexpected error {e}"))),
        }
    }

    #[test]
    fn plans_are_deterministic((snap, opts) in any_cluster(6, 12)) {
        let a = plan(&snap, &opts);
        let b = plan(&snap, &opts);
        prop_assert_eq!(
            a.map(|p| serde_json::to_string(&p).unwrap()),
            b.map(|p| serde_json::to_string(&p).unwrap())
        );
    }

    #[test]
    fn by_shard_count_also_holds((snap, mut opts) in any_cluster(5, 10)) {
        opts.target = BalanceTarget::ShardCount;
        if let Ok(p) = plan(&snap, &opts) {
            prop_assert_eq!(p.target, BalanceTarget::ShardCount);
            replay(&snap, &opts, &p).map_err(TestCaseError::fail)?;
        }
    }
}

#[test]
#[ignore]
fn experiment_show() {
    let text = std::fs::read_to_string("/tmp/case.json").unwrap();
    let what_if: u32 = std::env::var("WHATIF")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let snap = scaleout_domain::planner::snapshot_from_json(&text, None).unwrap();
    let opts = PlanOptions {
        what_if_servers: what_if,
        ..PlanOptions::default()
    };
    let p = plan(&snap, &opts).unwrap();
    println!("{}", scaleout_domain::planner::render_text(&p));
    let groups: Vec<(u64, usize)> = snap
        .groups
        .iter()
        .map(|g| (g.bytes, 1 + g.followers.len()))
        .collect();
    println!(
        "opt max {}",
        best_max(&groups, p.after.balanced_servers as usize)
    );
}
