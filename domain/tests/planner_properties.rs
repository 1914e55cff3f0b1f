//! Property tests of the rebalance planner: every invariant a plan promises, checked by an
//! independent replay after every step on random clusters (any health, drains, caps,
//! targets, groups out of sync); the lower bound checked against brute force; and the
//! quality checked case by case against brute force on a fixed sample of small clusters.

mod planner_support;

use planner_support::*;
use proptest::prelude::*;
use scaleout_domain::planner::{
    plan, BalanceTarget, ClusterSnapshot, Health, PlanError, PlanOptions, SnapshotGroup,
    SnapshotServer, StepKind,
};

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// No two replicas of a group on a server after any prefix; never onto a failed, bad or
    /// draining server; the cap; every optional move strictly improves (and the curve
    /// strictly falls); mandatory moves first; drained servers end empty; replica counts and
    /// byte totals conserved; figures agree with the replay.
    #[test]
    fn every_rule_holds_after_every_step((snap, opts) in any_cluster(6, 10)) {
        match plan(&snap, &opts) {
            Ok(p) => {
                if let Err(e) = replay(&snap, &opts, &p) {
                    return Err(TestCaseError::fail(format!(
                        "{e}\n{}\n{opts:?}", serde_json::to_string(&snap).unwrap()
                    )));
                }
                // Optional moves never make it worse than before the balancing started.
                let mandatory = p.moves.iter().filter(|m| m.mandatory).count();
                prop_assert!(p.curve.last().unwrap() <= &p.curve[mandatory]);
                if opts.drain.is_empty() {
                    prop_assert!(p.after.bytes.max <= p.before.bytes.max || p.target != BalanceTarget::Bytes);
                }
            }
            Err(PlanError::NoReceiver { group, .. }) => {
                // Legitimate only when every healthy, non-drained server already holds it.
                let g = snap.groups.iter().find(|g| g.id == group).unwrap();
                prop_assert_eq!(opts.what_if_servers, 0);
                let receivers = snap.servers.iter()
                    .filter(|s| s.health == Health::Good && !opts.drain.contains(&s.name));
                for r in receivers {
                    prop_assert!(g.replicas().any(|x| x == r.name));
                }
            }
            Err(e) => return Err(TestCaseError::fail(format!("unexpected error {e}"))),
        }
    }

    #[test]
    fn plans_are_deterministic((snap, opts) in any_cluster(5, 10)) {
        let a = plan(&snap, &opts).map(|p| serde_json::to_string(&p).unwrap());
        let b = plan(&snap, &opts).map(|p| serde_json::to_string(&p).unwrap());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn by_shard_count_the_rules_hold_too((snap, mut opts) in any_cluster(5, 10)) {
        opts.target = BalanceTarget::ShardCount;
        if let Ok(p) = plan(&snap, &opts) {
            prop_assert_eq!(p.target, BalanceTarget::ShardCount);
            replay(&snap, &opts, &p).map_err(TestCaseError::fail)?;
        }
    }

    /// The reported lower bound is a lower bound: an independent Dijkstra over every
    /// sequence of moves that each improve balance finds none that reaches the
    /// plan's band with fewer bytes; and brute force over all re-placements (in any order)
    /// finds none with more than the plan.
    #[test]
    fn the_lower_bound_is_a_lower_bound((snap, opts) in healthy_cluster(4, 7, 1)) {
        let p = plan(&snap, &opts).unwrap();
        let r = replay(&snap, &opts, &p).map_err(TestCaseError::fail)?;
        let pool_loads = r.pool_bytes();
        let (lo, hi) = (*pool_loads.iter().min().unwrap(), *pool_loads.iter().max().unwrap());
        if let Some(min) = contract_min_bytes(&snap, opts.what_if_servers as usize, lo, hi, 200_000) {
            prop_assert!(p.lower_bound_bytes <= min, "bound {} > contract minimum {}", p.lower_bound_bytes, min);
        }
        let groups: Vec<(u64, Vec<usize>)> = snap.groups.iter()
            .map(|g| (g.bytes, g.replicas().map(|s| r.names.iter().position(|n| n == s).unwrap()).collect()))
            .collect();
        let mut budget = 2_000_000;
        if let Some(min) = min_bytes_for_band(&groups, r.names.len(), lo, hi, &mut budget) {
            prop_assert!(p.bytes_to_move >= min);
        }
        prop_assert!(p.lower_bound_bytes <= p.bytes_to_move);
    }
}

/// Deterministic generator for the quality sample.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// Shape of the random small clusters the quality is measured on.
#[derive(Debug, Clone, Copy)]
struct Shape {
    servers: (u64, u64),
    what_if: (u64, u64),
    groups: (u64, u64),
    replication: (u64, u64),
    bytes: (u64, u64),
}

