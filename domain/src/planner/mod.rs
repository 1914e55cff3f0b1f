//! The rebalance planner (issue 5): a pure, deterministic planner of shard moves that
//! balances real sizes, keeps SmartGraph shard groups together, plans for servers that do
//! not exist yet (what-if) and for servers to drain, and says how good its plan is.
//!
//! No I/O, no clock, no threads: it runs in the server, the CLI and the browser (wasm32).
//!
//! * [`plan`] turns a [`ClusterSnapshot`] and [`PlanOptions`] into a [`Plan`]
//!   (algorithm below, lower bound in [`bounds`], figures including ArangoDB's own
//!   imbalance scores in [`metrics`]).
//! * [`snapshot_from_json`] reads a saved ArangoDB shardDistribution response (with an
//!   optional sizes file) or the console's own snapshot; [`render_text`] prints a plan.
//!
//! # Model
//!
//! A server's *load* is the sum of the weights of the replicas it holds, leaders and
//! followers alike (a follower stores the full data); the weight of a group is its bytes
//! (target [`BalanceTarget::Bytes`]) or its shard count ([`BalanceTarget::ShardCount`]).
//! The *balanced servers* (the pool) are those neither failed nor drained, what-if servers
//! included. Replicas only go to servers that are healthy (`good`) and not drained, and a
//! server holds at most one replica of a group.
//!
//! An optional move of group `g` from `a` to `c` is allowed only when
//! `load(c) + w(g) <= load(a)`:
//!
//! * *improving* (`<`): neither server ends above `a`'s old load, the sum of squared loads
//!   strictly drops, and so does the coefficient of variation, which is what
//!   [`Plan::curve`] records (a move whose improvement is too small to show in floating
//!   point is not made);
//! * *neutral* (`=`): `a` and `c` trade their loads exactly, so no balance figure changes
//!   and the curve repeats its value. A neutral move is only made as the first half of an
//!   **exchange**: the move right after it (or after a run of neutral moves) improves, and
//!   a plan never ends with one.
//!
//! So the curve never rises, every prefix of a plan is a valid placement at least as
//! balanced as the one before it (strictly better after every improving move), and
//! cutting a plan anywhere (the cap, a cancel) is safe.
//!
//! Why exchanges look like this: a pair of moves `x: a -> c`, `y: c -> a` changes only
//! `a`'s and `c`'s loads, and with `d = load(a) - load(c)` the first move changes the sum
//! of squared loads by `2 w(x) (w(x) - d)`. When no single move improves, `w(x) >= d` for
//! every candidate, so the state between the two moves is worse than before unless
//! `w(x) = d`: the neutral case. Exchanges with a worse midpoint (A holds {6, 4}, B holds
//! {5, 3}: the best placement is 9/9, but either first move leaves a server at 12 or 13)
//! are not made, because stopping between the two moves would leave the cluster worse.
//! The price: on such inputs the plan ends where the contract allows, which can be more
//! than 5% above the best placement (measured in `tests/planner_properties.rs`).
//!
//! # Algorithm
//!
//! 1. **Drain** (mandatory, first): every replica on a drained server, largest first, goes
//!    to the least-loaded server that may receive it. These moves need not improve balance.
//! 2. **Balance**: for at most 16 groups on 8 balanced servers, a *search* of allowed-move
//!    sequences (improving and neutral; module `search`) runs first: in order of balance,
//!    how low the most loaded server can get; then, in order of bytes (A*), the cheapest
//!    sequence that gets every server at or below that (or 2% above the ideal, if that is
//!    higher). When both finish within their budget, that sequence is the plan: it moves
//!    exactly the byte bound of [`bounds`]. Otherwise (and for larger clusters) several
//!    candidate plans are built from the drained placement, each made only of allowed
//!    moves, and the best is kept (see "Ranking"):
//!    * *greedy*: from a most loaded server to a least loaded one (or from any server to a
//!      least loaded one), preferring the largest group that leaves neither server on the
//!      other side of the mean (progress without overshoot, so no byte is moved twice),
//!      else the group leaving the pair most even; ties go to fewer bytes;
//!    * *cap-directed* (module `target`): the smallest load cap `M` for which every
//!      server above `M` can shed its cheapest covering set of groups onto servers with room
//!      below `M`; those relocations are executed (each is an allowed move while its source
//!      is above `M`), then the greedy finishes;
//!    * for clusters with at most 600 (replicas x servers), a *pilot search*: at each
//!      step every allowed move is tried and completed by a greedy (three greedy variants,
//!      one search each), and the move whose completion ranks best is taken;
//!    * the balance search's cheapest placement at or below its target, finished by the
//!      greedy;
//!    * the cheapest way to the best candidate's band: by the A* search of allowed-move
//!      sequences for small clusters, else (at most 24 groups) the *exact* fewest-bytes
//!      placement reaching it (module `exact`), executed as allowed moves where possible.
//! 3. **Leaders** (when allowed): leader switches from the server leading the most shards
//!    to an in-sync follower on a server leading fewer, while that strictly lowers the
//!    spread of leader shards. No data moves: [`Plan::curve`] stays flat and
//!    [`Plan::leader_curve`] drops.
//!
//! The plan stops when no allowed move is left, or at the cap.
//!
//! # Ranking
//!
//! Candidates are compared by `max/mean + 0.2 x (bytes moved / bytes stored)` over the
//! balanced servers, then by the higher minimum, fewer bytes, fewer steps: balance first,
//! but copying 10% more of the stored data must buy at least 0.02 of max/mean. Plans that
//! buy a hair of balance with a large copy lose to cheaper ones.
//!
//! # Groups that are not moved
//!
//! A group whose followers are not in sync, or with a replica on a failed server, is not
//! moved for balance and its leadership is not switched: ArangoDB's supervision is
//! repairing it. A failed server's replicas stay where they are unless the server is
//! drained (ArangoDB fails over by itself). A `bad` server (missing heartbeats) keeps
//! counting in the balance and may give data, but receives none and is never made leader.

mod balance;
pub mod bounds;
mod error;
mod exact;
mod explain;
mod import;
pub mod metrics;
mod options;
mod plan;
mod record;
mod render;
mod search;
mod snapshot;
mod state;
mod target;

pub use error::PlanError;
pub use import::snapshot_from_json;
pub use metrics::{ArangoImbalance, Figures, ServerFigures, Stats, ARANGO_SHARD_SIZE, PI_FACTOR};
pub use options::{what_if_name, BalanceTarget, PlanOptions};
pub use plan::{plan, Plan, PlannedMove, Role, StepKind};
pub use render::render_text;
pub use snapshot::{ClusterSnapshot, Health, SnapshotGroup, SnapshotServer};
