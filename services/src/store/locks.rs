//! What one job at a time may hold: the cluster's topology, or one tenant.
//! A lock is a row claimed in the same SQLite transaction that records or
//! resumes its job, and released in the one that records the job's end, so two
//! processes can never both win, and a crashed owner's locks go when its jobs
//! are marked interrupted.

use rusqlite::{params, OptionalExtension, Transaction};
use scaleout_domain::TenantId;

use super::{db, ConsoleStore};
use crate::error::ServiceError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Adding or removing servers, moving shards: one change at a time.
    Topology,
    /// Onboarding, removing or purging one tenant's data.
    Tenant(TenantId),
}

impl Lock {
    fn key(&self) -> String {
        match self {
            Lock::Topology => "topology".into(),
            Lock::Tenant(id) => format!("tenant:{id}"),
        }
    }
}

/// A lock another job holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub lock: Lock,
    pub job: u64,
    pub kind: String,
}

impl Held {
    /// The conflict people see: what holds it, and what to do.
    pub fn refusal(&self) -> ServiceError {
        self.refusal_naming(None)
    }

    /// [`Held::refusal`], naming the tenant as people know it.
    pub fn refusal_naming(&self, tenant_name: Option<&str>) -> ServiceError {
        let job = self.job;
        ServiceError::Conflict(match self.lock {
            Lock::Topology => format!(
                "job {job} ({}) is changing the cluster's topology: wait for it to finish or cancel it first",
                self.kind.replace('_', " ")
            ),
            Lock::Tenant(id) => {
                let doing = match self.kind.as_str() {
                    "add_tenant" | "add_tenants" => "being onboarded",
                    "demo" => "being onboarded by the demo",
                    "remove_tenant" => "being removed",
                    "purge_tenant" => "being purged",
                    _ => "in use",
                };
                let who = match tenant_name {
                    Some(name) => format!("{name} ({id})"),
                    None => format!("tenant {id}"),
                };
                format!(
                    "{who} is {doing} by job {job}: wait for job {job} to finish, or cancel job {job} first"
                )
            }
        })
    }
}

impl ConsoleStore {
    /// Claims `lock` for a job that already runs (a demo onboarding the tenant
    /// it just named). Holding it already is fine.
    pub fn claim(&self, job: u64, lock: Lock) -> Result<Result<(), Held>, ServiceError> {
        self.transaction(|tx| {
            if let Some(held) = holder(tx, &[lock], Some(job))? {
                return Ok(Err(held));
            }
            take(tx, job, &[lock])?;
            Ok(Ok(()))
        })
    }

    /// Who holds `lock`, if anyone.
    pub fn holder_of(&self, lock: Lock) -> Result<Option<Held>, ServiceError> {
        self.with(|c| holder(c, &[lock], None))
    }

    /// Every tenant a job other than `except` holds (onboarding, removing) right now.
    pub fn tenants_held(
        &self,
        except: u64,
    ) -> Result<std::collections::BTreeSet<TenantId>, ServiceError> {
        self.with(|c| {
            tenant_ids(
                c,
                "SELECT substr(resource, 8) FROM job_locks WHERE resource LIKE 'tenant:%' AND job_id != ?1",
                except,
            )
        })
    }

    /// Where tenant writes stand now: [`ConsoleStore::tenants_written_since`] names the
    /// tenants taken for writing after it.
    pub fn tenant_write_mark(&self) -> Result<u64, ServiceError> {
        self.with(|c| {
            c.query_row("SELECT COALESCE(MAX(seq), 0) FROM tenant_writes", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(db)
        })
    }

    /// Every tenant a job took for writing after `mark` (whether or not it still holds
    /// it): a job that started and ended while a move ran leaves no lock to see.
    pub fn tenants_written_since(
        &self,
        mark: u64,
    ) -> Result<std::collections::BTreeSet<TenantId>, ServiceError> {
        self.with(|c| {
            tenant_ids(
                c,
                "SELECT tenant_id FROM tenant_writes WHERE seq > ?1",
                mark,
            )
        })
    }
}

/// The tenant ids `sql` selects with `n` as its one parameter (unreadable ones skipped).
fn tenant_ids(
    conn: &rusqlite::Connection,
    sql: &str,
    n: u64,
) -> Result<std::collections::BTreeSet<TenantId>, ServiceError> {
    let mut stmt = conn.prepare(sql).map_err(db)?;
    let ids = stmt
        .query_map([n as i64], |r| r.get::<_, String>(0))
        .map_err(db)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db)?;
    Ok(ids
        .iter()
        .filter_map(|id| TenantId::parse(id).ok())
        .collect())
}

