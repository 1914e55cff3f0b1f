//! The planner's working copy of the cluster: servers and groups by index, per-server loads
//! kept up to date as moves are applied. Built (and checked) from a snapshot and options.

use std::collections::BTreeMap;

use super::error::PlanError;
use super::options::{what_if_name, BalanceTarget, PlanOptions};
use super::snapshot::{ClusterSnapshot, Health};

#[derive(Debug, Clone)]
pub(crate) struct Server {
    pub name: String,
    pub health: Health,
    pub what_if: bool,
    pub draining: bool,
}

impl Server {
    /// Counted in the balance figures and the objective: not failed, not being drained.
    pub fn in_pool(&self) -> bool {
        self.health != Health::Failed && !self.draining
    }

    /// May receive replicas (and leadership): healthy and not being drained.
    pub fn can_receive(&self) -> bool {
        self.health == Health::Good && !self.draining
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub id: String,
    /// The prototype collection and its shard: what a moveShard job names.
    pub collection: Option<String>,
    pub shard: Option<String>,
    pub bytes: u64,
    pub documents: u64,
    pub shards: u32,
    /// Size in the unit of the balance target (bytes or shards).
    pub weight: u64,
    /// May be moved for balance (in sync, no replica on a failed server).
    pub movable: bool,
    /// Server indices; `replicas[0]` is the leader.
    pub replicas: Vec<usize>,
}

impl Group {
    pub fn holds(&self, server: usize) -> bool {
        self.replicas.contains(&server)
    }

