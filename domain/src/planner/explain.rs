//! Plain-language reasons why a plan does not reach perfect balance.
//!
//! "Perfect" means the most loaded balanced server carries at most 1% more than the mean
//! (in the target's unit). When a plan falls short, each applicable reason is given, most
//! fundamental first: a group bigger than a fair share, too few replicas to spread, servers
//! that cannot take data, groups that may not move, the cap, and finally the granularity
//! of groups (the remaining gaps are smaller than any group that could still move).

use super::options::BalanceTarget;
use super::snapshot::Health;
use super::state::State;
use crate::units::human_bytes;

/// Within 1% of the mean counts as perfect.
const PERFECT: f64 = 1.01;

/// How many offending groups or servers a reason names before summarising.
const NAMED: usize = 3;

pub(crate) fn reasons(
    initial: &State,
    last: &State,
    target: BalanceTarget,
    capped: bool,
    cap: usize,
) -> Vec<String> {
    let pool = &last.pool;
    if last.groups.is_empty() {
        return Vec::new();
    }
    if pool.is_empty() {
        return vec!["no server can hold data: every server is failed or being drained".into()];
    }
    let loads: Vec<u64> = pool.iter().map(|&i| last.load[i]).collect();
    let total: u64 = loads.iter().sum();
    let mean = total as f64 / loads.len() as f64;
    let max = loads.iter().copied().max().unwrap_or(0);
    if total == 0 || (max as f64) <= mean * PERFECT {
        return Vec::new();
    }
    let unit = |v: f64| match target {
        BalanceTarget::Bytes => human_bytes(v.round() as u64),
        BalanceTarget::ShardCount => format!("{v:.1} shards"),
    };
    let mut out = Vec::new();

    // 1. Groups larger than a fair share.
    let mut big: Vec<usize> = (0..last.groups.len())
        .filter(|&g| last.groups[g].weight as f64 > mean)
        .collect();
    big.sort_by_key(|&g| (std::cmp::Reverse(last.groups[g].weight), g));
    if !big.is_empty() {
        let names: Vec<String> = big
            .iter()
            .take(NAMED)
            .map(|&g| {
                let group = &last.groups[g];
                format!("{} ({})", group.id, unit(group.weight as f64))
            })
            .collect();
        let more = big.len().saturating_sub(NAMED);
        out.push(format!(
            "{} {} larger than a server's fair share ({}): each server holding a replica of {} \
             carries at least that much, however the rest is placed. A shard group moves whole: \
             one holding several tenants shrinks only with more shards (numberOfShards, set when \
             the graph is made), and one tenant this big stays in one group, so its servers stay \
             the fullest{}",
            if big.len() == 1 {
                "shard group".to_string()
            } else {
                "shard groups".to_string()
            },
            if big.len() == 1 {
                format!("{} is", names[0])
            } else {
                format!(
                    "{}{} are",
                    names.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                )
            },
            unit(mean),
            if big.len() == 1 { "it" } else { "one" },
            "."
        ));
    }

    // 2. Too few replicas for the servers.
    // Replicas on the balanced servers: all of them, and those that hold data (empty
    // groups fill no server).
    let on_pool = |g: &&super::state::Group| {
        g.replicas
            .iter()
            .filter(|&&s| last.servers[s].in_pool())
            .count()
    };
    let replicas: usize = last.groups.iter().map(|g| on_pool(&g)).sum();
    let groups = last.groups.len();
    let holding: usize = last
        .groups
        .iter()
        .filter(|g| g.weight > 0)
        .map(|g| on_pool(&g))
        .sum();
    let empty_servers = pool.iter().filter(|&&i| last.load[i] == 0).count();
    if holding < pool.len() && replicas >= pool.len() && empty_servers > 0 {
        out.push(format!(
            "only {holding} of the {replicas} shard-group replicas hold data, for {} servers: {empty_servers} \
             server{} stay{} empty. The planner moves a group only when that lowers the fullest server \
             or raises the emptiest one; with servers that must stay empty the emptiest cannot rise, \
             so groups that share a server stay together unless moving one lowers the fullest. More \
             shards per collection would spread the data.",
            pool.len(),
            plural(empty_servers),
            if empty_servers == 1 { "s" } else { "" },
        ));
    }
    // Copies of each shard, to say how many shards a number of servers needs.
    let factor = replicas.checked_div(groups).unwrap_or(1).max(1);
    let needed = pool.len().div_ceil(factor);
    if replicas < pool.len() {
        out.push(format!(
            "there are only {groups} shard group{} ({replicas} replicas) for {} servers: at least \
             {} server{} must stay empty. {} servers need at least {needed} shards at replication \
             factor {factor} (--number-of-shards {needed} when the graph is made; it cannot change \
             afterwards).",
            plural(groups),
            pool.len(),
            pool.len() - replicas,
            plural(pool.len() - replicas),
            pool.len(),
        ));
    } else if groups < pool.len() {
        out.push(format!(
            "there are fewer shard groups ({groups}) than servers ({}): with {replicas} replicas \
             for {} servers some servers hold more replicas than others, and sizes cannot even \
             out. A shard count that is a multiple of the servers ({} or more) would let every \
             server hold as many replicas.",
            pool.len(),
            pool.len(),
            pool.len()
        ));
    }

    // 3. Servers that cannot take data.
    let stuck: Vec<&str> = pool
        .iter()
        .filter(|&&i| !last.servers[i].can_receive() && (last.load[i] as f64) < mean)
        .map(|&i| last.servers[i].name.as_str())
        .collect();
    if !stuck.is_empty() {
        out.push(format!(
            "{} {} unhealthy (BAD: missing heartbeats) and below {} fair share: the planner never \
             moves data onto an unhealthy server.",
            list(&stuck),
            if stuck.len() == 1 { "is" } else { "are" },
            if stuck.len() == 1 { "its" } else { "their" }
        ));
    }
    let failed: Vec<&str> = initial
        .servers
        .iter()
        .filter(|s| s.health == Health::Failed && !s.draining)
        .map(|s| s.name.as_str())
        .collect();
    if !failed.is_empty() {
        out.push(format!(
            "{} {} failed and left out: ArangoDB fails {} shards over by itself, so the planner \
             neither moves data onto {} nor moves {} replicas.",
            list(&failed),
            if failed.len() == 1 { "is" } else { "are" },
            if failed.len() == 1 { "its" } else { "their" },
            if failed.len() == 1 { "it" } else { "them" },
            if failed.len() == 1 { "its" } else { "their" }
        ));
    }
    let receivers = pool
        .iter()
        .filter(|&&i| last.servers[i].can_receive())
        .count();
    let everywhere = last
        .groups
        .iter()
        .filter(|g| g.replicas.len() >= receivers)
        .count();
    if everywhere > 0 && everywhere == last.groups.len() {
        out.push(format!(
            "every shard group has as many replicas as there are servers that can take data \
             ({receivers}): each of them already holds every group, so nothing can move."
        ));
    }

    // 4. Groups that may not move.
    let frozen = initial.pinned();
    if frozen > 0 {
        out.push(format!(
            "{frozen} shard group{} may not move (followers not in sync, or a replica on a failed \
             server).",
            plural(frozen)
        ));
    }

    // 5. The cap.
    if capped {
        out.push(format!(
            "the plan stopped at the cap of {cap} steps; an uncapped plan may balance further."
        ));
    }

    // 6. Granularity.
    if out.is_empty() {
        out.push(
            "the remaining differences between servers are smaller than any shard group that \
             could still move: moving one more would overshoot and make the balance worse. \
             Groups move whole; more, smaller shards would allow a finer balance."
                .to_string(),
        );
    }
    out
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn list(names: &[&str]) -> String {
    if names.len() <= NAMED {
        names.join(", ")
    } else {
        format!(
            "{} and {} more",
            names[..NAMED].join(", "),
            names.len() - NAMED
        )
    }
}
