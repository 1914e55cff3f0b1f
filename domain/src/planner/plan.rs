//! The planning algorithm and its output (the algorithm is described in the `planner`
//! module documentation).

use serde::{Deserialize, Serialize};

use super::balance::{band, follow, greedy, key, pilot, Policy};
use super::bounds::{lower_bound, relaxed_bound};
use super::error::PlanError;
use super::exact::{exact_band, relocations_to};
use super::explain::reasons;
use super::metrics::Figures;
use super::options::{BalanceTarget, PlanOptions};
use super::ordering::improving_order;
use super::record::{record_move, role_of, Recorder, Step};
use super::search::{
    best_sequence, ceiling, cheapest_into, near, replay, Band, Step as SearchStep,
};
use super::shorten::shorten;
use super::snapshot::{ClusterSnapshot, Health};
use super::state::State;
use super::target::best_relocations;

/// Which replica a step concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Leader,
    Follower,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Copy one replica of the group to `to`, then drop it from `from` (ArangoDB's
    /// moveShard on the prototype shard; the other collections follow).
    Move,
    /// Hand leadership from `from` (the leader) to `to` (an in-sync follower). No data
    /// moves.
    LeaderSwitch,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedMove {
    /// The group's id.
    pub group: String,
    /// The prototype collection and its shard in the group (what a moveShard job names).
    pub collection: Option<String>,
    pub shard: Option<String>,
    pub from: String,
    pub to: String,
    /// The role of the replica that moves (for a leader switch: `leader`).
    pub role: Role,
    /// Bytes copied (0 for a leader switch).
    pub bytes: u64,
    pub kind: StepKind,
    /// Required to empty a drained server, whether or not it improves balance.
    pub mandatory: bool,
}

/// A rebalance plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// What was balanced (may differ from the option when no sizes were known).
    pub target: BalanceTarget,
    /// The steps, in order: mandatory drain moves first.
    pub moves: Vec<PlannedMove>,
    /// Coefficient of variation of the target load over the balanced servers: index 0
    /// before any step, index i after step i. Strictly decreasing over moves that are not
    /// mandatory; flat over leader switches.
    pub curve: Vec<f64>,
    /// Coefficient of variation of leader shards per balanced server, same indexing.
    /// Strictly decreasing over leader switches.
    pub leader_curve: Vec<f64>,
    pub before: Figures,
    pub after: Figures,
    /// Total bytes the moves copy.
    pub bytes_to_move: u64,
    /// No plan can reach a balance at least as even as this one's moving fewer bytes
    /// (see [`super::bounds`]).
    pub lower_bound_bytes: u64,
    /// Why perfect balance is out of reach, in plain language (empty when it is reached).
    pub reasons: Vec<String>,
    pub warnings: Vec<String>,
    /// The cap stopped the plan before it was done.
    pub capped: bool,
}

/// The pilot search runs when (replicas on balanced servers) x (balanced servers) is at
/// most this.
const PILOT_SIZE: usize = 600;

/// At most this many rollouts in the pilot search.
const PILOT_BUDGET: usize = 1_000;

/// The greedy on its own: narrow the band, fitting moves first.
const BAND: Policy = Policy {
    band_only: true,
    fit_first: true,
};

/// The rollout policies of the pilot search (each one a separate search).
const PILOT_POLICIES: [Policy; 3] = [
    BAND,
    Policy {
        band_only: false,
        fit_first: true,
    },
    Policy {
        band_only: false,
        fit_first: false,
    },
];

/// The exhaustive search runs for at most this many groups and balanced servers...
pub(crate) const SEARCH_GROUPS: usize = 16;
pub(crate) const SEARCH_SERVERS: usize = 8;

/// ...and expands at most this many placements.
pub(crate) const SEARCH_BUDGET: usize = 8_000;

/// The exact search runs for at most this many groups...
pub(crate) const EXACT_GROUPS: usize = 48;

/// ...and visits at most this many nodes.
pub(crate) const EXACT_BUDGET: usize = 500_000;