    pub fn leader_weight(&self) -> u64 {
        u64::from(self.shards)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct State {
    pub servers: Vec<Server>,
    pub groups: Vec<Group>,
    /// Per server: the sum of the weights of the replicas it holds.
    pub load: Vec<u64>,
    /// Per server: the shard count of the groups it leads.
    pub leader_load: Vec<u64>,
    /// Per server: the groups it holds a replica of.
    pub held: Vec<Vec<usize>>,
    /// The servers in the pool, by index.
    pub pool: Vec<usize>,
    /// Prototype collection of each group (`None`: the group is its own collection).
    pub family: Vec<Option<String>>,
}

impl State {
    /// Whether a plan may move group `g` at all: it is movable, or it has a replica on
    /// a server being drained (a drain moves every replica off, in sync or not).
    pub fn may_move(&self, g: usize) -> bool {
        let group = &self.groups[g];
        group.movable || group.replicas.iter().any(|&s| self.servers[s].draining)
    }

    /// Groups that no move of a plan may touch.
    pub fn pinned(&self) -> usize {
        (0..self.groups.len())
            .filter(|&g| !self.may_move(g))
            .count()
    }

    /// Groups moved only off a drained server: not in sync, or with a replica on a
    /// failed server.
    pub fn drained_only(&self) -> usize {
        (0..self.groups.len())
            .filter(|&g| !self.groups[g].movable && self.may_move(g))
            .count()
    }

    pub fn build(
        snapshot: &ClusterSnapshot,
        options: &PlanOptions,
        target: BalanceTarget,
    ) -> Result<State, PlanError> {
        let mut servers = Vec::new();
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        for s in snapshot.effective_servers() {
            if by_name.insert(s.name.clone(), servers.len()).is_some() {
                return Err(PlanError::DuplicateServer { name: s.name });
            }
            servers.push(Server {
                name: s.name,
                health: s.health,
                what_if: false,
                draining: false,
            });
        }
        let mut n = 0u32;
        for _ in 0..options.what_if_servers {
            let name = loop {
                n += 1;
                let name = what_if_name(n);
                if !by_name.contains_key(&name) {
                    break name;
                }
            };
            by_name.insert(name.clone(), servers.len());
            servers.push(Server {
                name,
                health: Health::Good,
                what_if: true,
                draining: false,
            });
        }
        for d in &options.drain {
            match by_name.get(d) {
                Some(&i) => servers[i].draining = true,
                None => {
                    return Err(PlanError::UnknownDrainServer {
                        name: d.clone(),
                        known: by_name.keys().cloned().collect::<Vec<_>>().join(", "),
                    })
                }
            }
        }

        let mut groups = Vec::with_capacity(snapshot.groups.len());
        let mut family = Vec::with_capacity(snapshot.groups.len());
        let mut ids: BTreeMap<String, ()> = BTreeMap::new();
        let mut held = vec![Vec::new(); servers.len()];
        let mut load = vec![0u64; servers.len()];
        let mut leader_load = vec![0u64; servers.len()];
        for (position, g) in snapshot.groups.iter().enumerate() {
            let id = snapshot.group_name(position);
            if ids.insert(id.clone(), ()).is_some() {
                return Err(PlanError::DuplicateGroup { id });
            }
            if g.leader.is_empty() {
                return Err(PlanError::MissingLeader { group: id });
            }
            let mut replicas = Vec::with_capacity(1 + g.followers.len());
            for name in g.replicas() {
                let Some(&s) = by_name.get(name) else {
                    return Err(PlanError::UnknownServer {
                        group: id,
                        server: name.to_string(),
                    });
                };
                if servers[s].what_if {
                    // A hypothetical server cannot hold data yet.
                    return Err(PlanError::UnknownServer {
                        group: id,
                        server: name.to_string(),
                    });
                }
                if replicas.contains(&s) {
                    return Err(PlanError::DuplicateReplica {
                        group: id,
                        server: name.to_string(),
                    });
                }
                replicas.push(s);
            }
            let shards = g.shard_count();
            let weight = match target {
                BalanceTarget::Bytes => g.bytes,
                BalanceTarget::ShardCount => u64::from(shards),
            };
            let movable = g.in_sync
                && replicas
                    .iter()
                    .all(|&s| servers[s].health != Health::Failed);
            let index = groups.len();
            for (k, &s) in replicas.iter().enumerate() {
                held[s].push(index);
                load[s] += weight;
                if k == 0 {
                    leader_load[s] += u64::from(shards);
                }
            }
            family.push(g.collections.first().cloned());
            groups.push(Group {
                id,
                collection: g.collections.first().cloned(),
                shard: g.shards.first().cloned(),
                bytes: g.bytes,
                documents: g.documents,
                shards,
                weight,
                movable,
                replicas,
            });
        }
        let pool = (0..servers.len())
            .filter(|&i| servers[i].in_pool())
            .collect();
        Ok(State {
            servers,
            groups,
            load,
            leader_load,
            held,
            pool,
            family,
        })
    }

    /// Moves the replica of `g` on `from` to `to` (it keeps its role).
    pub fn apply_move(&mut self, g: usize, from: usize, to: usize) {
        let group = &mut self.groups[g];
        let k = group
            .replicas
            .iter()
            .position(|&s| s == from)
            .expect("the source holds the group");
        debug_assert!(!group.replicas.contains(&to));
        group.replicas[k] = to;
        let (weight, lw) = (group.weight, group.leader_weight());
        self.load[from] -= weight;
        self.load[to] += weight;
        if k == 0 {
            self.leader_load[from] -= lw;
            self.leader_load[to] += lw;
        }
        let pos = self.held[from]
            .iter()
            .position(|&x| x == g)
            .expect("held list in step");
        self.held[from].swap_remove(pos);
        self.held[to].push(g);
    }

    /// Hands leadership of `g` to its follower on `to`.
    pub fn apply_switch(&mut self, g: usize, to: usize) {
        let group = &mut self.groups[g];
        let k = group
            .replicas
            .iter()
            .position(|&s| s == to)
            .expect("the new leader is a follower");
        let from = group.replicas[0];
        group.replicas.swap(0, k);
        let lw = group.leader_weight();
        self.leader_load[from] -= lw;
        self.leader_load[to] += lw;
    }

    /// Coefficient of variation of `values` over the pool (0 when everything is 0).
    pub fn pool_cv(&self, values: &[u64]) -> f64 {
        cv(self.pool.iter().map(|&i| values[i]))
    }
}

/// Population coefficient of variation: standard deviation / mean; 0 for an empty or
/// all-zero list. Computed the same way everywhere so equal states give equal numbers.
#[cfg(test)]
impl State {
    /// A state for unit tests: healthy `servers`, and one group per `(server, bytes)`,
    /// named g0, g1, ... with no followers, balanced by bytes.
    pub(crate) fn of_groups(servers: &[&str], groups: &[(&str, u64)]) -> State {
        use crate::planner::{ClusterSnapshot, Health, PlanOptions, SnapshotGroup, SnapshotServer};
        let snap = ClusterSnapshot {
            servers: servers
                .iter()
                .map(|n| SnapshotServer::new(n.to_string(), Health::Good))
                .collect(),
            groups: groups
                .iter()
                .enumerate()
                .map(|(i, &(s, b))| SnapshotGroup::new(format!("g{i}"), s.to_string(), &[], b))
                .collect(),
        };
        let opts = PlanOptions::default();
        State::build(&snap, &opts, opts.target).expect("valid")
    }
}

pub(crate) fn cv(values: impl Iterator<Item = u64> + Clone) -> f64 {
    let n = values.clone().count();
    if n == 0 {
        return 0.0;
    }
    let total: f64 = values.clone().map(|v| v as f64).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mean = total / n as f64;
    let var = values
        .map(|v| {
            let d = v as f64 - mean;
            d * d
        })
        .sum::<f64>()
        / n as f64;
    var.sqrt() / mean
}
