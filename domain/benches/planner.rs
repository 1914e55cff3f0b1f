//! Rebalance planner speed and quality on synthetic clusters, single-threaded. Target: 100
//! servers and 10,000 shard groups plan in under 1 second (release). Each row prints the
//! time, the steps (moves and leader switches), the bytes moved against the lower bound,
//! and max/mean and the coefficient of variation of bytes per server before and after.
//!
//! Run: `cargo bench -p scaleout-domain --bench planner`

use std::hint::black_box;
use std::time::Instant;

use scaleout_domain::planner::{
    plan, ClusterSnapshot, Health, PlanOptions, SnapshotGroup, SnapshotServer,
};

/// xorshift64*: deterministic sizes and placements.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `servers` servers with `groups` groups of replication factor 2, placed unevenly (the
/// first servers hold more), sizes log-uniform between 10 MiB and 10 GiB.
fn cluster(servers: usize, groups: usize, seed: u64) -> ClusterSnapshot {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let names: Vec<String> = (1..=servers).map(|i| format!("DBServer{i:04}")).collect();
    let pick = |rng: &mut Rng| -> usize {
        // Skewed: the square of a uniform number favours low indices.
        let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
        ((u * u) * servers as f64) as usize
    };
    let groups = (0..groups)
        .map(|i| {
            let leader = pick(&mut rng);
            let mut follower = pick(&mut rng);
            while follower == leader {
                follower = rng.below(servers as u64) as usize;
            }
            let exp = 10.0 + 10.0 * (rng.below(1 << 20) as f64 / f64::from(1 << 20));
            let bytes = (2f64.powf(exp) * 1024.0 * 10.0) as u64;
            let mut g = SnapshotGroup::new(
                format!("s{}", 1_000_000 + i),
                names[leader].clone(),
                &[names[follower].as_str()],
                bytes,
            );
            g.documents = bytes / 600;
            g
        })
        .collect();
    ClusterSnapshot {
        servers: names
            .iter()
            .map(|n| SnapshotServer::new(n.clone(), Health::Good))
            .collect(),
        groups,
    }
}

fn main() {
    println!(
        "{:>8} {:>8} {:>6} {:>8} {:>9} {:>7} {:>10} {:>10} {:>8} {:>8} {:>9} {:>9}",
        "servers",
        "what-if",
        "drain",
        "groups",
        "seconds",
        "moves",
        "moved GiB",
        "bound GiB",
        "max/mean",
        "after",
        "CV",
        "after"
    );
    // Warm up.
    black_box(plan(&cluster(10, 100, 1), &PlanOptions::default()).expect("plans"));
    for (servers, what_if, drain, groups) in [
        (3, 2, 0, 12),
        (10, 2, 0, 1_000),
        (50, 10, 0, 5_000),
        (90, 10, 0, 10_000),
        (100, 0, 0, 10_000),
        (100, 0, 2, 10_000),
    ] {
        let snapshot = cluster(servers, groups, (servers * groups) as u64);
        let options = PlanOptions {
            what_if_servers: what_if,
            drain: (1..=drain).map(|i| format!("DBServer{i:04}")).collect(),
            ..PlanOptions::default()
        };
        let start = Instant::now();
        let p = plan(&snapshot, &options).expect("plans");
        let secs = start.elapsed().as_secs_f64();
        let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
        println!(
            "{servers:>8} {what_if:>8} {drain:>6} {groups:>8} {secs:>9.3} {:>7} {:>10.1} {:>10.1} {:>8.3} {:>8.3} {:>9.3} {:>9.4}",
            p.moves.len(),
            gib(p.bytes_to_move),
            gib(p.lower_bound_bytes),
            p.before.bytes.max_over_mean,
            p.after.bytes.max_over_mean,
            p.before.bytes.cv,
            p.after.bytes.cv,
        );
        black_box(&p);
    }
}
