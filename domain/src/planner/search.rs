//! Search over the improving moves a plan may make, for small clusters.
//!
//! Every optional move of a plan lowers the balance curve (`load(c) + w(g) < load(a)`),
//! so the placements a plan can reach form a graph without cycles. [`explore`] walks it
//! in one of several orders ([`Order`]), recognising placements that differ only by which
//! interchangeable server holds what ([`Keys`]). A walk that finishes within its budget
//! has seen every placement a plan can reach; in order of bytes (A*), each is reached by
//! its cheapest sequence.
//!
//! [`best_sequence`] picks the plan to run; [`cheapest_into`] is the byte bound of
//! [`super::bounds`] for small clusters.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::estimate::{masks_of, Estimate};
use super::exact::exact_band;
use super::ordering::improving_order;
use super::plan::{EXACT_BUDGET, EXACT_GROUPS, ORDER_BUDGET};
use super::record::{commit, Recorder};
use super::state::State;

/// A move: group, from, to.
pub(crate) type Step = (usize, usize, usize);

struct Node {
    parent: usize,
    step: Step,
    bytes: u64,
    steps: usize,
    /// The placement's key ([`zobrist`]).
    key: u64,
    /// Replica servers per group (sorted within each group), flattened, and loads: only
    /// for placements that were expanded (the others are rebuilt from their parent).
    data: Option<(Vec<u16>, Vec<u64>)>,
}

/// The order in which [`explore`] visits placements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Fewest bytes first, aimed at the band `[lo, hi]` (A* search): by bytes so far plus
    /// a lower bound on the bytes still needed to bring every balanced server inside, so
    /// the first placement popped inside the band is reached by the cheapest sequence.
    /// `upper` is what a sequence known to reach the band moves (`u64::MAX` if none):
    /// placements estimated above it are not kept, and once every placement left is
    /// estimated at it or above, that sequence is the cheapest and the search stops.
    Bytes { lo: u64, hi: u64, upper: u64 },
    /// As [`Order::Bytes`], but the estimate counts `percent`/100 times (weighted A*):
    /// finds a sequence into the band far sooner, moving at most that factor times the
    /// fewest bytes. No bound comes of it.
    Quick {
        lo: u64,
        hi: u64,
        upper: u64,
        percent: u64,
    },
    /// Lowest max first, then lowest sum of squared loads, then fewest bytes: finds how
    /// even a plan can get quickly (along any sequence both only fall).
    Balance,
    /// Least load above `hi` in total first, then lowest sum of squared loads: heads
    /// straight for a placement with every balanced server at or below `hi` (when several
    /// servers share the max, [`Order::Balance`] wanders a plateau of placements with that
    /// max; this order sees each of them shed load).
    Excess { hi: u64 },
    /// Most bytes moved first (so, roughly, deepest first), then lowest sum of squared
    /// loads: runs each sequence down to where no move improves before trying another,
    /// so it reaches the far placements [`Order::Balance`] may not get to in its budget.
    Deep,
}

/// The explored graph: every placement popped, in order of bytes.
struct Explored {
    nodes: Vec<Node>,
    /// Ids of the placements popped (each by its cheapest sequence).
    popped: Vec<usize>,
    /// When the budget ran out: the fewest bytes of any placement not popped.
    frontier: Option<u64>,
}

/// Moves the replica of the group in `slots` from `a` to `c` and keeps the slots sorted.
fn relocate(placement: &mut [u16], slots: std::ops::Range<usize>, a: usize, c: usize) {
    let part = &mut placement[slots];
    for x in part.iter_mut() {
        if *x == a as u16 {
            *x = c as u16;
        }
    }
    part.sort_unstable();
}

/// SplitMix64's finaliser: a random-looking 64-bit value for each input.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Placement keys that ignore which of the interchangeable servers holds what.
///
/// A server's *content* is the XOR of its groups' keys; a placement's key is the wrapping
/// sum of `mix(content ^ salt)` over the servers. Servers that are balanced and may
/// receive are interchangeable (the rules and every figure treat them alike, and a move
/// costs its group's bytes wherever it goes), so their salt is 0 and two placements that
/// differ only by a permutation of them share a key: the search sees each once instead of
/// up to n! times. Every other server has a salt of its own. A move updates the key in
/// O(1).
struct Keys {
    salt: Vec<u64>,
}

