//! Jobs as stored and shown: what they are, how they went.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    /// The process running it died; it can be resumed.
    Interrupted,
    Cancelled,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Interrupted => "interrupted",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> JobState {
        match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "succeeded" => JobState::Succeeded,
            "interrupted" => JobState::Interrupted,
            "cancelled" => JobState::Cancelled,
            _ => JobState::Failed,
        }
    }

    /// Stopped before finishing: `job resume` takes it from its checkpoint.
    pub fn is_resumable(self) -> bool {
        matches!(
            self,
            JobState::Failed | JobState::Cancelled | JobState::Interrupted
        )
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobState::Succeeded | JobState::Failed | JobState::Cancelled | JobState::Interrupted
        )
    }
}

/// A job as stored: what it is, how it went, what it produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: u64,
    pub kind: String,
    /// Everything needed to run it (again).
    pub spec: serde_json::Value,
    pub state: JobState,
    pub created_ms: i64,
    pub started_ms: Option<i64>,
    pub finished_ms: Option<i64>,
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    /// Why it can no longer be resumed (the cluster moved on from its plan), once a resume
    /// was refused: Resume is not offered again after a reload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_refused: Option<String>,
    /// When someone asked it to stop, while it still runs (it stops at its next safe
    /// point): a page reloaded in between says so rather than offering Cancel again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_asked_ms: Option<i64>,
}

/// A job and the events of its log worth reading afterwards (see
/// [`crate::progress::milestones`]), or every one of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobLog {
    pub job: JobRecord,
    pub events: Vec<crate::progress::ProgressEvent>,
    /// Progress updates not in `events`.
    pub left_out: u64,
}

impl JobRecord {
    /// The question asked before a resume, on the job's page and in the Jobs list.
    pub fn resume_question(&self) -> String {
        format!(
            "Resume job {} ({})? It finishes what was left of it, on the cluster as it is now.",
            self.id,
            self.title()
        )
    }

    /// Stopped before finishing, and no resume of it has been refused.
    pub fn can_resume(&self) -> bool {
        self.state.is_resumable() && self.resume_refused.is_none()
    }

    /// When its current run began, if that was a resume: the record was made when the
    /// job first started, and a resume starts a new run of it.
    pub fn resumed_ms(&self) -> Option<i64> {
        self.started_ms.filter(|s| *s > self.created_ms)
    }

    /// How long its last run took, once it has ended ("4.2 s", "1.0 s after the resume").
    pub fn took(&self) -> Option<String> {
        let (start, end) = (self.started_ms?, self.finished_ms?);
        Some(format!(
            "{:.1} s{}",
            (end - start) as f64 / 1000.0,
            if self.resumed_ms().is_some() {
                " after the resume"
            } else {
                ""
            }
        ))
    }

    /// A rebalance that moves data (not a plan, not a what-if): what the Shards page shows
    /// running, or last run.
    pub fn moves_data(&self) -> bool {
        self.kind == "rebalance"
            && self.spec.get("execute").and_then(|e| e.as_bool()) != Some(false)
    }

