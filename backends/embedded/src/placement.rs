//! Where each shard group's replicas live, and how that changes on a move, a
//! failure or a recovery. The rules are pure functions; the store only persists rows.

use rusqlite::{params, Connection};
use scaleout_domain::port::{BackendError, MoveRequest, ReplicaRole};

use crate::store::storage;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub group: u32,
    pub leader: String,
    pub followers: Vec<String>,
    /// Followers that missed writes (their server failed) and have not caught up.
    pub out_of_sync: Vec<String>,
}

impl Placement {
    pub fn holds(&self, server: &str) -> bool {
        self.leader == server || self.followers.iter().any(|f| f == server)
    }

    /// Some replica can serve reads and writes.
    pub fn available(&self, healthy: impl Fn(&str) -> bool) -> bool {
        healthy(&self.leader)
    }

    /// Every follower is healthy and caught up.
    pub fn in_sync(&self, healthy: impl Fn(&str) -> bool) -> bool {
        self.out_of_sync.is_empty() && self.followers.iter().all(|f| healthy(f))
    }
}

/// Round-robin placement of `groups` shard groups with `replication_factor` replicas
/// each over the DB servers, leaders spread first, as ArangoDB does for a new graph.
pub fn initial(
    groups: u32,
    replication_factor: u32,
    servers: &[String],
) -> Result<Vec<Placement>, BackendError> {
    let n = servers.len();
    if replication_factor == 0 || replication_factor as usize > n {
        return Err(BackendError::Invalid(format!(
            "replication factor {replication_factor} needs at least that many DB servers; the cluster has {n}"
        )));
    }
    Ok((0..groups)
        .map(|g| {
            let at = |k: usize| servers[(g as usize + k) % n].clone();
            Placement {
                group: g,
                leader: at(0),
                followers: (1..replication_factor as usize).map(at).collect(),
                out_of_sync: Vec::new(),
            }
        })
        .collect())
}

/// What a server failure did to the placement.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Failover {
    /// Groups whose leadership moved to a follower.
    pub promoted: Vec<u32>,
    /// Groups left without a serving replica (replication factor 1, or no in-sync follower).
    pub unavailable: Vec<u32>,
}

/// Fails `failed` over: each group it leads is taken over by its first healthy,
/// in-sync follower (the old leader becomes an out-of-sync follower); groups it
/// follows mark it out of sync.
pub fn fail_over(
    placements: &mut [Placement],
    failed: &str,
    healthy: impl Fn(&str) -> bool,
) -> Failover {
    let mut result = Failover::default();
    for p in placements.iter_mut() {
        if p.leader == failed {
            let successor = p
                .followers
                .iter()
                .position(|f| f != failed && healthy(f) && !p.out_of_sync.contains(f));
            match successor {
                Some(i) => {
                    let new_leader = p.followers.remove(i);
                    p.followers.insert(0, failed.to_string());
                    p.leader = new_leader;
                    mark_out_of_sync(p, failed);
                    result.promoted.push(p.group);
                }
                None => result.unavailable.push(p.group),
            }
        } else if p.followers.iter().any(|f| f == failed) {
            mark_out_of_sync(p, failed);
        }
    }
    result
}

fn mark_out_of_sync(p: &mut Placement, server: &str) {
    if !p.out_of_sync.iter().any(|s| s == server) {
        p.out_of_sync.push(server.to_string());
    }
}

/// A recovered server catches up on every group it follows.
pub fn restore(placements: &mut [Placement], server: &str) {
    for p in placements.iter_mut() {
        p.out_of_sync.retain(|s| s != server);
    }
}

/// Checks that a move makes sense for the current placement. A leader "moved"
/// onto one of its in-sync followers is a leader switch, as in ArangoDB.
pub fn check_move(p: &Placement, req: &MoveRequest) -> Result<(), BackendError> {
    let group = req.group;
    if req.from == req.to {
        return Err(BackendError::Invalid(format!(
            "shard group {group} is already on {}",
            req.to
        )));
    }
    match req.role {
        ReplicaRole::Leader if p.leader != req.from => {
            return Err(BackendError::Conflict(format!(
                "shard group {group} is led by {}, not {}",
                p.leader, req.from
            )))
        }
        ReplicaRole::Follower if !p.followers.contains(&req.from) => {
            return Err(BackendError::Conflict(format!(
                "{} holds no follower of shard group {group}",
                req.from
            )))
        }
        _ => {}
    }
    if req.role == ReplicaRole::Leader && p.followers.contains(&req.to) {
        if p.out_of_sync.contains(&req.to) {
            return Err(BackendError::Conflict(format!(
                "{} is not in sync for shard group {group}: leadership cannot switch to it yet",
                req.to
            )));
        }
        return Ok(());
    }
    if p.holds(&req.to) {
        return Err(BackendError::Conflict(format!(
            "{} already holds a replica of shard group {group}: two replicas of a group never share a server",
            req.to
        )));
    }
    Ok(())
}

/// Whether the (checked) move only hands leadership to a follower: no data copies.
pub fn is_leader_switch(p: &Placement, req: &MoveRequest) -> bool {
    req.role == ReplicaRole::Leader && p.followers.contains(&req.to)
}

/// The placement after a finished move (checked with [`check_move`] first).
pub fn apply_move(p: &mut Placement, req: &MoveRequest) {
    match req.role {
        ReplicaRole::Leader => {
            if let Some(f) = p.followers.iter_mut().find(|f| **f == req.to) {
                *f = req.from.clone(); // a switch: the old leader follows
            }
            p.leader = req.to.clone();
        }
        ReplicaRole::Follower => {
            for f in p.followers.iter_mut().filter(|f| **f == req.from) {
                *f = req.to.clone();
            }
            p.out_of_sync.retain(|s| *s != req.from);
        }
    }
}