impl Keys {
    fn new(state: &State) -> Self {
        let salt = (0..state.servers.len())
            .map(|s| {
                let free = state.servers[s].in_pool() && state.servers[s].can_receive();
                if free {
                    0
                } else {
                    mix(!(s as u64))
                }
            })
            .collect();
        Keys { salt }
    }

    fn group(g: usize) -> u64 {
        mix((g as u64) << 20 | 0xa5a5)
    }

    /// Each server's content, from a placement.
    fn contents(&self, placement: &[u16], offsets: &[usize], sizes: &[usize]) -> Vec<u64> {
        let mut h = vec![0u64; self.salt.len()];
        for (g, (&o, &n)) in offsets.iter().zip(sizes).enumerate() {
            for &s in &placement[o..o + n] {
                h[usize::from(s)] ^= Self::group(g);
            }
        }
        h
    }

    fn server(&self, s: usize, content: u64) -> u64 {
        mix(content ^ self.salt[s])
    }

    fn of(&self, contents: &[u64]) -> u64 {
        contents
            .iter()
            .enumerate()
            .fold(0u64, |k, (s, &h)| k.wrapping_add(self.server(s, h)))
    }

    /// The key after group `g` moves from `a` to `c`.
    fn moved(&self, key: u64, contents: &[u64], g: usize, a: usize, c: usize) -> u64 {
        let (ha, hc) = (contents[a], contents[c]);
        key.wrapping_sub(self.server(a, ha))
            .wrapping_sub(self.server(c, hc))
            .wrapping_add(self.server(a, ha ^ Self::group(g)))
            .wrapping_add(self.server(c, hc ^ Self::group(g)))
    }
}

/// Placement keys are random-looking already ([`Keys`]): hashing them again (SipHash, the
/// default) only costs time, and the search looks one up for every move it considers.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// A walk also stops once it holds this many placements per expansion of its budget: with
/// many servers and replicas a placement has hundreds of moves, and memory (in a browser
/// too) matters more than the last placements.
const NODES_PER_EXPANSION: usize = 12;

/// A sequence moving `bytes` is near enough the cheapest when no sequence can move less
/// than `bound`, and `bytes <= 1.05 x bound`: searching on for the last few percent costs
/// more time than the bytes are worth.
pub(crate) fn near(bytes: u64, bound: u64) -> bool {
    u128::from(bytes) * 100 <= u128::from(bound) * 105
}

/// How even a placement is, best first: its most loaded balanced server, then its least
/// loaded (higher is better).
type Evenness = (u64, Reverse<u64>);

/// How many more bytes (per mille of the fewest) a plan may move for a more even result
/// among those the walks already found: 1%, so the bytes stay [`near`] the bound.
const EVEN_FOR_BYTES_PERMILLE: u64 = 10;

