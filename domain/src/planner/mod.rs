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
//! `load(c) + w(g) < load(a)`: neither server ends above `a`'s old load, the sum of squared
//! loads strictly drops, and so does the coefficient of variation, which is what
//! [`Plan::curve`] records (a move whose improvement is too small to show in floating point
//! is not made). So every prefix of a plan is a valid placement better than the one
//! before it, and cutting a plan anywhere (the cap, a cancel) is safe.
//!
//! # What that rule costs
//!
//! Some placements better than the start cannot be reached by a plan: A holds groups
//! {6, 4} and B {5, 3}; the best placement is 9/9, but swapping 4 and 3 takes two moves,
//! and either first move leaves a server at 12 or 13, worse than the start, so stopping
//! between them would leave the cluster worse. In general a pair `x: a -> c`,
//! `y: c -> a` with `d = load(a) - load(c)` changes the sum of squared loads by
//! `2 w(x) (w(x) - d)` at its midpoint, which is not below zero when no single move
//! improves.
//!
//! # The quality target, and what "best achievable" means
//!
//! The quality promise (final max/mean within 5% of the best achievable) is measured
//! against the best a plan can achieve *as a plan*: ordered moves, each improving balance,
//! under the placement rules. A placement only reachable through a worse cluster is not
//! achievable by such a plan; a plan allowed to pass through one would break the promise
//! operators rely on (cancel, a cap or a failure after any move leaves the cluster better
//! than before), which matters more than the last few percent on an unlucky input. So
//! `tests/planner_properties.rs` compares every plan with the best max brute force finds
//! over all plans of improving moves, and reports beside it how often that best is more
//! than 5% above the best placement of the same group sizes (about 2% of random small
//! clusters; never above 1.05 x the best plan).
//!
//! # Algorithm
//!
//! 1. **Drain** (mandatory, first): every replica on a drained server, largest first, goes
//!    to the least-loaded server that may receive it. These moves need not improve balance.
//! 2. **Balance**: first, quick candidate plans are built from the drained placement,
//!    each made only of allowed moves:
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
//!      one search each), and the move whose completion ranks best is taken.
//!
//!    For at most 16 groups on 8 balanced servers, a *search* of allowed-move sequences
//!    (module `search`) then decides: how low the most loaded server can get (walks in
//!    order of balance, depth first, towards lower ceilings 1% at a time, and the
//!    candidates), giving a band (that max, or 2% above the ideal if higher; the highest
//!    min seen less 2% of the ideal). Then the fewest bytes into the band: the exact
//!    re-placement (module `exact`, move order ignored) executed in an order where every
//!    move improves (module `ordering`), which no plan can beat when it exists; else quick
//!    weighted-A* walks and an A* walk in order of bytes (estimate: module `estimate`).
//!    When the walk proves its sequence the cheapest, or within 5% of what any sequence
//!    must move, that sequence is the plan and its proof is the byte bound of [`bounds`].
//!    Of the ways into the band the walks already found, those within 1% of the fewest
//!    bytes go by evenness (lower max, then higher min): a plan does not keep a server 2%
//!    above the ideal to save a few hundred bytes.
//!
//!    Otherwise (and for larger clusters) the best candidate is kept (see "Ranking"), then
//!    challenged by the cheapest way into its band: the A* walk for small clusters, else (at
//!    most 48 groups) the exact re-placement into its band and into the band 2% wider at
//!    each end, each executed in an improving order when there is one.
//! 3. **Leaders** (when allowed): leader switches from the server leading the most shards
//!    to an in-sync follower on a server leading fewer, while that strictly lowers the
//!    spread of leader shards. No data moves: [`Plan::curve`] stays flat and
//!    [`Plan::leader_curve`] drops.
//!
//! The plan stops when no allowed move is left, or at the cap.
//!
//! # Ranking
//!
//! Balance first, then bytes: of the candidates whose most loaded server is within 2% of
//! the lowest any reached, and whose least loaded one is within 2% of the highest of
//! those, the one moving the fewest bytes wins. Remaining ties go by
//! `max/mean + 0.2 x (bytes moved / bytes stored)`, the higher minimum, fewer steps. So no
//! plan gives up more than 2% of balance at either end to save bytes.
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
mod effect;
mod error;
mod estimate;
mod exact;
mod explain;
mod fingerprint;
mod import;
pub mod metrics;
mod options;
mod ordering;
mod plan;
mod record;
mod render;
mod search;
mod shorten;
mod snapshot;
mod state;
mod target;
mod worth;

pub use effect::effect;
pub use error::PlanError;
pub use fingerprint::fingerprint_of;
pub use import::snapshot_from_json;
pub use metrics::{
    leader_score_note, ArangoImbalance, Figures, ServerFigures, Stats, ARANGO_SHARD_SIZE, PI_FACTOR,
};
pub use options::{what_if_name, BalanceTarget, PlanOptions};
pub use plan::{plan, Plan, PlannedMove, Role, StepKind};
pub use render::render_text;
pub use snapshot::{ClusterSnapshot, Health, SnapshotGroup, SnapshotServer};
pub use worth::{BARELY_HELPS, NOTICEABLE};
