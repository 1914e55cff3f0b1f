//! Readable summaries for the terminal (the --json output is the data itself).

use std::fmt::Write as _;

use scaleout_domain::planner::{ClusterSnapshot, Figures};
use scaleout_domain::tenant_weight::percent;
use scaleout_domain::units::{grouped, human_bytes};
use scaleout_domain::views::JobLog;
use scaleout_domain::Violation;
use scaleout_services::operations::demo_report::DemoReport;
use scaleout_services::operations::rebalance::Rebalance;
use scaleout_services::operations::reports::{ServerReport, ShardReport, TenantRow};
use scaleout_services::operations::tenants::AddedTenant;
use scaleout_services::operations::topology::{AddedServers, Validation};
use scaleout_services::store::JobRecord;
use serde::Serialize;

/// `shard-info` output: placement, balance, and the snapshot `scaleout plan` reads.
#[derive(Debug, Serialize)]
pub struct ShardInfo {
    pub shards: ShardReport,
    pub balance: Figures,
    pub snapshot: ClusterSnapshot,
}

pub fn added_tenants(list: &[AddedTenant]) -> String {
    let mut out = String::new();
    for t in list {
        let _ = writeln!(
            out,
            "Added {} (id {}, scale factor {}, {}): {} documents in {:.1} s",
            t.name,
            t.tenant_id,
            t.scale_factor,
            t.naming,
            grouped(t.total_documents),
            t.seconds
        );
        if let Some(why) = &t.placement {
            let _ = writeln!(out, "  placed in {why}");
        }
        for (collection, n) in &t.documents {
            let _ = writeln!(out, "  {collection:<20} {:>9}", grouped(*n));
        }
    }
    out
}

pub fn tenants(rows: &[TenantRow]) -> String {
    if rows.is_empty() {
        return "No tenants yet: add one with `scaleout tenant add --tenant-name NAME`.\n".into();
    }
    let mut out = format!(
        "{:<14} {:<32} {:>5} {:>9} {:>10} {:<12} {:>5} {:>6}  {}\n",
        "ID", "NAME", "SCALE", "DOCS", "BYTES", "STATUS", "GROUP", "SHARE", "LEADER (FOLLOWERS)"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:<14} {:<32} {:>5} {:>9} {:>10} {:<12} {:>5} {:>6}  {} ({})",
            r.id.as_str(),
            truncate(&r.name, 32),
            r.scale_factor,
            grouped(r.documents),
            human_bytes(r.bytes),
            r.status,
            r.shard_group
                .map(|g| g.to_string())
                .unwrap_or_else(|| "-".into()),
            r.group_share.map_or("-".into(), percent),
            r.leader.as_deref().unwrap_or("-"),
            r.followers.join(", ")
        );
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