/// Explores placements from `state` by improving moves in `order`, at most `budget` expansions and `cap_left` moves deep. `stop` sees each popped
/// placement's loads and bytes and ends the search by returning true.
///
/// Placements are recognised by a 64-bit key ([`Keys`]), the same for placements that
/// differ only by which interchangeable server holds what; two other placements sharing a
/// key (odds about 1e-11 at the largest budget) would make the search skip one.
fn explore(
    state: &State,
    order: Order,
    cap_left: usize,
    budget: usize,
    mut stop: impl FnMut(&[u64], u64) -> bool,
) -> Explored {
    // In order of bytes, the estimate of module `estimate` (per placement expanded, and
    // per move from it).
    let estimate = match order {
        Order::Bytes { lo, hi, .. } | Order::Quick { lo, hi, .. } => {
            Some(Estimate::new(state, lo, hi).expect("few groups"))
        }
        _ => None,
    };
    let priority = |loads: &[u64], bytes: u64, rest: u64| -> (u64, u128, u64) {
        match order {
            // Ties go to the deeper placement: closer to the band, so the first one popped
            // there comes sooner.
            Order::Bytes { .. } => (bytes.saturating_add(rest), 0, u64::MAX - bytes),
            Order::Quick { percent, .. } => (
                bytes.saturating_add(rest.saturating_mul(percent) / 100),
                0,
                u64::MAX - bytes,
            ),
            Order::Deep => {
                let squares = state
                    .pool
                    .iter()
                    .map(|&i| u128::from(loads[i]) * u128::from(loads[i]))
                    .sum();
                (u64::MAX - bytes, squares, 0)
            }
            Order::Balance | Order::Excess { .. } => {
                let squares = state
                    .pool
                    .iter()
                    .map(|&i| u128::from(loads[i]) * u128::from(loads[i]))
                    .sum();
                let first = match order {
                    Order::Excess { hi } => state
                        .pool
                        .iter()
                        .map(|&i| loads[i].saturating_sub(hi))
                        .sum(),
                    _ => state.pool.iter().map(|&i| loads[i]).max().unwrap_or(0),
                };
                (first, squares, bytes)
            }
        }
    };
    let groups = &state.groups;
    let offsets: Vec<usize> = groups
        .iter()
        .scan(0, |acc, g| {
            let o = *acc;
            *acc += g.replicas.len();
            Some(o)
        })
        .collect();
    let sizes: Vec<usize> = groups.iter().map(|g| g.replicas.len()).collect();
    let mut start = Vec::new();
    for group in groups {
        let mut r: Vec<u16> = group.replicas.iter().map(|&s| s as u16).collect();
        r.sort_unstable();
        start.extend(r);
    }
    let keys = Keys::new(state);
    let start_key = keys.of(&keys.contents(&start, &offsets, &sizes));
    let receivers: Vec<usize> = state
        .pool
        .iter()
        .copied()
        .filter(|&s| state.servers[s].can_receive())
        .collect();
    let in_pool: Vec<bool> = (0..state.servers.len())
        .map(|s| state.servers[s].in_pool())
        .collect();
    let start_rest = estimate.as_ref().map_or(0, |e| {
        e.terms(
            &masks_of(&start, &offsets, &sizes, state.servers.len()),
            &state.load,
        )
        .value()
    });
    let mut cheapest: HashMap<u64, u64, BuildHasherDefault<KeyHasher>> = HashMap::default();
    cheapest.insert(start_key, 0);
    let mut nodes = vec![Node {
        parent: usize::MAX,
        step: (0, 0, 0),
        bytes: 0,
        steps: 0,
        key: start_key,
        data: Some((start, state.load.clone())),
    }];
    let mut heap = BinaryHeap::new();
    heap.push((
        Reverse(priority(&state.load, 0, start_rest)),
        Reverse(0usize),
    ));
    let mut popped = Vec::new();
    let mut frontier = None;
    let upper = match order {
        Order::Bytes { upper, .. } | Order::Quick { upper, .. } => upper,
        _ => u64::MAX,
    };
    let exact = matches!(order, Order::Bytes { .. });
    while let Some(&(Reverse(first), Reverse(id))) = heap.peek() {
        if exact && upper < u64::MAX && near(upper, first.0) {
            // Nothing left can beat the known sequence by more than [`near`] allows.
            frontier = Some(first.0);
            break;
        }
        if popped.len() >= budget || nodes.len() >= budget.saturating_mul(NODES_PER_EXPANSION) {
            // In order of bytes: reaching the band costs at least this.
            frontier = matches!(order, Order::Bytes { .. }).then_some(first.0);
            break;
        }
        heap.pop();
        let bytes = nodes[id].bytes;
        if cheapest.get(&nodes[id].key).is_some_and(|&b| b < bytes) {
            continue; // reached more cheaply since
        }
        if nodes[id].data.is_none() {
            let (g, a, c) = nodes[id].step;
            let parent = nodes[id].parent;
            let Some((mut placement, mut loads)) = nodes[parent].data.clone() else {
                continue; // unreachable: a parent is expanded before its children exist
            };
            relocate(
                &mut placement,
                offsets[g]..offsets[g] + groups[g].replicas.len(),
                a,
                c,
            );
            loads[a] -= groups[g].weight;
            loads[c] += groups[g].weight;
            nodes[id].data = Some((placement, loads));
        }
        popped.push(id);
        let Some((placement, loads)) = nodes[id].data.clone() else {
            continue;
        };
        if stop(&loads, bytes) {
            break;
        }
        if nodes[id].steps >= cap_left {
            continue;
        }
        let key = nodes[id].key;
        let contents = keys.contents(&placement, &offsets, &sizes);
        let masks = estimate
            .as_ref()
            .map(|_| masks_of(&placement, &offsets, &sizes, state.servers.len()));
        let terms = estimate
            .as_ref()
            .zip(masks.as_ref())
            .map(|(e, m)| e.terms(m, &loads));
        let mut scratch = loads.clone();
        for (g, group) in groups.iter().enumerate() {
            let w = group.weight;
            if !group.movable || w == 0 {
                continue;
            }
            let here = &placement[offsets[g]..offsets[g] + group.replicas.len()];
            for &a in here {
                let a = usize::from(a);
                let la = loads[a];
                if !in_pool[a] || w > la {
                    continue;
                }
                for &c in &receivers {
                    if loads[c] + w >= la || here.contains(&(c as u16)) {
                        continue;
                    }
                    let child_key = keys.moved(key, &contents, g, a, c);
                    let cost = bytes + group.bytes;
                    if cheapest.get(&child_key).is_some_and(|&b| b <= cost) {
                        continue;
                    }
                    cheapest.insert(child_key, cost);
                    let rest = match (&estimate, &terms, &masks) {
                        (Some(e), Some(t), Some(m)) => e.after_move(t, m, &loads, (g, a, c)),
                        _ => 0,
                    };
                    scratch[a] -= w;
                    scratch[c] += w;
                    let rank = priority(&scratch, cost, rest);
                    scratch[a] += w;
                    scratch[c] -= w;
                    if cost.saturating_add(rest) > upper {
                        continue;
                    }
                    let child = nodes.len();
                    nodes.push(Node {
                        parent: id,
                        step: (g, a, c),
                        bytes: cost,
                        steps: nodes[id].steps + 1,
                        key: child_key,
                        data: None,
                    });
                    heap.push((Reverse(rank), Reverse(child)));
                }
            }
        }
    }
    Explored {
        nodes,
        popped,
        frontier,
    }
}

