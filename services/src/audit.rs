//! The audit trail: every state-changing action and every refused one, from the
//! web or the CLI, kept in console.db. The console only appends: there is no
//! code that changes or deletes an entry, and the table's triggers refuse it.

use std::sync::Arc;

use rusqlite::types::Value;
use scaleout_domain::audit::{AuditEntry, AuditQuery};

use crate::clock::now_ms;
use crate::error::ServiceError;
use crate::store::{db, ConsoleStore};

/// The most entries one query returns.
pub const MAX_ENTRIES: u32 = 1000;
/// Longest text kept in a field: a target or reason is a sentence or two, not a document.
const FIELD_CHARS: usize = 500;

/// An action about to be recorded (the id and time are the trail's).
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub actor: String,
    pub role: String,
    pub action: String,
    pub target: Option<String>,
    pub outcome: String,
    pub job_id: Option<u64>,
    pub client: String,
}

/// Anonymous refusals written one by one per address and minute; the rest are counted.
pub const NOISE_PER_MINUTE: u32 = 20;

enum Admitted {
    Yes { unrecorded: u64 },
    No,
}

/// Per client address: the minute's start, refusals written in it, and those counted
/// but not written since the last one written.
#[derive(Default)]
struct Noise {
    clients: std::collections::HashMap<String, (i64, u32, u64)>,
}

impl Noise {
    fn admit(&mut self, client: &str, now: i64) -> Admitted {
        // Forget quiet clients, so the map stays as small as the current noise.
        if self.clients.len() > 10_000 {
            self.clients
                .retain(|_, (start, _, skipped)| now - *start < 60_000 || *skipped > 0);
        }
        let entry = self
            .clients
            .entry(client.to_string())
            .or_insert((now, 0, 0));
        if now - entry.0 >= 60_000 {
            entry.0 = now;
            entry.1 = 0;
        }
        if entry.1 >= NOISE_PER_MINUTE {
            entry.2 += 1;
            return Admitted::No;
        }
        entry.1 += 1;
        Admitted::Yes {
            unrecorded: std::mem::take(&mut entry.2),
        }
    }
}

fn noise() -> std::sync::MutexGuard<'static, Noise> {
    static NOISE: std::sync::OnceLock<std::sync::Mutex<Noise>> = std::sync::OnceLock::new();
    NOISE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// The trail; cheap to clone.
#[derive(Clone)]
pub struct Audit {
    store: Arc<ConsoleStore>,
}

impl Audit {
    pub fn new(store: Arc<ConsoleStore>) -> Self {
        Audit { store }
    }

    /// Appends one entry; true when it was written. A failure is logged and returned: the
    /// caller decides whether the action may stand without its record.
    ///
    /// Anonymous refusals are not all written one by one: a client sending thousands
    /// (anyone can) would fill a trail nobody may trim. Past [`NOISE_PER_MINUTE`] a minute
    /// from one address they are counted, and the next one written says how many were not.
    pub fn record(&self, mut r: Record) -> Result<bool, ServiceError> {
        if r.role == "anonymous" && r.outcome != "ok" {
            match noise().admit(&r.client, now_ms()) {
                Admitted::No => return Ok(false),
                Admitted::Yes { unrecorded: 0 } => {}
                Admitted::Yes { unrecorded } => {
                    let note = format!(
                        "(and {} more from this address before it, not recorded one by one)",
                        scaleout_domain::units::counted(unrecorded, "refused anonymous request")
                    );
                    r.target = Some(match r.target.take() {
                        Some(t) => format!("{t} {note}"),
                        None => note,
                    });
                }
            }
        }
        // Kept as it can be read back safely: a hostile input's invisible characters are
        // written as code points, not replayed into a terminal or a page.
        let short = |s: &str| {
            scaleout_domain::access::text::escape_invisible(s)
                .chars()
                .take(FIELD_CHARS)
                .collect::<String>()
        };
        let result = self.store.with(|c| {
            c.execute(
                "INSERT INTO audit (at_ms, actor, role, action, target, outcome, job_id, client)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                (
                    now_ms(),
                    short(&r.actor),
                    short(&r.role),
                    short(&r.action),
                    r.target.as_deref().map(short),
                    short(&r.outcome),
                    r.job_id.map(|j| j as i64),
                    short(&r.client),
                ),
            )
            .map_err(db)
        });
        if let Err(e) = &result {
            tracing::error!(action = %r.action, "the audit trail could not record an action: {e}");
        }
        result.map(|_| true)
    }

    /// Entries that match `q`, newest first.
    pub fn query(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, ServiceError> {
        let mut sql = String::from(
            "SELECT id, at_ms, actor, role, action, target, outcome, job_id, client FROM audit WHERE 1=1",
        );
        let mut args: Vec<Value> = Vec::new();
        if let Some(actor) = q.actor.as_deref().filter(|a| !a.trim().is_empty()) {
            args.push(Value::Text(actor.trim().to_string()));
            sql.push_str(&format!(" AND actor = ?{} COLLATE NOCASE", args.len()));
        }
        if let Some(action) = q.action.as_deref().filter(|a| !a.trim().is_empty()) {
            // A prefix, matched literally: `%` and `_` in it are not wildcards.
            let escaped = action
                .trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            args.push(Value::Text(format!("{escaped}%")));
            sql.push_str(&format!(" AND action LIKE ?{} ESCAPE '\\'", args.len()));
        }
        if let Some(since) = q.since_ms {
            args.push(Value::Integer(since));
            sql.push_str(&format!(" AND at_ms >= ?{}", args.len()));
        }
        if let Some(until) = q.until_ms {
            args.push(Value::Integer(until));
            sql.push_str(&format!(" AND at_ms < ?{}", args.len()));
        }
        let limit = q.limit.unwrap_or(200).clamp(1, MAX_ENTRIES);
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
        self.store.with(|c| {
            let mut stmt = c.prepare(&sql).map_err(db)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args), |r| {
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at_ms: r.get(1)?,
                        actor: r.get(2)?,
                        role: r.get(3)?,
                        action: r.get(4)?,
                        target: r.get(5)?,
                        outcome: r.get(6)?,
                        job_id: r.get::<_, Option<i64>>(7)?.map(|j| j as u64),
                        client: r.get(8)?,
                    })
                })
                .map_err(db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(db)
        })
    }
}

