//! Results of validation and rebalancing.

use serde::{Deserialize, Serialize};

use crate::planner::{Figures, Plan};
use crate::port::{ReplicaRole, ValidationReport};
use crate::TenantId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    pub clean: bool,
    pub violations: usize,
    pub report: ValidationReport,
    /// Data stored under tenant ids the registry does not know, with what is
    /// known of them: `scaleout tenant purge ID` removes it.
    #[serde(default)]
    pub unregistered: Vec<UnregisteredTenant>,
}

/// Data of a tenant id the registry does not know: left by a crash, a
/// removal that stopped half-way, or an older version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnregisteredTenant {
    pub id: TenantId,
    pub documents: u64,
    /// The name it had, when it was a tenant that was removed.
    pub removed_name: Option<String>,
}

/// One executed step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutedMove {
    pub group: u32,
    pub from: String,
    pub to: String,
    pub role: ReplicaRole,
    pub bytes: u64,
    pub millis: u64,
    /// The plan step this carried out (0-based), when it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    /// The group's tenants held the same data before and after, and the cluster put the
    /// replica where the plan said (read back).
    #[serde(default)]
    pub verified: bool,
    /// What did not match, when `verified` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rebalance {
    pub plan: Plan,
    pub executed: bool,
    pub moves_done: Vec<ExecutedMove>,
    pub bytes_moved: u64,
    /// This run's time (a resumed job's: since the resume).
    pub seconds: f64,
    /// Of `moves_done` and `bytes_moved`, what an earlier run made before the job stopped
    /// (0 unless this run resumed it).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub done_before_resume: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes_before_resume: u64,
    /// Measured on the cluster after execution (the plan's `after` is a forecast).
    pub figures_after: Option<Figures>,
    /// Other jobs that onboarded or removed tenants while it ran: data its plan did not
    /// count, so the measured figures may differ from the plan's ("job 16: Onboarding a
    /// tenant: Acme Corp").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meanwhile: Vec<String>,
    /// ArangoDB's own plan for the same cluster (computed, never executed), when
    /// the back end is ArangoDB: `{imbalance_before, imbalance_after, moves}`,
    /// shown beside the console's plan.
    #[serde(default)]
    pub arangodb_plan: Option<serde_json::Value>,
}

fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}

impl Rebalance {
    /// What the run did, in a few words, steps called `noun` and bytes `verb` ("copied"):
    /// "10 moves in 2.1 s, 3.4 MiB copied". A resumed job's result holds the whole plan's
    /// moves but this run's time, so it says which part this run made: "10 moves in all,
    /// 3.4 MiB copied (since the resume: 2 moves, 700 KiB in 2.1 s)".
    pub fn done_text(&self, noun: &str, verb: &str) -> String {
        let moves = crate::units::counted(self.moves_done.len() as u64, noun);
        let bytes = crate::units::human_bytes(self.bytes_moved);
        let took = crate::units::duration(self.seconds);
        if self.done_before_resume == 0 {
            return format!("{moves} in {took}, {bytes} {verb}");
        }
        format!(
            "{moves} in all, {bytes} {verb} (since the resume: {}, {} in {took})",
            crate::units::counted(
                self.moves_done
                    .len()
                    .saturating_sub(self.done_before_resume) as u64,
                noun
            ),
            crate::units::human_bytes(self.bytes_moved.saturating_sub(self.bytes_before_resume)),
        )
    }
}

/// A rebalance plan offered for review, before anything moves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanReview {
    pub plan: Plan,
    /// [`Plan::fingerprint`]: executing passes it back, and is refused when the cluster
    /// has changed so that the plan would differ.
    pub fingerprint: String,
    /// Hypothetical servers planned for (such a plan can be shown, not executed).
    pub what_if_servers: u32,
    /// ArangoDB's own plan for the same cluster (see [`Rebalance::arangodb_plan`]).
    pub arangodb_plan: Option<serde_json::Value>,
    /// Why ArangoDB's own plan is missing, for people (another back end, or ArangoDB
    /// would not say).
    pub arangodb_note: Option<String>,
}

/// What a reviewed plan's execution answers when the cluster changed after the review.
pub const STALE_PLAN: &str =
    "the cluster changed since you reviewed this plan; review the new plan";