/// Placements the search for an improving order of a re-placement may visit.
pub(crate) const ORDER_BUDGET: usize = 5_000;

/// Plans a rebalance of `snapshot` as `options` ask. Pure and deterministic: the same
/// input gives the same plan.
pub fn plan(snapshot: &ClusterSnapshot, options: &PlanOptions) -> Result<Plan, PlanError> {
    let mut warnings = Vec::new();
    let mut target = options.target;
    if target == BalanceTarget::Bytes
        && !snapshot.groups.is_empty()
        && snapshot.groups.iter().all(|g| g.bytes == 0)
    {
        target = BalanceTarget::ShardCount;
        warnings.push(
            "no shard sizes are known (every group has 0 bytes): balancing by shard count \
             instead; pass a sizes file to balance by bytes"
                .to_string(),
        );
    }
    let initial = State::build(snapshot, options, target)?;
    let cap = options.max_moves.map_or(usize::MAX, |m| m as usize);

    // Phase 1: drains. First check on a copy that every drained replica has somewhere to
    // go, so a cap never hides an impossible drain.
    {
        let mut probe = initial.clone();
        let mut rec = Recorder::new(&probe, usize::MAX);
        drain(&mut probe, &mut rec)?;
    }
    let mut state = initial.clone();
    let mut rec = Recorder::new(&state, cap);
    drain(&mut state, &mut rec)?;

    // Phase 2: balance.
    let mut proven = None;
    if !rec.capped {
        (state, rec, proven) = balance(&initial, state, rec);
    }
    // The search's proof bounds every plan only when nothing narrowed it: no drain moves
    // before it (other drain targets could make balancing cheaper) and no cap (a longer
    // plan could move fewer bytes).
    let unconstrained = rec.cap == usize::MAX && !initial.servers.iter().any(|s| s.draining);
    let proven = proven.filter(|_| unconstrained);

    // Phase 3: leader switches.
    if options.allow_leader_switches && !rec.capped {
        switch_leaders(&mut state, &mut rec);
    }

    let moves: Vec<PlannedMove> = rec
        .steps
        .iter()
        .map(|s| {
            let g = &state.groups[s.group];
            PlannedMove {
                group: g.id.clone(),
                collection: g.collection.clone(),
                shard: g.shard.clone(),
                from: state.servers[s.from].name.clone(),
                to: state.servers[s.to].name.clone(),
                role: s.role,
                bytes: if s.kind == StepKind::Move { g.bytes } else { 0 },
                kind: s.kind,
                mandatory: s.mandatory,
            }
        })
        .collect();
    let bytes_to_move = moves.iter().map(|m| m.bytes).sum();
    if rec.capped {
        warnings.push(format!(
            "the plan reached the cap of {cap} steps: every prefix is safe to run, but an \
             uncapped plan may balance further"
        ));
        for s in state.servers.iter().enumerate().filter(|(_, s)| s.draining) {
            if !state.held[s.0].is_empty() {
                warnings.push(format!(
                    "{} still holds {} replicas: the cap stopped the drain before it was empty",
                    s.1.name,
                    state.held[s.0].len()
                ));
            }
        }
    }
    for s in &initial.servers {
        if s.draining && s.health == Health::Failed {
            warnings.push(format!(
                "{} is failed: draining it relies on the copies of its shards on other servers",
                s.name
            ));
        }
    }
    let frozen = initial.pinned();
    if frozen > 0 {
        warnings.push(format!(
            "{frozen} shard group{} left in place: not in sync, or with a replica on a failed \
             server (ArangoDB is repairing {})",
            if frozen == 1 { " was" } else { "s were" },
            if frozen == 1 { "it" } else { "them" }
        ));
    }
    let drained_only = initial.drained_only();
    if drained_only > 0 {
        warnings.push(format!(
            "{drained_only} shard group{} not in sync, or with a replica on a failed server, \
             {} moved off the draining server only",
            super::explain::plural(drained_only),
            if drained_only == 1 { "is" } else { "are" }
        ));
    }

    let before = Figures::of(&initial);
    let after = Figures::of(&state);
    let lower_bound_bytes = lower_bound(&initial, &state, proven, bytes_to_move);
    let reasons = reasons(&initial, &state, target, rec.capped, cap);
    Ok(Plan {
        target,
        moves,
        curve: rec.curve,
        leader_curve: rec.leader_curve,
        before,
        after,
        bytes_to_move,
        lower_bound_bytes,
        reasons,
        warnings,
        capped: rec.capped,
    })
}