/// The estimate of module `estimate` from `state`'s own placement: no sequence of moves
/// brings every balanced server inside `[lo, hi]` with fewer bytes.
fn start_estimate(state: &State, lo: u64, hi: u64) -> u64 {
    let Some(estimate) = Estimate::new(state, lo, hi) else {
        return 0;
    };
    let mut masks = vec![0u64; state.servers.len()];
    for (g, group) in state.groups.iter().enumerate() {
        for &s in &group.replicas {
            masks[s] |= 1 << g;
        }
    }
    estimate.terms(&masks, &state.load).value()
}

/// Each server's load after `path` is applied to `state`.
fn loads_after(state: &State, path: &[Step]) -> Vec<u64> {
    let mut loads = state.load.clone();
    for &(g, a, c) in path {
        loads[a] -= state.groups[g].weight;
        loads[c] += state.groups[g].weight;
    }
    loads
}

/// The moves from the start to node `id`.
fn path_to(nodes: &[Node], mut id: usize) -> Vec<Step> {
    let mut path = Vec::new();
    while id != 0 {
        path.push(nodes[id].step);
        id = nodes[id].parent;
    }
    path.reverse();
    path
}

/// What [`best_sequence`] found.
pub(crate) struct Searched {
    /// The moves to apply.
    pub path: Vec<Step>,
    /// `path` is the cheapest sequence (in bytes) of allowed moves that brings every
    /// balanced server inside this band, or [`near`] enough to it (`None` when the search
    /// ran out of budget before it could tell).
    pub cheapest: Option<Band>,
}

/// A band of loads `[lo, hi]` and a number of bytes the search proved no plan of allowed
/// moves (within the cap left) can bring every balanced server inside it with less: the
/// fewest, when it found the cheapest sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Band {
    pub lo: u64,
    pub hi: u64,
    pub bytes: u64,
}

impl Band {
    /// The cheapest sequence into `[lo, hi]` is `path`.
    fn of(state: &State, lo: u64, hi: u64, path: &[Step]) -> Self {
        let bytes = path.iter().map(|&(g, _, _)| state.groups[g].bytes).sum();
        Band { lo, hi, bytes }
    }
}