/// The sample the quality test runs on: 2-4 servers plus 0-2 what-if ones, 4-10 shard
/// groups of replication factor 1-2, sizes 500-1500 (tenants differ up to 3x).
/// The per-case test's sample: 2-3 servers plus 0-2 what-if ones, 4-7 groups of
/// replication factor 1-2: small enough for brute force to see every placement a plan can
/// reach.
const TEST_SHAPE: Shape = Shape {
    servers: (2, 3),
    what_if: (0, 2),
    groups: (4, 7),
    replication: (1, 2),
    bytes: (500, 1500),
};

const SMALL: Shape = Shape {
    servers: (2, 4),
    what_if: (0, 2),
    groups: (4, 10),
    replication: (1, 2),
    bytes: (500, 1500),
};

/// Past the exhaustive search (up to 16 groups on 8 servers) and the exact one (24
/// groups): 3-8 servers plus 0-3 what-if ones, 10-40 groups.
const MEDIUM: Shape = Shape {
    servers: (3, 8),
    what_if: (0, 3),
    groups: (10, 40),
    replication: (1, 2),
    bytes: (500, 1500),
};

fn random_cluster(rng: &mut Rng, shape: Shape) -> (ClusterSnapshot, PlanOptions) {
    let servers = rng.range(shape.servers.0, shape.servers.1) as usize;
    let rf = (rng.range(shape.replication.0, shape.replication.1) as usize).min(servers);
    let what_if = rng.range(shape.what_if.0, shape.what_if.1) as u32;
    let groups = rng.range(shape.groups.0, shape.groups.1) as usize;
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
                rng.range(shape.bytes.0, shape.bytes.1),
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

/// What the quality measurement found.
#[derive(Debug, Default)]
struct Quality {
    cases: usize,
    /// Cases whose best reachable max brute force could not establish within its limit
    /// (checked against the best it saw, a weaker check).
    uncertain: usize,
    /// Max above 1.05 x the best any placement reaches, but within 5% of the best a plan
    /// obeying the contract (every move improves balance) can reach: the input allows no
    /// better plan.
    contract_limited: usize,
    /// Max above 1.05 x the best a plan obeying the contract can reach (failures).
    over_reachable: Vec<String>,
    /// Bytes moved above 1.2 x the reported lower bound (failures).
    over_bound: Vec<String>,
    /// A curve that does not fall at every move (failures).
    curve: Vec<String>,
    worst_vs_bound: f64,
    /// Worst max / best reachable max.
    worst_vs_reachable: f64,
    plan_time: f64,
    slowest_plan: f64,
}

/// Runs the planner on `cases` random clusters of `shape` and compares each plan with
/// brute force: the best max any placement of those group sizes reaches, and the best a
/// plan whose every move improves balance can reach ([`reachable`], up to `limit`
/// placements).
fn measure(seed: u64, cases: usize, shape: Shape, limit: usize) -> Quality {
    let mut rng = Rng(seed | 1);
    let mut q = Quality {
        cases,
        worst_vs_bound: 1.0,
        worst_vs_reachable: 1.0,
        ..Quality::default()
    };
    for case in 0..cases {
        let (snap, opts) = random_cluster(&mut rng, shape);
        let t0 = std::time::Instant::now();
        let p = plan(&snap, &opts).expect("plans");
        let took = t0.elapsed().as_secs_f64();
        q.plan_time += took;
        q.slowest_plan = q.slowest_plan.max(took);
        let r = replay(&snap, &opts, &p).expect("valid plan");
        let tag = || format!("case {case}: {}", serde_json::to_string(&snap).unwrap());
        let falls = |i: usize| p.curve[i + 1] < p.curve[i];
        if (0..p.moves.len()).any(|i| p.moves[i].kind == StepKind::Move && !falls(i)) {
            q.curve.push(tag());
        }
        let max = *r.pool_bytes().iter().max().unwrap();
        let (reach, _, complete) = reachable(&snap, opts.what_if_servers as usize, limit);
        if !complete {
            q.uncertain += 1;
        }
        q.worst_vs_reachable = q.worst_vs_reachable.max(max as f64 / reach as f64);
        if u128::from(max) * 100 > u128::from(reach) * 105 {
            q.over_reachable
                .push(format!("{} (max {max} > 1.05 x {reach})", tag()));
        } else {
            let groups: Vec<(u64, usize)> = snap
                .groups
                .iter()
                .map(|g| (g.bytes, 1 + g.followers.len()))
                .collect();
            // Is there a placement with every server below max / 1.05?
            let below = ((max as f64) / 1.05).ceil() as u64 - 1;
            if placement_within(&groups, r.pool.len(), below) {
                q.contract_limited += 1;
            }
        }
        if p.bytes_to_move > 0 {
            let ratio = p.bytes_to_move as f64 / p.lower_bound_bytes.max(1) as f64;
            q.worst_vs_bound = q.worst_vs_bound.max(ratio);
            if u128::from(p.bytes_to_move) * 5 > u128::from(p.lower_bound_bytes) * 6 {
                q.over_bound.push(format!("{} (ratio {ratio:.3})", tag()));
            }
        }
    }
    q
}

/// Quality on every one of a fixed sample of small clusters (`CASES=n` for another
/// number), against brute force, case by case: the final max is within 5% of the best
/// max any plan obeying the contract (every move improves balance) can reach, the bytes
/// moved are at most 1.2 x the reported lower bound, and the curve falls at every move.
///
/// The best *placement* of those group sizes is not always reachable under the contract:
/// with server A holding groups {6, 4} and B {5, 3}, the best placement is 9/9, but every
/// move between them makes balance worse first, so a plan that may be stopped after any
/// move cannot get there (`planner` module documentation and
/// `a_swap_whose_midpoint_is_worse_is_not_made`). Those cases are counted, not failed.
#[test]
fn quality_on_every_small_cluster() {
    let cases = std::env::var("CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(40);
    let q = measure(0x5eed_0001, cases, TEST_SHAPE, 200_000);
    println!(
        "{} cases, {} limited by the contract, worst max/reachable {:.3}, worst bytes/bound \
         {:.3}, planning {:.2}s (slowest {:.3}s)",
        q.cases,
        q.contract_limited,
        q.worst_vs_reachable,
        q.worst_vs_bound,
        q.plan_time,
        q.slowest_plan
    );
    assert_eq!(
        q.uncertain, 0,
        "brute force must be exhaustive on this sample"
    );
    assert!(
        q.over_reachable.is_empty() && q.over_bound.is_empty() && q.curve.is_empty(),
        "above the best reachable: {:#?}\nabove 1.2 x the bound: {:#?}\ncurve: {:#?}",
        q.over_reachable,
        q.over_bound,
        q.curve
    );
}

/// Bytes within 1.2 x the reported bound, case by case, on clusters too big for the brute
/// force above (up to 6 servers and 10 groups): the bound itself is checked against an
/// independent search in `the_lower_bound_is_a_lower_bound`. (`CASES=n`, `SEED=<hex>`,
/// `SHAPE=medium` for up to 11 servers and 40 groups.)
#[test]
fn bytes_stay_near_the_bound_on_bigger_small_clusters() {
    let cases = std::env::var("CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(30);
    let seed = std::env::var("SEED")
        .ok()
        .and_then(|c| u64::from_str_radix(c.trim_start_matches("0x"), 16).ok())
        .unwrap_or(0x5eed_0003);
    let shape = match std::env::var("SHAPE").as_deref() {
        Ok("medium") => MEDIUM,
        _ => SMALL,
    };
    let mut rng = Rng(seed);
    let mut over = Vec::new();
    for case in 0..cases {
        let (snap, opts) = random_cluster(&mut rng, shape);
        let p = plan(&snap, &opts).expect("plans");
        replay(&snap, &opts, &p).expect("valid plan");
        if u128::from(p.bytes_to_move) * 5 > u128::from(p.lower_bound_bytes) * 6 {
            over.push(format!(
                "{case} {} {}",
                opts.what_if_servers,
                serde_json::to_string(&snap).unwrap()
            ));
        }
    }
    assert!(
        over.is_empty(),
        "{} of {cases} cases move more than 1.2 x the bound (case, what-if servers, \
         snapshot):\n{}",
        over.len(),
        over.join("\n")
    );
}

/// Prints the quality for bigger samples and shapes (slow: run in release with
/// `--ignored --nocapture`; `SURVEY=<name prefix>` for one shape, `CASES=n`).
#[test]
#[ignore]
fn quality_survey() {
    let only = std::env::var("SURVEY").ok();
    let scale: Option<usize> = std::env::var("CASES").ok().and_then(|c| c.parse().ok());
    for (name, shape, cases) in [
        ("test: the per-case test's shape", TEST_SHAPE, 2000),
        ("small: up to 6 servers, 10 groups", SMALL, 1000),
        (
            "coarse: 2-4 servers, 6-12 groups, sizes 100-1000",
            Shape {
                groups: (6, 12),
                bytes: (100, 1000),
                ..SMALL
            },
            500,
        ),
    ] {
        if only.as_deref().is_some_and(|o| !name.starts_with(o)) {
            continue;
        }
        let q = measure(0x5eed_0002, scale.unwrap_or(cases), shape, 300_000);
        println!(
            "{name}: {} cases ({} where brute force saw only part of the reachable \
             placements); limited by the contract (max > 1.05 x optimum): {} ({:.2}%); \
             above 1.05 x the best reachable: {} (worst {:.3}); bytes > 1.2 x bound: {} \
             (worst {:.3}); curves not falling: {}; planning {:.3}s mean, {:.3}s slowest",
            q.cases,
            q.uncertain,
            q.contract_limited,
            100.0 * q.contract_limited as f64 / q.cases as f64,
            q.over_reachable.len(),
            q.worst_vs_reachable,
            q.over_bound.len(),
            q.worst_vs_bound,
            q.curve.len(),
            q.plan_time / q.cases as f64,
            q.slowest_plan,
        );
        for f in q.over_reachable.iter().chain(&q.over_bound).take(3) {
            println!("  {f}");
        }
    }
}