    /// What the job does, for people, from its kind and what it was asked: the job list
    /// told a plan from an executed rebalance, and a drain from either, by its kind alone.
    pub fn title(&self) -> String {
        let spec = &self.spec;
        let count = |key: &str| spec.get(key).and_then(|v| v.as_u64()).unwrap_or(0);
        match self.kind.as_str() {
            "add_tenant" => match spec.pointer("/tenant/name").and_then(|n| n.as_str()) {
                Some(name) => format!("Onboarding a tenant: {name}"),
                None => "Onboarding a tenant".into(),
            },
            "add_tenants" => {
                let imported = spec.get("imported").and_then(|i| i.as_bool()) == Some(true);
                match (spec.get("tenants").and_then(|t| t.as_array()), imported) {
                    (Some(list), true) => format!(
                        "Importing a list of {}",
                        crate::units::counted(list.len() as u64, "tenant")
                    ),
                    (Some(list), false) => format!(
                        "Onboarding a batch of {}",
                        crate::units::counted(list.len() as u64, "tenant")
                    ),
                    (None, true) => "Importing a list of tenants".into(),
                    (None, false) => "Onboarding a batch of tenants".into(),
                }
            }
            "remove_tenant" => match spec.get("name").and_then(|n| n.as_str()) {
                Some(name) => format!("Removing a tenant: {name}"),
                None => "Removing a tenant".into(),
            },
            "purge_tenant" => "Deleting an unregistered tenant's data".into(),
            "add_servers" => match count("count") {
                1 => "Adding a DB server".into(),
                0 => "Adding DB servers".into(),
                n => format!("Adding {n} DB servers"),
            },
            "rebalance" => {
                let drain: Vec<&str> = spec
                    .get("drain")
                    .and_then(|d| d.as_array())
                    .map(|d| d.iter().filter_map(|s| s.as_str()).collect())
                    .unwrap_or_default();
                let execute = self.moves_data();
                let what_if = count("what_if_servers");
                match (execute, drain.is_empty()) {
                    (true, false) => format!("Draining {}", drain.join(", ")),
                    (false, false) => format!("Planning a drain of {}", drain.join(", ")),
                    (true, true) => "Rebalancing".into(),
                    (false, true) if what_if == 1 => {
                        "Planning a rebalance with 1 what-if server".into()
                    }
                    (false, true) if what_if > 1 => {
                        format!("Planning a rebalance with {what_if} what-if servers")
                    }
                    (false, true) => "Planning a rebalance".into(),
                }
            }
            "validate" => "Validating every tenant".into(),
            "demo" => "Scale-out demo".into(),
            other => other.into(),
        }
    }
}

/// The jobs among `jobs`, other than `this`, that changed the stored data (onboarded or
/// removed tenants) while they ran at some point between `from_ms` and `to_ms`: what a
/// plan made at `from_ms` did not count. "job 16: Onboarding a tenant: Acme Corp",
/// oldest first.
pub fn data_changes_during(jobs: &[JobRecord], this: u64, from_ms: i64, to_ms: i64) -> Vec<String> {
    let mut found: Vec<&JobRecord> = jobs
        .iter()
        .filter(|j| j.id != this)
        .filter(|j| {
            matches!(
                j.kind.as_str(),
                "add_tenant" | "add_tenants" | "remove_tenant" | "purge_tenant"
            )
        })
        .filter(|j| {
            let began = j.started_ms.unwrap_or(j.created_ms);
            began <= to_ms && j.finished_ms.is_none_or(|end| end >= from_ms)
        })
        .collect();
    found.sort_by_key(|j| j.id);
    found
        .into_iter()
        .map(|j| format!("job {}: {}", j.id, j.title()))
        .collect()
}