pub fn load_all(conn: &Connection) -> Result<Vec<Placement>, BackendError> {
    let mut stmt = conn
        .prepare_cached("SELECT grp, leader, followers, out_of_sync FROM placement ORDER BY grp")
        .map_err(storage)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .map_err(storage)?;
    let mut out = Vec::new();
    for row in rows {
        let (group, leader, followers, out_of_sync) = row.map_err(storage)?;
        out.push(Placement {
            group,
            leader,
            followers: parse_list(&followers)?,
            out_of_sync: parse_list(&out_of_sync)?,
        });
    }
    Ok(out)
}

pub fn load(conn: &Connection, group: u32) -> Result<Placement, BackendError> {
    load_all(conn)?
        .into_iter()
        .find(|p| p.group == group)
        .ok_or_else(|| BackendError::NotFound(format!("there is no shard group {group}")))
}

pub fn save(conn: &Connection, p: &Placement) -> Result<(), BackendError> {
    conn.execute(
        "INSERT INTO placement (grp, leader, followers, out_of_sync) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (grp) DO UPDATE SET leader = excluded.leader, followers = excluded.followers,
                                         out_of_sync = excluded.out_of_sync",
        params![
            p.group,
            p.leader,
            serde_json::to_string(&p.followers).expect("list serialises"),
            serde_json::to_string(&p.out_of_sync).expect("list serialises"),
        ],
    )
    .map_err(storage)?;
    Ok(())
}

fn parse_list(json: &str) -> Result<Vec<String>, BackendError> {
    serde_json::from_str(json)
        .map_err(|e| BackendError::Storage(format!("unreadable placement record: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn servers(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("DBServer{i:04}")).collect()
    }

    #[test]
    fn initial_placement_spreads_leaders_and_never_doubles_a_replica() {
        let p = initial(12, 2, &servers(3)).unwrap();
        assert_eq!(p.len(), 12);
        for s in servers(3) {
            assert_eq!(p.iter().filter(|g| g.leader == s).count(), 4, "{s}");
        }
        assert!(p
            .iter()
            .all(|g| g.followers.len() == 1 && g.followers[0] != g.leader));
    }

    #[test]
    fn replication_factor_above_server_count_is_refused() {
        let err = initial(12, 4, &servers(3)).unwrap_err();
        assert!(matches!(err, BackendError::Invalid(m) if m.contains("at least")));
    }

    #[test]
    fn failover_promotes_an_in_sync_follower() {
        let mut p = initial(6, 2, &servers(3)).unwrap();
        let led: Vec<u32> = p
            .iter()
            .filter(|g| g.leader == "DBServer0001")
            .map(|g| g.group)
            .collect();
        let f = fail_over(&mut p, "DBServer0001", |s| s != "DBServer0001");
        assert_eq!(f.promoted, led);
        assert!(f.unavailable.is_empty());
        for g in &p {
            assert_ne!(g.leader, "DBServer0001");
            if g.holds("DBServer0001") {
                assert_eq!(g.out_of_sync, vec!["DBServer0001".to_string()]);
            }
        }
        restore(&mut p, "DBServer0001");
        assert!(p.iter().all(|g| g.out_of_sync.is_empty()));
    }

    #[test]
    fn without_a_follower_the_group_becomes_unavailable() {
        let mut p = initial(3, 1, &servers(3)).unwrap();
        let f = fail_over(&mut p, "DBServer0002", |s| s != "DBServer0002");
        assert_eq!(f.unavailable, vec![1]);
        assert!(!p[1].available(|s| s != "DBServer0002"));
        assert!(p[0].available(|s| s != "DBServer0002"));
    }

    #[test]
    fn an_out_of_sync_follower_is_not_promoted() {
        let mut p = vec![Placement {
            group: 0,
            leader: "A".into(),
            followers: vec!["B".into()],
            out_of_sync: vec!["B".into()],
        }];
        let f = fail_over(&mut p, "A", |s| s != "A");
        assert_eq!(f.unavailable, vec![0]);
    }

    #[test]
    fn moves_are_checked_then_applied() {
        let mut p = Placement {
            group: 3,
            leader: "A".into(),
            followers: vec!["B".into()],
            out_of_sync: vec![],
        };
        let follower_onto_leader = MoveRequest {
            group: 3,
            from: "B".into(),
            to: "A".into(),
            role: ReplicaRole::Follower,
        };
        assert!(matches!(
            check_move(&p, &follower_onto_leader),
            Err(BackendError::Conflict(_))
        ));
        let switch = MoveRequest {
            group: 3,
            from: "A".into(),
            to: "B".into(),
            role: ReplicaRole::Leader,
        };
        check_move(&p, &switch).unwrap();
        assert!(is_leader_switch(&p, &switch));
        let mut switched = p.clone();
        apply_move(&mut switched, &switch);
        assert_eq!(switched.leader, "B");
        assert_eq!(switched.followers, vec!["A".to_string()]);
        let wrong_from = MoveRequest {
            group: 3,
            from: "C".into(),
            to: "D".into(),
            role: ReplicaRole::Leader,
        };
        assert!(check_move(&p, &wrong_from).is_err());
        let ok = MoveRequest {
            group: 3,
            from: "A".into(),
            to: "C".into(),
            role: ReplicaRole::Leader,
        };
        check_move(&p, &ok).unwrap();
        apply_move(&mut p, &ok);
        assert_eq!(p.leader, "C");
        let follower = MoveRequest {
            group: 3,
            from: "B".into(),
            to: "D".into(),
            role: ReplicaRole::Follower,
        };
        check_move(&p, &follower).unwrap();
        apply_move(&mut p, &follower);
        assert_eq!(p.followers, vec!["D".to_string()]);
    }
}
