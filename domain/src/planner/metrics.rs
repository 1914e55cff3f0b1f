//! Before/after figures of a placement, including ArangoDB's own imbalance scores.
//!
//! # Which servers count
//!
//! The summary statistics (max, mean, coefficient of variation) and ArangoDB's scores are
//! computed over the **balanced servers**: every server that is neither failed nor being
//! drained, hypothetical (`WhatIf..`) servers included. Those are the servers that will
//! carry the data once the plan has run; a drained server is about to leave and a failed
//! one is ArangoDB's supervision's business. Every server still gets a row in
//! [`Figures::servers`], flagged.
//!
//! # ArangoDB's imbalance, computed ArangoDB's way
//!
//! ArangoDB's rebalancer (3.10+, `GET/POST /_admin/cluster/rebalance`) ignores real sizes.
//! It folds every collection that has `distributeShardsLike` into its prototype (only the
//! prototype's shards can be moved; the others follow), so one of its "shards" is one of
//! our shard groups, and it weighs a group's leader by how many collections move with it.
//! With all servers weighted equally (equal volume and CPU capacity), as here:
//!
//! * **shards**: every group replica counts as 1 MiB (1,048,576 bytes).
//!   `used_i` = 1 MiB x (replicas on server i), `target_i` = (sum of `used`) / n,
//!   `shards.imbalance` = sum_i (used_i - target_i)^2, in bytes squared.
//! * **leader**: `weight_i` = sum of the shard counts of the groups server i leads,
//!   `targetWeight_i` = (sum of weights) / n, plus ArangoDB's leader-duplication term: for
//!   each collection (the groups that share a prototype) with more than one shard, let
//!   `t_i` be the number of its groups led by server i, `a` the number of servers with
//!   `t_i > 0` and `avg` = (sum of t) / a; every such server adds
//!   `(t_i - avg)^2 x piFactor`. `leader.imbalance` = sum_i (weight_i - targetWeight_i)^2 +
//!   the duplication terms. `piFactor` is [`PI_FACTOR`], the value the console sends.
//!
//! These numbers let a reader compare this plan with what ArangoDB's own rebalancer would
//! report for the same placement.

use serde::{Deserialize, Serialize};

use super::snapshot::Health;
use super::state::{cv, State};

/// ArangoDB's `piFactor` as the console sends it to `/_admin/cluster/rebalance`.
pub const PI_FACTOR: f64 = 256_000_000.0;

/// What ArangoDB counts one shard replica as in its shard imbalance.
pub const ARANGO_SHARD_SIZE: f64 = 1_048_576.0;

/// Max, min, mean and spread of one per-server quantity over the balanced servers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub max: u64,
    pub min: u64,
    pub mean: f64,
    /// `max / mean`; 1 when the mean is 0.
    pub max_over_mean: f64,
    /// Coefficient of variation (standard deviation / mean); 0 when the mean is 0.
    pub cv: f64,
}

impl Stats {
    pub(crate) fn of(values: &[u64]) -> Stats {
        if values.is_empty() {
            return Stats {
                max_over_mean: 1.0,
                ..Stats::default()
            };
        }
        let max = values.iter().copied().max().unwrap_or(0);
        let min = values.iter().copied().min().unwrap_or(0);
        let mean = values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64;
        Stats {
            max,
            min,
            mean,
            max_over_mean: if mean > 0.0 { max as f64 / mean } else { 1.0 },
            cv: cv(values.iter().copied()),
        }
    }
}

/// ArangoDB's imbalance scores (see the module documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ArangoImbalance {
    /// `shards.imbalance`, bytes squared.
    pub shards: f64,
    /// `leader.imbalance`: the weight term plus `leader_duplication`.
    pub leader: f64,
    /// The leader-duplication (piFactor) part of `leader`.
    pub leader_duplication: f64,
}

/// Why ArangoDB's leader score rose from `before` to `after`, when it rose because leaders
/// reach more servers. The score compares only the servers that lead something, so 12
/// leaders on 4 servers (3 each) score 0 and on 5 (3, 3, 2, 2, 2) 307 million: a plan that
/// spreads leaders over new servers reads as millions of percent worse. `None` otherwise.
pub fn leader_score_note(before: &Figures, after: &Figures) -> Option<String> {
    let (b, a) = (before.leading_servers(), after.leading_servers());
    (after.arangodb.leader_duplication > before.arangodb.leader_duplication && a > b).then(|| {
        format!(
            "ArangoDB's leader score rises because leaders reach {a} servers instead of {b}: it compares only the servers that lead something, and a collection's leaders seldom divide evenly among more of them. Leader shards per server: {} – {} before, {} – {} after.",
            before.leaders.min, before.leaders.max, after.leaders.min, after.leaders.max
        )
    })
}

