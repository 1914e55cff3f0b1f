//! The demo's report: JSON for machines (keeping the seed tooling's keys) and a
//! Markdown twin for people.

use crate::units::{grouped, human_bytes};
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{AddedTenant, ExecutedMove, Validation};
use crate::console::BackendInfo;
use crate::planner::Figures;
use crate::{Naming, TenantId};

/// What the demo would start from, checked before it runs: its story (two servers join,
/// the rebalance evens bytes out) holds on an empty store, not always on a full one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoCheck {
    pub tenants: usize,
    pub documents: u64,
    pub db_servers: usize,
    /// For the presenter, when the story may not hold on this cluster.
    pub warning: Option<String>,
}

impl DemoCheck {
    pub fn empty(&self) -> bool {
        self.tenants == 0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub title: String,
    pub started_at: String,
    pub finished_at: String,
    pub duration_seconds: f64,
    pub backend: BackendInfo,
    pub naming: Naming,
    pub success: bool,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    pub tenants_before: u64,
    pub tenants_after: u64,
    pub tenants_added: u64,
    pub documents_before: u64,
    pub documents_after: u64,
    pub documents_added: u64,
    pub collections_before: u64,
    pub collections_after: u64,
    /// Shards of all collections (a rebalance moves them, it does not add any).
    pub shards_before: u64,
    pub shards_after: u64,
    pub db_servers_before: u64,
    pub db_servers_after: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub step: u32,
    pub name: String,
    /// completed, skipped, planned or failed.
    pub status: String,
    pub seconds: f64,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantCheck {
    pub tenant: TenantId,
    pub documents: u64,
    pub violations: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationSummary {
    pub clean: bool,
    pub violations: usize,
    pub documents_checked: u64,
    pub tenants: Vec<TenantCheck>,
    pub unknown_tenants: Vec<TenantId>,
}

impl From<&Validation> for ValidationSummary {
    fn from(v: &Validation) -> Self {
        ValidationSummary {
            clean: v.clean,
            violations: v.violations,
            documents_checked: v.report.documents_checked,
            tenants: v
                .report
                .tenants
                .iter()
                .map(|t| TenantCheck {
                    tenant: t.tenant,
                    documents: t.documents,
                    violations: t.violations.len(),
                })
                .collect(),
            unknown_tenants: v.report.unknown_tenants.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoReport {
    pub demonstration_summary: Summary,
    pub scale_out_metrics: Metrics,
    pub demonstration_steps: Vec<StepRecord>,
    pub balance_before: Figures,
    pub balance_after: Figures,
    /// Right before the rebalance: the new servers joined, still empty. The fair
    /// "before" of the rebalance itself (`balance_before` has fewer servers and
    /// tenants). Absent from reports saved before it was added.
    #[serde(default)]
    pub balance_before_rebalance: Option<Figures>,
    pub moves: Vec<ExecutedMove>,
    pub planned_moves: u64,
    pub bytes_moved: u64,
    /// Seconds per step, and `total`.
    pub timings: BTreeMap<String, f64>,
    pub validation: ValidationSummary,
    pub tenants_added: Vec<AddedTenant>,
    /// Where the report was saved (empty when it was not).
    pub files: Vec<String>,
}

impl DemoReport {
    /// The saved files' names for a report finished at `stamp`
    /// (`YYYYMMDD_HHMMSS`): JSON first, then Markdown.
    pub fn file_names(stamp: &str) -> [String; 2] {
        let stem = format!("scale_out_demo_{stamp}");
        [format!("{stem}.json"), format!("{stem}.md")]
    }

    /// The report for people.
    pub fn markdown(&self) -> String {
        let s = &self.demonstration_summary;
        let m = &self.scale_out_metrics;
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", s.title);
        let _ = writeln!(out, "{}\n", s.outcome);
        let _ = writeln!(
            out,
            "- Started {}, finished {} ({:.1} s)\n- Back end: {}{}\n- Naming: {}\n- Result: **{}**\n",
            s.started_at,
            s.finished_at,
            s.duration_seconds,
            s.backend.kind.label(),
            // Empty where the reader may not see it (a read-only link's download).
            if s.backend.location.is_empty() {
                String::new()
            } else {
                format!(" at `{}`", s.backend.location)
            },
            s.naming,
            if s.success { "success" } else { "failed" }
        );
        let _ = writeln!(
            out,
            "## Scale-out metrics\n\n| | before | after | added |\n|---|---:|---:|---:|"
        );
        let _ = writeln!(
            out,
            "| tenants | {} | {} | {} |",
            m.tenants_before, m.tenants_after, m.tenants_added
        );
        let _ = writeln!(
            out,
            "| documents | {} | {} | {} |",
            grouped(m.documents_before),
            grouped(m.documents_after),
            grouped(m.documents_added)
        );
        let _ = writeln!(
            out,
            "| collections | {} | {} | |",
            m.collections_before, m.collections_after
        );
        let _ = writeln!(
            out,
            "| shards | {} | {} | |",
            m.shards_before, m.shards_after
        );
        let _ = writeln!(
            out,
            "| DB servers | {} | {} | {} |\n",
            m.db_servers_before,
            m.db_servers_after,
            m.db_servers_after - m.db_servers_before
        );
        let _ = writeln!(
            out,
            "## Steps\n\n| # | step | status | seconds | details |\n|---:|---|---|---:|---|"
        );
        for st in &self.demonstration_steps {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2} | {} |",
                st.step, st.name, st.status, st.seconds, st.details
            );
        }
        // Three moments: the new tenants land on the old servers before the new servers
        // come, so "before the demo" alone would show the rebalance adding bytes to a
        // server no move went to.
        let bytes_of = |f: &Figures, name: &str| {
            f.servers
                .iter()
                .find(|b| b.name == name)
                .map_or(0, |b| b.bytes)
        };
        let _ = match &self.balance_before_rebalance {
            Some(_) => writeln!(
                out,
                "\n## Balance (bytes per DB server)\n\n| server | before the demo | before the rebalance (tenants added, new servers empty) | after |\n|---|---:|---:|---:|"
            ),
            None => writeln!(
                out,
                "\n## Balance (bytes per DB server)\n\n| server | before | after |\n|---|---:|---:|"
            ),
        };
        for server in &self.balance_after.servers {
            let before = human_bytes(bytes_of(&self.balance_before, &server.name));
            let middle = self
                .balance_before_rebalance
                .as_ref()
                .map(|r| format!(" {} |", human_bytes(bytes_of(r, &server.name))))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {before} |{middle} {} |",
                server.name,
                human_bytes(server.bytes)
            );
        }
        let (b, a) = (&self.balance_before.bytes, &self.balance_after.bytes);
        let _ = writeln!(
            out,
            "\nThe fullest server {:.2} -> {:.2} times the mean; spread of bytes between servers (coefficient of variation) {} -> {}; ArangoDB's shard imbalance score {} -> {} ({}: it adds up squared bytes, so it grows with the data the demo added)\n",
            b.max_over_mean,
            a.max_over_mean,
            crate::units::spread_percent(b.cv),
            crate::units::spread_percent(a.cv),
            crate::units::plain_number(self.balance_before.arangodb.shards),
            crate::units::plain_number(self.balance_after.arangodb.shards),
            crate::units::relative_change(
                self.balance_before.arangodb.shards,
                self.balance_after.arangodb.shards
            )
        );
        if let Some(r) = &self.balance_before_rebalance {
            let _ = writeln!(
                out,
                "The rebalance itself (the new servers empty before it): the fullest server {:.2} -> {:.2} times the mean; spread of bytes {} -> {}; ArangoDB's shard imbalance score {} -> {} ({})\n",
                r.bytes.max_over_mean,
                a.max_over_mean,
                crate::units::spread_percent(r.bytes.cv),
                crate::units::spread_percent(a.cv),
                crate::units::plain_number(r.arangodb.shards),
                crate::units::plain_number(self.balance_after.arangodb.shards),
                crate::units::relative_change(r.arangodb.shards, self.balance_after.arangodb.shards)
            );
        }
        let _ = writeln!(
            out,
            "## Moves ({}, {} copied)\n",
            self.moves.len(),
            human_bytes(self.bytes_moved)
        );
        for mv in &self.moves {
            let _ = writeln!(
                out,
                "- shard group {} {} {} -> {}: {} in {:.1} s",
                mv.group,
                match mv.role {
                    crate::port::ReplicaRole::Leader => "leader",
                    crate::port::ReplicaRole::Follower => "follower",
                },
                mv.from,
                mv.to,
                human_bytes(mv.bytes),
                mv.millis as f64 / 1000.0
            );
        }
        let v = &self.validation;
        let _ = writeln!(
            out,
            "\n## Validation\n\n{} of {} checked: **{}**{}.",
            crate::units::counted(v.documents_checked, "document"),
            crate::units::counted(v.tenants.len() as u64, "tenant"),
            crate::units::counted(v.violations as u64, "violation"),
            if v.unknown_tenants.is_empty() {
                String::new()
            } else {
                format!(
                    ", {}",
                    crate::units::counted(v.unknown_tenants.len() as u64, "unregistered tenant")
                )
            }
        );
        out
    }
}