pub fn servers(r: &ServerReport) -> String {
    let mode = match r.mode {
        scaleout_domain::port::ClusterMode::Cluster => "cluster",
        scaleout_domain::port::ClusterMode::Single => "single server",
    };
    let mut out = format!(
        "{}: ArangoDB {}, {} edition, {mode}\n\n{:<16} {:<12} {:<7} {:>7} {:>9} {:>10} {:>9}  {}\n",
        r.backend.kind.label(),
        r.version,
        r.edition,
        "SERVER",
        "ROLE",
        "HEALTH",
        "LEADERS",
        "FOLLOWERS",
        "BYTES",
        "DOCUMENTS",
        "TENANTS"
    );
    for s in &r.servers {
        let _ = writeln!(
            out,
            "{:<16} {:<12} {:<7} {:>7} {:>9} {:>10} {:>9}  {}",
            s.short_name,
            match s.role {
                scaleout_domain::port::ServerRole::DbServer => "DB server",
                scaleout_domain::port::ServerRole::Coordinator => "coordinator",
                scaleout_domain::port::ServerRole::Agent => "agent",
                scaleout_domain::port::ServerRole::Single => "single",
            },
            format!("{:?}", s.health).to_lowercase(),
            s.leaders,
            s.followers,
            human_bytes(s.bytes),
            grouped(s.documents),
            s.tenants
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

pub fn shards(info: &ShardInfo) -> String {
    let s = &info.shards;
    let mut out = format!(
        "{} shard groups x {} collections, replication factor {}\n\n{:>5} {:<14} {:<28} {:>10} {:>9}  {}\n",
        s.number_of_shards,
        s.collections.len(),
        s.replication_factor,
        "GROUP",
        "LEADER",
        "FOLLOWERS",
        "BYTES",
        "DOCUMENTS",
        "TENANTS"
    );
    for g in &s.groups {
        let flags = match (g.available, g.in_sync) {
            (false, _) => " [UNAVAILABLE]",
            (true, false) => " [resyncing]",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{:>5} {:<14} {:<28} {:>10} {:>9}  {}{flags}",
            g.index,
            g.leader,
            g.followers.join(", "),
            human_bytes(g.bytes),
            grouped(g.documents),
            g.tenants
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(out, "\n{}", balance_line(&info.balance));
    out
}

fn balance_line(f: &Figures) -> String {
    format!(
        "Balance over {}: fullest server {:.2} x the mean, spread of bytes {}; leader shards per server {} to {}",
        scaleout_domain::units::counted(f.balanced_servers as u64, "server"),
        f.bytes.max_over_mean,
        scaleout_domain::units::spread_percent(f.bytes.cv),
        f.leaders.min,
        f.leaders.max
    )
}

pub fn added_servers(a: &AddedServers) -> String {
    format!(
        "Added {}: the cluster has {} DB servers. New servers hold nothing until `scaleout rebalance --execute`.\n",
        a.added.iter().map(|s| s.short_name.as_str()).collect::<Vec<_>>().join(", "),
        a.db_servers
    )
}

/// A rebalance or a drain, planned or carried out. `carry_out`: the command that carries
/// out a plan shown only, or None for one that cannot be (a what-if plan).
pub fn rebalance(r: &Rebalance, carry_out: Option<&str>) -> String {
    let mut out = scaleout_domain::planner::render_text(&r.plan);
    if let Some(theirs) = &r.arangodb_plan {
        let moves = theirs["moves"].as_array().map(Vec::len).unwrap_or(0);
        let score = |k: &str| theirs[k]["shards"].as_f64().unwrap_or(0.0);
        let _ = writeln!(
            out,
            "\nArangoDB's own plan (for comparison, not executed): {}, its shard imbalance score {} -> {}",
            scaleout_domain::units::counted(moves as u64, "move"),
            scaleout_domain::units::plain_number(score("imbalance_before")),
            scaleout_domain::units::plain_number(score("imbalance_after"))
        );
    }
    if r.executed {
        let _ = writeln!(out, "\nExecuted {}.", r.done_text("step", "copied"));
        let verified = r.moves_done.iter().filter(|m| m.verified).count();
        let _ = writeln!(
            out,
            "Verified {verified} of {}: the group's tenants counted{} before and after, the placement read back.",
            scaleout_domain::units::counted(r.moves_done.len() as u64, "move"),
            if r.moves_done.iter().any(|m| m.verification.is_none() && m.verified) { " (and checksummed where the back end can)" } else { "" }
        );
        for m in r
            .moves_done
            .iter()
            .filter(|m| !m.verified || m.verification.is_some())
        {
            let _ = writeln!(
                out,
                "  shard group {} {} -> {}: {}{}",
                m.group,
                m.from,
                m.to,
                if m.verified {
                    "verified, "
                } else {
                    "NOT verified: "
                },
                m.verification.as_deref().unwrap_or_default()
            );
        }
        if let Some(after) = &r.figures_after {
            let _ = writeln!(out, "Measured after: {}", balance_line(after));
        }
        if !r.meanwhile.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                scaleout_domain::views::meanwhile_note(&r.meanwhile)
            );
        }
    } else if !r.plan.moves.is_empty() {
        let _ = match carry_out {
            Some(command) => writeln!(
                out,
                "\nNothing was moved: `{command}` carries out this plan."
            ),
            None => writeln!(
                out,
                "\nNothing was moved: a what-if plan is for reading. Add the servers \
                 (`scaleout server add --count N`), then `scaleout rebalance --execute` \
                 plans again for the real cluster and carries it out."
            ),
        };
    }
    out
}

/// `names`: registered tenants' names by id, so each line says whose data it checked.
pub fn validation(v: &Validation, names: &std::collections::HashMap<String, String>) -> String {
    let mut out = String::new();
    for t in &v.report.tenants {
        let id = t.tenant.to_string();
        let _ = writeln!(
            out,
            "{}: {} documents, {}",
            match names.get(&id) {
                Some(name) => format!("{name} ({id})"),
                None => id,
            },
            grouped(t.documents),
            scaleout_domain::units::counted(t.violations.len() as u64, "violation")
        );
        violations(&mut out, &t.violations);
    }
    for t in &v.unregistered {
        let _ = writeln!(
            out,
            "{} documents are stored under tenant id {}, which is not registered{}: `scaleout tenant purge {}` deletes them",
            grouped(t.documents),
            t.id,
            t.removed_name
                .as_deref()
                .map(|n| format!(" (it was {n}, removed)"))
                .unwrap_or_default(),
            t.id
        );
    }
    for value in &v.report.unreadable_tenant_values {
        let _ = writeln!(
            out,
            "documents carry the tenant value {:?}, which is no tenant id",
            scaleout_domain::access::text::cut(value)
        );
    }
    let _ = writeln!(
        out,
        "{}: {} documents checked, {}.",
        if v.clean {
            "Isolation and integrity hold"
        } else {
            "VALIDATION FAILED"
        },
        grouped(v.report.documents_checked),
        scaleout_domain::units::counted(v.violations as u64, "violation")
    );
    out
}

/// The first ten violations, one a line, and how many more there are.
pub fn violations(out: &mut String, list: &[Violation]) {
    for violation in list.iter().take(10) {
        let _ = writeln!(
            out,
            "  {:?} {}: {}",
            violation.rule, violation.id, violation.message
        );
    }
    if list.len() > 10 {
        let _ = writeln!(out, "  ... and {} more (see --json)", list.len() - 10);
    }
}

pub fn demo(r: &DemoReport) -> String {
    let mut out = r.markdown();
    if !r.files.is_empty() {
        let _ = writeln!(out, "\nReport saved: {}", r.files.join(", "));
    }
    out
}

pub fn jobs(list: &[JobRecord]) -> String {
    if list.is_empty() {
        return "No jobs yet.\n".into();
    }
    let mut out = format!(
        "{:>5} {:<11} {:<20}  {}\n",
        "ID", "STATE", "STARTED (UTC)", "WHAT"
    );
    for j in list {
        // A resumed job keeps the time it first started, and says when it resumed.
        let _ = writeln!(
            out,
            "{:>5} {:<11} {:<20}  {}{}",
            j.id,
            j.state.as_str(),
            scaleout_services::clock::iso(j.created_ms),
            j.title(),
            j.resumed_ms()
                .map(|ms| format!(" (resumed {})", scaleout_services::clock::iso(ms)))
                .unwrap_or_default()
        );
        if let Some(e) = &j.error {
            let _ = writeln!(out, "{:>5} {:<11} {:<20}  {e}", "", "", "");
        }
        if let Some(why) = &j.resume_refused {
            let _ = writeln!(
                out,
                "{:>5} {:<11} {:<20}  cannot be resumed: {why}",
                "", "", ""
            );
        }
    }
    out
}

/// A job and its log (see [`Console::job_log`]): each step's start and end and every
/// outcome, or every progress tick.
///
/// [`Console::job_log`]: scaleout_services::Console::job_log
pub fn job(log: &JobLog) -> String {
    let j = &log.job;
    let mut out = format!(
        "Job {}: {} ({}), {}\nstarted {}",
        j.id,
        j.title(),
        j.kind,
        j.state.as_str(),
        scaleout_services::clock::iso(j.created_ms)
    );
    if let Some(at) = j.resumed_ms() {
        let _ = write!(out, ", resumed {}", scaleout_services::clock::iso(at));
    }
    if let Some(at) = j.finished_ms {
        let _ = write!(out, ", ended {}", scaleout_services::clock::iso(at));
    }
    out.push('\n');
    if let Some(e) = &j.error {
        // A cancel is what someone asked for, not an error.
        let label = if j.state == scaleout_services::store::JobState::Cancelled {
            "cancelled"
        } else {
            "error"
        };
        let _ = writeln!(out, "{label}: {e}");
    }
    if let Some(why) = &j.resume_refused {
        let _ = writeln!(out, "cannot be resumed: {why}");
    }
    for e in &log.events {
        let _ = writeln!(
            out,
            "  #{:<4} {} {:<10} {:>8}/{:<8} {}",
            e.seq,
            scaleout_services::clock::iso(e.at_ms),
            e.step,
            e.done,
            e.total,
            e.message
        );
    }
    if log.left_out > 0 {
        let _ = writeln!(
            out,
            "({} left out: --all shows every one)",
            scaleout_domain::units::counted(log.left_out, "progress update")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::progress::{Outcome, ProgressEvent};

    #[test]
    fn job_show_says_when_it_resumed_and_what_it_left_out() {
        let record = JobRecord {
            id: 3,
            kind: "rebalance".into(),
            spec: serde_json::json!({"execute": false, "what_if_servers": 2}),
            state: scaleout_services::store::JobState::Succeeded,
            created_ms: 0,
            started_ms: Some(60_000),
            finished_ms: Some(61_000),
            result: None,
            error: None,
            resume_refused: None,
            cancel_asked_ms: None,
        };
        let event = ProgressEvent {
            seq: 0,
            step: "bytes".into(),
            done: 1,
            total: 2,
            outcome: Outcome::Running,
            message: "half".into(),
            at_ms: 0,
            phase: None,
            estimated: false,
            time_left_secs: None,
        };
        let shown = job(&JobLog {
            job: record,
            events: vec![event],
            left_out: 3,
        });
        assert!(shown.starts_with("Job 3: Planning a rebalance with 2 what-if servers (rebalance), succeeded\nstarted 1970-01-01T00:00:00Z, resumed 1970-01-01T00:01:00Z, ended 1970-01-01T00:01:01Z\n"), "{shown}");
        assert!(
            shown.contains("(3 progress updates left out: --all shows every one)"),
            "{shown}"
        );
    }

    #[test]
    fn a_job_whose_resume_was_refused_says_so_in_the_list_and_its_page() {
        let record = JobRecord {
            id: 4,
            kind: "rebalance".into(),
            spec: serde_json::json!({"execute": true}),
            state: scaleout_services::store::JobState::Cancelled,
            created_ms: 0,
            started_ms: Some(0),
            finished_ms: Some(1_000),
            result: None,
            error: Some("2 moves stopped".into()),
            resume_refused: Some("the cluster changed".into()),
            cancel_asked_ms: None,
        };
        let listed = jobs(std::slice::from_ref(&record));
        // Under the job's reason, in its WHAT column.
        let lines: Vec<&str> = listed.lines().collect();
        let what = lines[0].find("WHAT").unwrap();
        assert_eq!(lines[2].find("2 moves stopped"), Some(what), "{listed}");
        assert_eq!(
            lines[3].split_at(what),
            (
                " ".repeat(what).as_str(),
                "cannot be resumed: the cluster changed"
            ),
            "{listed}"
        );
        let shown = job(&JobLog {
            job: record,
            events: Vec::new(),
            left_out: 0,
        });
        assert!(
            shown.contains("cancelled: 2 moves stopped\ncannot be resumed: the cluster changed\n"),
            "{shown}"
        );
    }
}