/// Phase 2: builds the candidate plans from the drained placement and keeps the best.
/// Also returns, when a search proved it, the fewest bytes that reach a band the plan ends
/// inside (a lower bound for module `bounds`).
fn balance(initial: &State, state: State, rec: Recorder) -> (State, Recorder, Option<Band>) {
    // Quick candidates first (each made of allowed moves).
    let mut candidates: Vec<(State, Recorder)> = Vec::new();
    {
        let (mut s, mut r) = (state.clone(), rec.clone());
        greedy(&mut s, &mut r, BAND);
        candidates.push((s, r));
    }
    if let Some((_, relocations)) = best_relocations(&state) {
        let (mut s, mut r) = (state.clone(), rec.clone());
        follow(&mut s, &mut r, relocations);
        greedy(&mut s, &mut r, BAND);
        candidates.push((s, r));
    }
    let replicas: usize = state.pool.iter().map(|&s| state.held[s].len()).sum();
    if replicas * state.pool.len() <= PILOT_SIZE {
        for policy in PILOT_POLICIES {
            let (mut s, mut r) = (state.clone(), rec.clone());
            pilot(initial, &mut s, &mut r, policy, PILOT_BUDGET);
            candidates.push((s, r));
        }
    }
    // Then the search: when it finds the cheapest way to the best balance it saw (or
    // within 2% of the ideal), that is the plan. The candidates tell it what a way there
    // costs at most, so it need not look at dearer ones.
    let searchable = state.groups.len() <= SEARCH_GROUPS && state.pool.len() <= SEARCH_SERVERS;
    if searchable {
        let known: Vec<Vec<SearchStep>> = candidates
            .iter()
            .map(|(_, r)| steps_after(&rec, r))
            .collect();
        let searched = best_sequence(&state, &rec, SEARCH_BUDGET, &known);
        let (mut s, mut r) = (state.clone(), rec.clone());
        replay(&mut s, &mut r, &searched.path);
        if searched.cheapest.is_some() && r.steps.len() == rec.steps.len() + searched.path.len() {
            // The fewest bytes that reach the ceiling: the plan.
            return (s, r, searched.cheapest);
        }
        // No cheapest way to the ceiling found: the ranking decides without one (a plan
        // only the balance search reached could cost far more than the bound).
        greedy(&mut s, &mut r, BAND);
        candidates.push((s, r));
    }
    // The fewest bytes that reach the best candidate's band (at least as even in both max
    // and min): for small clusters by the search of allowed-move sequences, which is also
    // the byte bound; failing that, by the exact re-placement, executed as allowed moves
    // where possible.
    let Some(mut best) = pick(initial, candidates) else {
        return (state, rec, None);
    };
    let mut proven = None;
    {
        let (bs, br) = &best;
        let (lo, hi) = band(bs);
        let spent = br.moved_bytes(bs) - rec.moved_bytes(&state);
        // Whichever plan is kept ends inside this band: what the search proves about it
        // bounds the bytes (module `bounds`).
        let cap_left = rec.cap.saturating_sub(rec.steps.len());
        let mut path = None;
        if searchable {
            if let Some(first) = cheapest_into(&state, cap_left, (lo, hi), spent, SEARCH_BUDGET) {
                proven = Some(first.band);
                path = first.path;
                // A longer walk, only when the plan moves more than 1.2 x what the bytes
                // could be.
                if path.is_none() && u128::from(spent) * 5 > u128::from(first.band.bytes) * 6 {
                    if let Some(longer) =
                        cheapest_into(&state, cap_left, (lo, hi), spent, 8 * SEARCH_BUDGET)
                    {
                        proven = Some(longer.band);
                        path = longer.path;
                    }
                }
            }
        }
        // The exact re-placement below is worth its time only when the plan may move
        // noticeably more than it must.
        let near_enough = proven.is_some_and(|p| near(spent, p.bytes))
            || near(br.moved_bytes(bs), relaxed_bound(initial, bs));
        if let Some(path) = path {
            let (mut s, mut r) = (state.clone(), rec.clone());
            replay(&mut s, &mut r, &path);
            if r.moved_bytes(&s) - rec.moved_bytes(&state) < spent {
                best = pick(initial, vec![best, (s, r)]).expect("two candidates");
            }
        } else if !near_enough && state.groups.len() <= EXACT_GROUPS {
            // The fewest bytes into this band, and into the band 2% of the ideal wider at
            // both ends (the ranking may prefer that, for fewer bytes), move order
            // ignored; executed in an order where every move improves, when there is one.
            let wide = (lo - lo / 50, (hi + hi / 50).max(ceiling(&state, hi)));
            let mut found = vec![best];
            for (l, h) in [(lo, hi), wide] {
                let Some((_, placement)) = exact_band(&state, (l, h), spent, EXACT_BUDGET).found
                else {
                    continue;
                };
                let (mut s, mut r) = (state.clone(), rec.clone());
                match improving_order(&state, &placement, ORDER_BUDGET) {
                    Some(path) => replay(&mut s, &mut r, &path),
                    None => follow(&mut s, &mut r, relocations_to(&state, &placement)),
                }
                found.push((s, r));
            }
            best = pick(initial, found).expect("the best so far");
        }
    }
    let (s, r) = without_detours(&state, &rec, best);
    (s, r, proven)
}

