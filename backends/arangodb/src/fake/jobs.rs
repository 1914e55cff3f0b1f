//! The fake's agency jobs (moveShard, queryAgencyJob, cancelAgencyJob) and rebalance plan.

use serde_json::{json, Value};

use super::{envelope, Job, State};

pub(super) fn server_index(s: &State, id: &Value) -> Option<usize> {
    s.servers
        .iter()
        .position(|(long, _, role, _)| id == long && *role == "DBServer")
}

pub(super) fn move_shard(s: &mut State, db: &str, body: &Value) -> (u16, Value) {
    if db != "_system" {
        s.violations.push("moveShard outside _system".into());
    }
    let initial = s.initial();
    if body["database"]
        .as_str()
        .is_none_or(|d| !s.databases.contains(d))
    {
        return envelope(404, 1228, "database not found");
    }
    if body["collection"] != initial.as_str() {
        return envelope(
            403,
            1003,
            "cannot move shards of a collection with distributeShardsLike",
        );
    }
    let (Some(from), Some(to)) = (
        server_index(s, &body["fromServer"]),
        server_index(s, &body["toServer"]),
    ) else {
        s.violations.push(format!(
            "moveShard servers are not long DB server ids: {body}"
        ));
        return envelope(400, 1477, "unknown server");
    };
    let Some(group) = s.collections[&initial]
        .shards
        .iter()
        .position(|x| body["shard"] == x.as_str())
    else {
        return envelope(404, 1203, "shard not found");
    };
    let (leader, followers) = &s.groups[group];
    if *leader != from && !followers.contains(&from) {
        return envelope(400, 1463, "from server does not hold the shard");
    }
    // A leader may move onto one of its followers (a leader switch).
    let switch = *leader == from && followers.contains(&to);
    if *leader == to || (followers.contains(&to) && !switch) {
        return envelope(400, 1463, "to server already holds the shard");
    }
    // ArangoDB's default: the old leader stays as a follower.
    let remains_follower = body["remainsFollower"].as_bool().unwrap_or(true);
    let id = s.id();
    s.jobs.insert(
        id.clone(),
        Job {
            status: "ToDo",
            polls: 0,
            group,
            from,
            to,
            remains_follower,
            abort_requested: false,
            ending: false,
            reason: None,
        },
    );
    (202, json!({"error": false, "code": 202, "id": id}))
}

/// One more read of the replicas still catching up: each is in sync after `sync_lag`.
pub(super) fn catch_up(s: &mut State) {
    s.syncing.retain(|_, (_, left)| {
        *left = left.saturating_sub(1);
        *left > 0
    });
}

pub(super) fn apply_move(s: &mut State, job: &Job) {
    // A copy made (not a leader switch onto a follower): the new follower catches up.
    let switch = s.groups[job.group].0 == job.from && s.groups[job.group].1.contains(&job.to);
    if s.sync_lag > 0 && !switch && s.groups[job.group].0 != job.from {
        s.syncing.insert(job.group, (job.to, s.sync_lag));
    }
    let (leader, followers) = &mut s.groups[job.group];
    if *leader == job.from {
        // As MoveShard::pendingLeader: the new leader first, the old one last unless it leaves.
        followers.retain(|f| *f != job.to);
        *leader = job.to;
        if job.remains_follower {
            followers.push(job.from);
        }
    } else {
        for f in followers.iter_mut().filter(|f| **f == job.from) {
            *f = job.to;
        }
    }
}

pub(super) fn rebalance(s: &mut State, db: &str, body: &Value) -> (u16, Value) {
    if db != "_system" {
        s.violations.push("rebalance outside _system".into());
    }
    if body["version"] != 1
        || body["piFactor"].as_f64().is_none()
        || body["maximumNumberOfMoves"].as_u64().is_none()
    {
        s.violations.push(format!("odd rebalance body {body}"));
    }
    if body["excludeSystemCollections"] != false {
        // Skips the SmartGraph's hidden edge collections: the graph looks lighter than it is.
        s.violations
            .push("rebalance with excludeSystemCollections not false".into());
    }
    let initial = s.initial();
    let moves: Vec<Value> = match s.collections.get(&initial) {
        Some(c) if !c.shards.is_empty() => {
            let (leader, followers) = &s.groups[0];
            let to = followers.first().copied().unwrap_or((*leader + 1) % 3);
            vec![
                json!({"from": s.servers[*leader].0, "to": s.servers[to].0, "shard": c.shards[0],
                        "collection": c.id, "database": s.databases.iter().find(|d| *d != "_system"), "isLeader": true}),
            ]
        }
        _ => Vec::new(),
    };
    (
        200,
        json!({"error": false, "code": 200, "result": {
        "imbalanceBefore": {"leader": {"imbalance": 8.0, "totalShards": 12}, "shards": {"imbalance": 2.0}},
        "imbalanceAfter": {"leader": {"imbalance": 1.0}, "shards": {"imbalance": 2.0}},
        "moves": moves}}),
    )
}