/// Who runs the command line, as the trail names them: `cli:<os user>`.
pub fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| match own_uid().as_str() {
            "0" => "root".to_string(),
            uid => format!("uid{uid}"),
        });
    format!("cli:{user}")
}

fn own_uid() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_anonymous_refusals_is_counted_not_written() {
        let mut noise = Noise::default();
        let t = 1_000_000;
        for _ in 0..NOISE_PER_MINUTE {
            assert!(matches!(
                noise.admit("10.0.0.1", t),
                Admitted::Yes { unrecorded: 0 }
            ));
        }
        for _ in 0..500 {
            assert!(matches!(noise.admit("10.0.0.1", t + 1), Admitted::No));
        }
        // Another address is not held up.
        assert!(matches!(
            noise.admit("10.0.0.2", t + 2),
            Admitted::Yes { unrecorded: 0 }
        ));
        // A minute on, the next one written says how many were not.
        assert!(matches!(
            noise.admit("10.0.0.1", t + 60_000),
            Admitted::Yes { unrecorded: 500 }
        ));
        assert!(matches!(
            noise.admit("10.0.0.1", t + 60_001),
            Admitted::Yes { unrecorded: 0 }
        ));
    }

    fn trail() -> (tempfile::TempDir, Audit) {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(ConsoleStore::open(&dir.path().join("console.db")).unwrap());
        (dir, Audit::new(store))
    }

    fn record(actor: &str, action: &str) -> Record {
        Record {
            actor: actor.into(),
            role: "operator".into(),
            action: action.into(),
            outcome: "ok".into(),
            ..Default::default()
        }
    }

    #[test]
    fn entries_are_kept_newest_first_and_filtered() {
        let (_dir, audit) = trail();
        audit.record(record("alice", "tenants/add")).unwrap();
        audit.record(record("bob", "cluster/add-servers")).unwrap();
        audit.record(record("alice", "tenants/remove")).unwrap();
        let all = audit.query(&AuditQuery::default()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].action, "tenants/remove");
        let alice = audit
            .query(&AuditQuery {
                actor: Some("ALICE".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(alice.len(), 2);
        let tenants = audit
            .query(&AuditQuery {
                action: Some("tenants/".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(tenants.len(), 2);
        // A wildcard in the filter is a character, not a pattern.
        let none = audit
            .query(&AuditQuery {
                action: Some("%".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(none.is_empty());
        let later = audit
            .query(&AuditQuery {
                since_ms: Some(now_ms() + 60_000),
                ..Default::default()
            })
            .unwrap();
        assert!(later.is_empty());
    }

    #[test]
    fn the_trail_cannot_be_changed_or_deleted() {
        let (_dir, audit) = trail();
        audit.record(record("alice", "tenants/add")).unwrap();
        for sql in ["UPDATE audit SET actor = 'mallory'", "DELETE FROM audit"] {
            let err = audit
                .store
                .with(|c| c.execute(sql, []).map_err(db))
                .unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert_eq!(
            audit.query(&AuditQuery::default()).unwrap()[0].actor,
            "alice"
        );
    }
}