/// The plan to run from `state`, from searches of at most `budget` expansions each:
///
/// 1. how low the most loaded server can get (`best_max`): in order of balance and, when
///    that walk could not see every reachable placement, depth first too; the ceiling is
///    the best max seen, or 2% above the ideal if higher ([`ceiling`]);
/// 2. lower ceilings, 1% of the ideal at a time, while a walk headed for each
///    ([`Order::Excess`]) reaches it;
/// 3. in order of bytes (A*), the first placement with every balanced server at or below
///    the ceiling and at or above the highest min the first walk saw under it (less 2% of
///    that min): the fewest bytes any plan of improving moves needs to get there.
///
/// When the last search finds it, no placement at least as even in both max and min is
/// reachable with fewer bytes: the bytes moved equal the bound [`cheapest_in_band`]
/// computes for the band reached. If it runs out of budget, the plan is the sequence that
/// reached the ceiling in step 1 or 2 (`cheapest` is then false).
pub(crate) fn best_sequence(
    state: &State,
    rec: &Recorder,
    budget: usize,
    known: &[Vec<Step>],
) -> Searched {
    let cap_left = rec.cap.saturating_sub(rec.steps.len());
    let pool = &state.pool;
    let max_of = |loads: &[u64]| pool.iter().map(|&i| loads[i]).max().unwrap_or(0);
    let even = explore(state, Order::Balance, cap_left, budget, |_, _| false);
    let most_even = |e: &Explored| {
        e.popped
            .iter()
            .filter_map(|&id| {
                let (_, loads) = e.nodes[id].data.as_ref()?;
                Some((max_of(loads), e.nodes[id].bytes, id))
            })
            .min()
    };
    // (max, bytes, id) of the most even placement found, cheapest first; when the first
    // search did not see every reachable placement, a deep one may find a better one.
    let mut best = most_even(&even);
    let mut deep_path = None;
    if even.popped.len() >= budget {
        let deep = explore(state, Order::Deep, cap_left, budget, |_, _| false);
        if let Some(d) = most_even(&deep) {
            if best.is_none_or(|b| d.0 < b.0) {
                best = Some(d);
                deep_path = Some(path_to(&deep.nodes, d.2));
            }
        }
    }
    let Some((mut best_max, _, _)) = best else {
        return Searched {
            path: Vec::new(),
            cheapest: None,
        };
    };
    // A known sequence (the quick candidates) may have got lower than the walks.
    let known_best = known
        .iter()
        .map(|path| (max_of(&loads_after(state, path)), path))
        .min_by_key(|k| k.0);
    if let Some((max, path)) = known_best.filter(|k| k.0 < best_max) {
        best_max = max;
        deep_path = Some(path.clone());
    }
    let mut limit = ceiling(state, best_max);
    // Lower ceilings, 1% of the ideal at a time, while a search headed for each reaches it.
    let floor = ceiling(state, 0);
    let step = (floor / 100).max(1);
    let mut probed: Option<Vec<Step>> = deep_path;
    // A walk that saw every reachable placement knows the best max already.
    let complete = even.popped.len() < budget;
    while !complete && limit > floor {
        let hi = limit.saturating_sub(step).max(floor);
        let probe = explore(state, Order::Excess { hi }, cap_left, budget, |loads, _| {
            max_of(loads) <= hi
        });
        let reached = probe.popped.last().copied().filter(|&id| {
            probe.nodes[id]
                .data
                .as_ref()
                .is_some_and(|(_, loads)| max_of(loads) <= hi)
        });
        let Some(id) = reached else { break };
        limit = hi;
        probed = Some(path_to(&probe.nodes, id));
    }
    // The least loaded server should come up too (a new server should not stay empty just
    // because the most loaded one cannot come down): the highest min seen under the
    // ceiling, less 2% of itself. (Not 2% of the ideal: when one huge group sets the
    // ideal, that slack exceeds what a small server holds and let new servers stay empty.)
    let min_of = |loads: &[u64]| pool.iter().map(|&i| loads[i]).min().unwrap_or(0);
    // (The walk that reached the ceiling counts too: when only it got there, a band
    // open at the bottom would leave the last search little to aim at.)
    let reached = probed.as_deref().map(|path| loads_after(state, path));
    let best_min = even
        .popped
        .iter()
        .filter_map(|&id| even.nodes[id].data.as_ref().map(|(_, loads)| loads))
        .chain(reached.as_ref())
        .filter(|loads| max_of(loads) <= limit)
        .map(|loads| min_of(loads))
        .max()
        .unwrap_or(0);
    let lo = best_min - best_min / 50;
    let inside = |loads: &[u64]| max_of(loads) <= limit && min_of(loads) >= lo;
    // The cheapest sequence into the band the walks so far saw: the last walk need not
    // look at anything dearer, and stops when nothing cheaper is left. Of those within
    // [`EVEN_FOR_BYTES_PERMILLE`] of the cheapest, the most even ([`Evenness`]): the band
    // lets the max stay up to 2% above the ideal, and a plan should not keep it there to
    // save a few hundred bytes.
    let rank = |loads: &[u64]| (max_of(loads), Reverse(min_of(loads)));
    let seen: Vec<(u64, Evenness, usize)> = even
        .popped
        .iter()
        .filter_map(|&id| {
            let (_, loads) = even.nodes[id].data.as_ref()?;
            inside(loads).then(|| (even.nodes[id].bytes, rank(loads), id))
        })
        .collect();
    let given: Vec<(u64, Evenness, &Vec<Step>)> = probed
        .iter()
        .chain(known)
        .filter_map(|path| {
            let loads = loads_after(state, path);
            inside(&loads).then(|| (Band::of(state, lo, limit, path).bytes, rank(&loads), path))
        })
        .collect();
    let fewest = seen
        .iter()
        .map(|c| c.0)
        .chain(given.iter().map(|c| c.0))
        .min();
    let mut known: Option<(u64, Vec<Step>)> = fewest.and_then(|fewest| {
        let affordable = |bytes: u64| {
            u128::from(bytes) * 1000
                <= u128::from(fewest) * u128::from(1000 + EVEN_FOR_BYTES_PERMILLE)
        };
        let from_walk = seen
            .iter()
            .filter(|c| affordable(c.0))
            .min_by_key(|c| (c.1, c.0))
            .map(|&(bytes, r, id)| (r, bytes, path_to(&even.nodes, id)));
        let from_given = given
            .iter()
            .filter(|c| affordable(c.0))
            .min_by_key(|c| (c.1, c.0))
            .map(|&(bytes, r, path)| (r, bytes, path.clone()));
        from_walk
            .into_iter()
            .chain(from_given)
            .min_by_key(|c| (c.0, c.1))
            .map(|(_, bytes, path)| (bytes, path))
    });
    // Already near enough the least any sequence could move (the estimate from the start)?
    if let Some((bytes, path)) = known.as_ref() {
        let least = start_estimate(state, lo, limit);
        if near(*bytes, least) {
            return Searched {
                path: path.clone(),
                cheapest: Some(Band {
                    lo,
                    hi: limit,
                    bytes: least.min(*bytes),
                }),
            };
        }
    }
    // The fewest bytes any re-placement into the band needs, order ignored: when some
    // order of its relocations is a plan, or a known sequence moves as little, no plan
    // can do better.
    if state.groups.len() <= EXACT_GROUPS {
        let upper = known.as_ref().map_or(u64::MAX, |k| k.0);
        let ex = exact_band(state, (lo, limit), upper, EXACT_BUDGET);
        let proven = |bytes| {
            ex.complete.then_some(Band {
                lo,
                hi: limit,
                bytes,
            })
        };
        match (ex.found.as_ref(), known.as_ref()) {
            (None, Some((bytes, path))) if ex.complete => {
                // Nothing cheaper exists, even in any order: the known sequence it is.
                return Searched {
                    path: path.clone(),
                    cheapest: proven(*bytes),
                };
            }
            (Some((bytes, placement)), _) => {
                let ordered = improving_order(state, placement, ORDER_BUDGET)
                    .filter(|path| path.len() <= cap_left);
                if let Some(path) = ordered {
                    if ex.complete {
                        return Searched {
                            path,
                            cheapest: proven(*bytes),
                        };
                    }
                    // Not proven the cheapest, but cheaper than any known sequence.
                    known = Some((Band::of(state, lo, limit, &path).bytes, path));
                }
            }
            _ => {}
        }
    }
    // Quick walks (weighted A*, estimate counted 4, 2, 1.3 times) for a cheaper known
    // sequence: the exact walk then keeps less and may stop sooner.
    for percent in [400, 200, 130] {
        let upper = known.as_ref().map_or(u64::MAX, |k| k.0);
        let quick = explore(
            state,
            Order::Quick {
                lo,
                hi: limit,
                upper,
                percent,
            },
            cap_left,
            budget,
            |loads, _| inside(loads),
        );
        let found = quick.popped.last().copied().filter(|&id| {
            quick.nodes[id]
                .data
                .as_ref()
                .is_some_and(|(_, loads)| inside(loads))
        });
        if let Some(id) = found {
            let cost = quick.nodes[id].bytes;
            if known.as_ref().is_none_or(|k| cost < k.0) {
                known = Some((cost, path_to(&quick.nodes, id)));
            }
        }
    }
    let upper = known.as_ref().map_or(u64::MAX, |k| k.0);
    let order = Order::Bytes {
        lo,
        hi: limit,
        upper,
    };
    // Four times the budget: this walk decides the bytes moved.
    let cheap = explore(state, order, cap_left, 4 * budget, |loads, _| inside(loads));
    let found = cheap.popped.last().copied().filter(|&id| {
        cheap.nodes[id]
            .data
            .as_ref()
            .is_some_and(|(_, loads)| inside(loads))
    });
    if let Some(id) = found {
        let path = path_to(&cheap.nodes, id);
        return Searched {
            cheapest: Some(Band::of(state, lo, limit, &path)),
            path,
        };
    }
    if let Some((bytes, path)) = known {
        // Stopped because nothing much cheaper was left: the known sequence is near enough
        // the cheapest, and the search proved the bound.
        let bound = cheap.frontier.filter(|&f| near(bytes, f));
        return Searched {
            cheapest: bound.map(|f| Band {
                lo,
                hi: limit,
                bytes: f.min(bytes),
            }),
            path,
        };
    }
    Searched {
        // The probe that reached the ceiling, else the cheapest placement at or below it
        // the first search saw.
        path: probed.unwrap_or_else(|| {
            even.popped
                .iter()
                .filter_map(|&id| {
                    let (_, loads) = even.nodes[id].data.as_ref()?;
                    (max_of(loads) <= limit).then_some((even.nodes[id].bytes, id))
                })
                .min()
                .map_or_else(Vec::new, |(_, id)| path_to(&even.nodes, id))
        }),
        cheapest: None,
    }
}