/// One server's holdings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerFigures {
    pub name: String,
    pub health: Health,
    /// A hypothetical server added for the what-if.
    pub what_if: bool,
    pub draining: bool,
    /// Counted in the summary statistics (not failed, not drained).
    pub balanced: bool,
    /// Bytes of all replicas it holds (leaders and followers).
    pub bytes: u64,
    pub documents: u64,
    /// Group replicas it holds.
    pub groups: u32,
    /// Shard replicas it holds (a group counts once per shard in it).
    pub shards: u64,
    /// Groups it leads.
    pub leader_groups: u32,
    /// Leader shards it holds.
    pub leaders: u64,
}

/// A placement's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Every server, in snapshot order, what-if servers last.
    pub servers: Vec<ServerFigures>,
    /// How many servers the statistics cover.
    pub balanced_servers: u32,
    /// Bytes per balanced server.
    pub bytes: Stats,
    /// Shard replicas per balanced server.
    pub shards: Stats,
    /// Leader shards per balanced server.
    pub leaders: Stats,
    pub arangodb: ArangoImbalance,
}

impl Figures {
    /// Counted servers that lead at least one shard group: ArangoDB's leader score
    /// compares only these with one another.
    pub fn leading_servers(&self) -> usize {
        self.servers
            .iter()
            .filter(|s| s.balanced && s.leader_groups > 0)
            .count()
    }

    pub(crate) fn of(state: &State) -> Figures {
        let mut servers: Vec<ServerFigures> = state
            .servers
            .iter()
            .map(|s| ServerFigures {
                name: s.name.clone(),
                health: s.health,
                what_if: s.what_if,
                draining: s.draining,
                balanced: s.in_pool(),
                bytes: 0,
                documents: 0,
                groups: 0,
                shards: 0,
                leader_groups: 0,
                leaders: 0,
            })
            .collect();
        for g in &state.groups {
            for (k, &s) in g.replicas.iter().enumerate() {
                let f = &mut servers[s];
                f.bytes += g.bytes;
                f.documents += g.documents;
                f.groups += 1;
                f.shards += u64::from(g.shards);
                if k == 0 {
                    f.leader_groups += 1;
                    f.leaders += u64::from(g.shards);
                }
            }
        }
        let pool = &state.pool;
        let pick = |f: fn(&ServerFigures) -> u64| -> Vec<u64> {
            pool.iter().map(|&i| f(&servers[i])).collect()
        };
        let bytes = Stats::of(&pick(|f| f.bytes));
        let shards = Stats::of(&pick(|f| f.shards));
        let leaders = Stats::of(&pick(|f| f.leaders));
        let arangodb = arango_imbalance(state);
        Figures {
            balanced_servers: pool.len() as u32,
            servers,
            bytes,
            shards,
            leaders,
            arangodb,
        }
    }
}

/// ArangoDB's scores over the balanced servers (see the module documentation).
pub(crate) fn arango_imbalance(state: &State) -> ArangoImbalance {
    let n = state.pool.len();
    if n == 0 {
        return ArangoImbalance::default();
    }
    // Position of each server in the pool, or None.
    let mut slot = vec![None; state.servers.len()];
    for (k, &s) in state.pool.iter().enumerate() {
        slot[s] = Some(k);
    }
    let mut used = vec![0.0f64; n];
    let mut weight = vec![0.0f64; n];
    for g in &state.groups {
        for (k, &s) in g.replicas.iter().enumerate() {
            if let Some(i) = slot[s] {
                used[i] += ARANGO_SHARD_SIZE;
                if k == 0 {
                    weight[i] += f64::from(g.shards);
                }
            }
        }
    }
    let target = used.iter().sum::<f64>() / n as f64;
    let shards = used.iter().map(|u| (u - target).powi(2)).sum();
    let target_weight = weight.iter().sum::<f64>() / n as f64;
    let weight_part: f64 = weight.iter().map(|w| (w - target_weight).powi(2)).sum();

    // Leader duplication per collection (groups sharing a prototype).
    let mut families: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (gi, f) in state.family.iter().enumerate() {
        if let Some(f) = f {
            families.entry(f.as_str()).or_default().push(gi);
        }
    }
    let mut duplication = 0.0;
    let mut t = vec![0.0f64; n];
    for members in families.values() {
        if members.len() < 2 {
            continue;
        }
        t.iter_mut().for_each(|x| *x = 0.0);
        for &gi in members {
            if let Some(i) = slot[state.groups[gi].replicas[0]] {
                t[i] += 1.0;
            }
        }
        let affected = t.iter().filter(|&&x| x > 0.0).count();
        if affected == 0 {
            continue;
        }
        let avg = t.iter().sum::<f64>() / affected as f64;
        duplication += t
            .iter()
            .filter(|&&x| x > 0.0)
            .map(|x| (x - avg).powi(2) * PI_FACTOR)
            .sum::<f64>();
    }
    ArangoImbalance {
        shards,
        leader: weight_part + duplication,
        leader_duplication: duplication,
    }
}
