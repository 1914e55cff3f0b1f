//! Why the planner refused a snapshot, its options, or an input file. Each text names the
//! rule that was broken and what would be accepted instead.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error("the snapshot lists server {name} more than once: server names must be unique")]
    DuplicateServer { name: String },

    #[error("the snapshot lists shard group {id} more than once: group ids must be unique")]
    DuplicateGroup { id: String },

    #[error("shard group {group} has no leader: every group needs a leader server")]
    MissingLeader { group: String },

    #[error(
        "shard group {group} has a replica on {server}, which is not in the snapshot's server \
         list: list every server that holds data (or leave the list empty to derive it)"
    )]
    UnknownServer { group: String, server: String },

    #[error(
        "shard group {group} has two replicas on {server}: a server holds at most one replica of \
         a group, so the snapshot is inconsistent"
    )]
    DuplicateReplica { group: String, server: String },

    #[error("cannot drain {name}: there is no such server (known servers: {known})")]
    UnknownDrainServer { name: String, known: String },

    #[error(
        "cannot drain {server}: shard group {group} has no server left to go to (every healthy \
         server that is not being drained already holds a replica of it); add a server or drain \
         fewer"
    )]
    NoReceiver { server: String, group: String },

    #[error("the snapshot is not valid JSON: {0}")]
    Json(String),

    #[error(
        "unrecognised snapshot: expected an ArangoDB shardDistribution response \
         ({{\"results\":{{...}}}}) or the console's own snapshot ({{\"servers\":[...],\"groups\":[...]}})"
    )]
    UnrecognizedFormat,

    #[error("the shardDistribution response is malformed: {0}")]
    InvalidDistribution(String),

    #[error("the sizes file must be a JSON object mapping shard ids to bytes: {0}")]
    InvalidSizes(String),
}