/// The most loaded balanced server a plan may end with: the best max a complete search
/// reached (`best_max`), or, when a near-ideal balance is possible, 2% above a lower bound
/// on the ideal (the mean, or the heaviest group, whichever is larger), so that a cheaper
/// plan may win within that margin. Either way within 5% of the best placement whenever the
/// best reachable max is.
pub(crate) fn ceiling(state: &State, best_max: u64) -> u64 {
    let pool = &state.pool;
    let n = pool.len().max(1) as u64;
    let total: u64 = pool.iter().map(|&i| state.load[i]).sum();
    let heaviest = state
        .groups
        .iter()
        .filter(|g| g.replicas.iter().any(|&s| state.servers[s].in_pool()))
        .map(|g| g.weight)
        .max()
        .unwrap_or(0);
    let ideal = total.div_ceil(n).max(heaviest);
    best_max.max(ideal + ideal / 50)
}

/// What a search in order of bytes towards a band found.
pub(crate) struct Cheapest {
    /// The cheapest sequence of allowed moves into the band, when found in the budget.
    pub path: Option<Vec<Step>>,
    /// The band and the fewest bytes into it: exact with a path; else the lowest estimate
    /// (bytes so far plus the lower bound on what is left) of any placement not expanded,
    /// which every sequence into the band passes through.
    pub band: Band,
}