/// The moves `r` made after those of `rec` (its start), as search steps.
fn steps_after(rec: &Recorder, r: &Recorder) -> Vec<SearchStep> {
    r.steps[rec.steps.len()..]
        .iter()
        .map(|s| (s.group, s.from, s.to))
        .collect()
}

/// `best` with the detours a walk left in it (a replica carried somewhere and on, or back)
/// taken out, when that moves fewer bytes: module `shorten`.
fn without_detours(state: &State, rec: &Recorder, best: (State, Recorder)) -> (State, Recorder) {
    let path = steps_after(rec, &best.1);
    let short = shorten(state, rec, &path);
    if short.len() < path.len() {
        let (mut s, mut r) = (state.clone(), rec.clone());
        replay(&mut s, &mut r, &short);
        if r.steps.len() == rec.steps.len() + short.len()
            && r.moved_bytes(&s) < best.1.moved_bytes(&best.0)
        {
            return (s, r);
        }
    }
    best
}

/// The candidate to keep: balance first, then bytes. Of the candidates whose most loaded
/// server is within 2% of the lowest any candidate reached, and whose least loaded one is
/// within 2% of the highest of those, the one moving the fewest bytes ([`key`] breaks
/// ties): no plan gives up more than 2% of balance at either end to save bytes.
fn pick(initial: &State, candidates: Vec<(State, Recorder)>) -> Option<(State, Recorder)> {
    let lowest = candidates.iter().map(|(s, _)| band(s).1).min()?;
    let near = |max: u64| u128::from(max) * 100 <= u128::from(lowest) * 102;
    // Of those, the least loaded server should come up as far as any of them brings it.
    let highest_min = candidates
        .iter()
        .map(|(s, _)| band(s))
        .filter(|&(_, max)| near(max))
        .map(|(min, _)| min)
        .max()?;
    let up = |min: u64| u128::from(min) * 100 >= u128::from(highest_min) * 98;
    candidates
        .into_iter()
        .filter(|(s, _)| near(band(s).1) && up(band(s).0))
        .min_by(|a, b| {
            let (ba, bb) = (a.1.moved_bytes(&a.0), b.1.moved_bytes(&b.0));
            ba.cmp(&bb).then_with(|| {
                let (ka, kb) = (key(initial, &a.0, &a.1), key(initial, &b.0, &b.1));
                if ka.better_than(&kb) {
                    std::cmp::Ordering::Less
                } else if kb.better_than(&ka) {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
        })
}

/// Phase 1: every replica on a drained server, largest first, to the least-loaded server
/// that may receive it.
fn drain(state: &mut State, rec: &mut Recorder) -> Result<(), PlanError> {
    let mut todo: Vec<(usize, usize)> = Vec::new();
    for (s, server) in state.servers.iter().enumerate() {
        if server.draining {
            todo.extend(state.held[s].iter().map(|&g| (g, s)));
        }
    }
    todo.sort_by(|&(g1, s1), &(g2, s2)| {
        let (a, b) = (&state.groups[g1], &state.groups[g2]);
        b.weight
            .cmp(&a.weight)
            .then(b.bytes.cmp(&a.bytes))
            .then(g1.cmp(&g2))
            .then(s1.cmp(&s2))
    });
    for (g, from) in todo {
        if !rec.room() {
            return Ok(());
        }
        let to = (0..state.servers.len())
            .filter(|&s| state.servers[s].can_receive() && !state.groups[g].holds(s))
            .min_by_key(|&s| (state.load[s], s));
        let Some(to) = to else {
            return Err(PlanError::NoReceiver {
                server: state.servers[from].name.clone(),
                group: state.groups[g].id.clone(),
            });
        };
        let role = role_of(state, g, from);
        state.apply_move(g, from, to);
        record_move(state, rec, g, from, to, role, true);
    }
    Ok(())
}

/// Phase 3: leader switches while they lower the spread of leader shards.
fn switch_leaders(state: &mut State, rec: &mut Recorder) {
    let pool = state.pool.clone();
    if pool.len() < 2 {
        return;
    }
    let cv = *rec
        .curve
        .last()
        .expect("curve starts with the initial value");
    let mut current = *rec.leader_curve.last().expect("leader curve starts");
    let mut sources = pool;
    let mut rejected: Vec<(usize, usize)> = Vec::new();
    loop {
        if !rec.room() {
            return;
        }
        sources.sort_by_key(|&s| (std::cmp::Reverse(state.leader_load[s]), s));
        let mut found = None;
        'search: for &a in &sources {
            let la = state.leader_load[a];
            if la == 0 {
                break;
            }
            // (pair max after the switch, group, new leader)
            let mut best: Option<(u64, usize, usize)> = None;
            for &g in &state.held[a] {
                let group = &state.groups[g];
                if group.replicas[0] != a || !group.movable {
                    continue;
                }
                let lw = group.leader_weight();
                for &b in &group.replicas[1..] {
                    let lb = state.leader_load[b];
                    if !state.servers[b].can_receive() || lb + lw >= la {
                        continue;
                    }
                    if rejected.contains(&(g, b)) {
                        continue;
                    }
                    let key = ((la - lw).max(lb + lw), g, b);
                    if best.is_none_or(|x| key < x) {
                        best = Some(key);
                    }
                }
            }
            if let Some((_, g, b)) = best {
                found = Some((g, a, b));
                break 'search;
            }
        }
        let Some((g, a, b)) = found else {
            return;
        };
        state.apply_switch(g, b);
        let lcv = state.pool_cv(&state.leader_load);
        if lcv < current {
            current = lcv;
            rejected.clear();
            rec.push(
                state,
                Step {
                    group: g,
                    from: a,
                    to: b,
                    kind: StepKind::LeaderSwitch,
                    role: Role::Leader,
                    mandatory: false,
                },
                cv,
                lcv,
            );
        } else {
            state.apply_switch(g, a);
            rejected.push((g, b));
        }
    }
}
