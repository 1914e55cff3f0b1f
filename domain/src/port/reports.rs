//! Requests and results of port operations.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Naming, TenantId, Violation, DEFAULT_NUMBER_OF_SHARDS, REPLICATION_FACTOR};

/// What the schema must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaSpec {
    pub naming: Naming,
    pub number_of_shards: u32,
    pub replication_factor: u32,
}

impl Default for SchemaSpec {
    fn default() -> Self {
        SchemaSpec {
            naming: Naming::default(),
            number_of_shards: DEFAULT_NUMBER_OF_SHARDS,
            replication_factor: REPLICATION_FACTOR,
        }
    }
}

/// What `ensure_schema` found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaReport {
    /// The schema as it now is (the existing one when it was already there).
    pub spec: SchemaSpec,
    /// Things created by this call; empty when everything already existed.
    pub created: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadReport {
    pub created: u64,
    /// Already present (a repeated batch): left as they were.
    pub ignored: u64,
}

/// Which replica of a shard group moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaRole {
    Leader,
    Follower,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveRequest {
    pub group: u32,
    /// Short server names.
    pub from: String,
    pub to: String,
    pub role: ReplicaRole,
}

/// Where one move stands. ArangoDB says only whether its job is queued (ToDo), running
/// (Pending) or done: the copying / switching-leader split of a running job is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovePhase {
    /// Waiting to start (ArangoDB's ToDo: target or shard locked, replicas not in sync).
    Queued,
    /// The new replica is being filled.
    Copying,
    /// Leadership changes hands (a leader move's last phase, or a leader switch).
    SwitchingLeader,
    /// The cluster ended the move; the console counts the group's data and reads its
    /// placement back.
    Verifying,
    Done,
}

impl MovePhase {
    pub fn label(self) -> &'static str {
        match self {
            MovePhase::Queued => "queued",
            MovePhase::Copying => "copying",
            MovePhase::SwitchingLeader => "switching leader",
            MovePhase::Verifying => "verifying",
            MovePhase::Done => "done",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveProgress {
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub phase: MovePhase,
    /// `bytes_done` is an estimate from the measured rate, not a count (ArangoDB reports
    /// no bytes for a running move).
    pub estimated: bool,
}

impl MoveProgress {
    /// Measured progress of a running move (the embedded back end counts its bytes). A
    /// follower's move of a group that stores nothing copies nothing, and is still a copy.
    pub fn copying(bytes_done: u64, bytes_total: u64) -> Self {
        MoveProgress {
            bytes_done,
            bytes_total,
            phase: MovePhase::Copying,
            estimated: false,
        }
    }

    /// A leader switch under way: nothing to copy, leadership changes hands.
    pub fn switching_leader() -> Self {
        MoveProgress {
            bytes_done: 0,
            bytes_total: 0,
            phase: MovePhase::SwitchingLeader,
            estimated: false,
        }
    }

    /// A move that ended: every byte copied.
    pub fn done(bytes_total: u64) -> Self {
        MoveProgress {
            bytes_done: bytes_total,
            bytes_total,
            phase: MovePhase::Done,
            estimated: false,
        }
    }
}

/// How long a move may take before the run stops it (see `execution::MoveLimits`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoveDeadline {
    /// The cluster must have started the move by then (ArangoDB: left ToDo).
    pub start_within: std::time::Duration,
    /// The move must have ended by then, counted from its request.
    pub finish_within: std::time::Duration,
    /// Bytes per second measured on earlier moves, for estimates; `None` before any.
    pub expected_rate: Option<f64>,
}

impl MoveDeadline {
    /// No limit: for callers that wait as long as it takes (tests, one-off tools).
    pub const NONE: MoveDeadline = MoveDeadline {
        start_within: std::time::Duration::MAX,
        finish_within: std::time::Duration::MAX,
        expected_rate: None,
    };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveReport {
    pub request: MoveRequest,
    pub bytes: u64,
    pub millis: u64,
}

/// Set from anywhere to ask a running operation to stop at its next safe point.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantValidation {
    pub tenant: TenantId,
    pub documents: u64,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    pub tenants: Vec<TenantValidation>,
    /// Documents of tenants nobody registered (leftovers or foreign data).
    pub unknown_tenants: Vec<TenantId>,
    /// Tenant attribute values that are not even valid tenant ids.
    #[serde(default)]
    pub unreadable_tenant_values: Vec<String>,
    pub documents_checked: u64,
}

impl ValidationReport {
    pub fn violation_count(&self) -> usize {
        self.tenants.iter().map(|t| t.violations.len()).sum()
    }
    pub fn is_clean(&self) -> bool {
        self.violation_count() == 0
            && self.unknown_tenants.is_empty()
            && self.unreadable_tenant_values.is_empty()
    }
}