/// The cheapest sequence of allowed moves (at most `cap_left`) from `state` that brings
/// every balanced server inside `[lo, hi]`, by A* in at most `budget` expansions, or a
/// lower bound on its bytes. `upper`: what a sequence known to get there moves (when the
/// search stops at it, that one is the cheapest, and the bound says so), else `u64::MAX`.
/// `None` when no reachable placement is in the band.
pub(crate) fn cheapest_into(
    state: &State,
    cap_left: usize,
    (lo, hi): (u64, u64),
    upper: u64,
    budget: usize,
) -> Option<Cheapest> {
    let pool = &state.pool;
    let inside = |loads: &[u64]| pool.iter().all(|&i| loads[i] >= lo && loads[i] <= hi);
    let order = Order::Bytes { lo, hi, upper };
    let explored = explore(state, order, cap_left, budget, |loads, _| inside(loads));
    if let Some(bytes) = explored.frontier {
        let band = Band {
            lo,
            hi,
            bytes: bytes.min(upper),
        };
        return Some(Cheapest { path: None, band });
    }
    let last = *explored.popped.last()?;
    let (_, loads) = explored.nodes[last].data.as_ref()?;
    inside(loads).then(|| {
        let path = path_to(&explored.nodes, last);
        let band = Band::of(state, lo, hi, &path);
        Cheapest {
            path: Some(path),
            band,
        }
    })
}

/// Applies `path` as improving moves; stops at the first that no longer improves (or at
/// the cap).
pub(crate) fn replay(state: &mut State, rec: &mut Recorder, path: &[Step]) {
    for &(g, a, c) in path {
        if !rec.room() || !commit(state, rec, g, a, c) {
            break;
        }
    }
}