/// The first of `locks` held by a job other than `except`.
pub(super) fn holder(
    conn: &rusqlite::Connection,
    locks: &[Lock],
    except: Option<u64>,
) -> Result<Option<Held>, ServiceError> {
    for lock in locks {
        let found: Option<(i64, String)> = conn
            .query_row(
                "SELECT l.job_id, COALESCE(j.kind, '?') FROM job_locks l
                 LEFT JOIN jobs j ON j.id = l.job_id WHERE l.resource = ?1",
                [lock.key()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db)?;
        if let Some((job, kind)) = found {
            if Some(job as u64) != except {
                return Ok(Some(Held {
                    lock: *lock,
                    job: job as u64,
                    kind,
                }));
            }
        }
    }
    Ok(None)
}

pub(super) fn take(tx: &Transaction<'_>, job: u64, locks: &[Lock]) -> Result<(), ServiceError> {
    for lock in locks {
        tx.execute(
            "INSERT OR REPLACE INTO job_locks (resource, job_id) VALUES (?1, ?2)",
            params![lock.key(), job as i64],
        )
        .map_err(db)?;
        if let Lock::Tenant(id) = lock {
            tx.execute(
                "INSERT OR REPLACE INTO tenant_writes (tenant_id, seq)
                 VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tenant_writes))",
                [id.to_string()],
            )
            .map_err(db)?;
        }
    }
    Ok(())
}

pub(super) fn release_all(tx: &rusqlite::Connection, job: u64) -> Result<(), ServiceError> {
    tx.execute("DELETE FROM job_locks WHERE job_id = ?1", [job as i64])
        .map_err(db)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new store (its directory kept alive with it) and two tenant ids.
    fn store_and_two_tenants() -> (tempfile::TempDir, ConsoleStore, TenantId, TenantId) {
        let dir = tempfile::tempdir().unwrap();
        let store = ConsoleStore::open(&dir.path().join("console.db")).unwrap();
        let a = TenantId::parse("0123456789ab").unwrap();
        let b = TenantId::parse("ba9876543210").unwrap();
        (dir, store, a, b)
    }

    #[test]
    fn the_tenants_other_jobs_hold_and_none_of_ours() {
        let (_dir, store, a, b) = store_and_two_tenants();
        let spec = serde_json::json!({});
        let onboarding = store
            .insert_job("add_tenant", &spec, &[Lock::Tenant(a)], 0)
            .unwrap()
            .unwrap();
        let rebalance = store
            .insert_job("rebalance", &spec, &[Lock::Topology, Lock::Tenant(b)], 0)
            .unwrap()
            .unwrap();
        assert_eq!(
            store
                .tenants_held(rebalance)
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            vec![a]
        );
        assert_eq!(
            store
                .tenants_held(onboarding)
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            vec![b]
        );
    }

    #[test]
    fn a_tenant_written_after_the_mark_is_named_even_once_its_job_ended() {
        use scaleout_domain::views::JobState;
        let (_dir, store, a, b) = store_and_two_tenants();
        let spec = serde_json::json!({});
        let earlier = store
            .insert_job("add_tenant", &spec, &[Lock::Tenant(a)], 0)
            .unwrap()
            .unwrap();
        store
            .finish_job(earlier, JobState::Succeeded, None, None, 1)
            .unwrap();
        let mark = store.tenant_write_mark().unwrap();
        assert!(store.tenants_written_since(mark).unwrap().is_empty());
        // Started and ended after the mark: no lock is left to see, the write is.
        let during = store
            .insert_job("add_tenant", &spec, &[Lock::Tenant(b)], 2)
            .unwrap()
            .unwrap();
        store
            .finish_job(during, JobState::Succeeded, None, None, 3)
            .unwrap();
        assert!(store.tenants_held(0).unwrap().is_empty());
        assert_eq!(
            store
                .tenants_written_since(mark)
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            vec![b]
        );
        assert!(store.tenant_write_mark().unwrap() > mark);
    }
}