/// What a rebalance says of [`data_changes_during`] it: the figures after it differ
/// from its plan's, and why.
pub fn meanwhile_note(meanwhile: &[String]) -> String {
    format!(
        "While it ran, other jobs changed the data its plan had counted ({}): the figures \
         after it are measured and include them, so they differ from the plan's. Plan again \
         to balance them in.",
        meanwhile.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_changed_during_a_run_is_what_other_jobs_stored_or_removed_meanwhile() {
        let at = |id: u64, kind: &str, spec: serde_json::Value, start: i64, end: Option<i64>| {
            JobRecord {
                id,
                started_ms: Some(start),
                created_ms: start,
                finished_ms: end,
                ..job(kind, spec)
            }
        };
        let jobs = [
            at(
                1,
                "add_tenant",
                json!({"tenant": {"name": "Before"}}),
                0,
                Some(900),
            ),
            at(2, "rebalance", json!({"execute": true}), 1_000, Some(5_000)),
            at(
                3,
                "add_tenant",
                json!({"tenant": {"name": "Overlapping"}}),
                500,
                Some(1_500),
            ),
            at(
                4,
                "add_tenants",
                json!({"tenants": [{}]}),
                2_000,
                Some(3_000),
            ),
            at(5, "validate", json!({}), 2_000, Some(3_000)),
            at(6, "remove_tenant", json!({}), 4_000, None),
            at(
                7,
                "add_tenant",
                json!({"tenant": {"name": "After"}}),
                5_001,
                None,
            ),
        ];
        assert_eq!(
            data_changes_during(&jobs, 2, 1_000, 5_000),
            [
                "job 3: Onboarding a tenant: Overlapping",
                "job 4: Onboarding a batch of 1 tenant",
                "job 6: Removing a tenant",
            ]
        );
    }

    fn job(kind: &str, spec: serde_json::Value) -> JobRecord {
        JobRecord {
            id: 1,
            kind: kind.into(),
            spec,
            state: JobState::Succeeded,
            created_ms: 1_000,
            started_ms: Some(1_000),
            finished_ms: Some(2_000),
            result: None,
            error: None,
            resume_refused: None,
            cancel_asked_ms: None,
        }
    }

    #[test]
    fn a_title_tells_a_plan_an_executed_rebalance_and_a_drain_apart() {
        let rebalance = |execute: bool, what_if: u32, drain: &[&str]| {
            job(
                "rebalance",
                json!({"kind": "rebalance", "execute": execute, "what_if_servers": what_if, "drain": drain}),
            )
            .title()
        };
        assert_eq!(rebalance(true, 0, &[]), "Rebalancing");
        assert_eq!(rebalance(false, 0, &[]), "Planning a rebalance");
        assert_eq!(
            rebalance(false, 2, &[]),
            "Planning a rebalance with 2 what-if servers"
        );
        assert_eq!(
            rebalance(false, 1, &[]),
            "Planning a rebalance with 1 what-if server"
        );
        assert_eq!(
            rebalance(true, 0, &["DBServer0003"]),
            "Draining DBServer0003"
        );
        assert_eq!(
            rebalance(false, 0, &["DBServer0003", "DBServer0004"]),
            "Planning a drain of DBServer0003, DBServer0004"
        );
        // A spec without the field (an older record) reads as what it was: an execution.
        assert_eq!(
            job("rebalance", json!({"kind": "rebalance"})).title(),
            "Rebalancing"
        );
    }

    #[test]
    fn a_title_names_what_was_asked() {
        assert_eq!(
            job("add_tenant", json!({"tenant": {"name": "Acme Corp"}})).title(),
            "Onboarding a tenant: Acme Corp"
        );
        assert_eq!(
            job("add_tenants", json!({"tenants": [{}, {}, {}]})).title(),
            "Onboarding a batch of 3 tenants"
        );
        assert_eq!(
            job(
                "add_tenants",
                json!({"tenants": [{}, {}], "imported": true})
            )
            .title(),
            "Importing a list of 2 tenants"
        );
        assert_eq!(
            job(
                "remove_tenant",
                json!({"tenant": "0123456789ab", "name": "Acme Corp"})
            )
            .title(),
            "Removing a tenant: Acme Corp"
        );
        assert_eq!(
            job("remove_tenant", json!({"tenant": "0123456789ab"})).title(),
            "Removing a tenant",
            "recorded before the name was kept"
        );
        assert_eq!(
            job("add_servers", json!({"count": 1})).title(),
            "Adding a DB server"
        );
        assert_eq!(
            job("add_servers", json!({"count": 2})).title(),
            "Adding 2 DB servers"
        );
        assert_eq!(job("future_kind", json!({})).title(), "future_kind");
    }

    #[test]
    fn a_resumed_job_keeps_its_first_start() {
        let mut j = job("validate", json!({}));
        assert_eq!(j.resumed_ms(), None);
        assert_eq!(j.took().as_deref(), Some("1.0 s"));
        j.started_ms = Some(5_000);
        j.finished_ms = Some(6_500);
        assert_eq!(j.resumed_ms(), Some(5_000));
        assert_eq!(j.took().as_deref(), Some("1.5 s after the resume"));
        assert_eq!(j.created_ms, 1_000);
    }
}
