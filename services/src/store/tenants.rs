//! The tenant registry: who the tenants are (names, sizes, status). Their data
//! lives in the back end; this is what the console knows about them.

use rusqlite::{params, OptionalExtension, Row};
use scaleout_domain::{Naming, ScaleFactor, Tenant, TenantId, TenantName, TenantStatus};
use serde::{Deserialize, Serialize};

use scaleout_domain::name_key::name_key;

use super::{db, ConsoleStore};
use crate::error::ServiceError;

/// A registered tenant and the naming convention its data was written in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantRecord {
    pub tenant: Tenant,
    pub naming: Naming,
}

fn status_text(s: TenantStatus) -> &'static str {
    match s {
        TenantStatus::Provisioning => "provisioning",
        TenantStatus::Active => "active",
        TenantStatus::Failed => "failed",
        TenantStatus::Removing => "removing",
    }
}

fn parse_status(s: &str) -> TenantStatus {
    match s {
        "active" => TenantStatus::Active,
        "failed" => TenantStatus::Failed,
        "removing" => TenantStatus::Removing,
        _ => TenantStatus::Provisioning,
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Result<TenantRecord, ServiceError>> {
    let id: String = r.get(0)?;
    let name: String = r.get(1)?;
    let scale: i64 = r.get(2)?;
    let naming: String = r.get(3)?;
    let created_at: i64 = r.get(4)?;
    let status: String = r.get(5)?;
    Ok((|| {
        let corrupt = |what: &str| ServiceError::Store(format!("tenant record {id}: bad {what}"));
        let mut tenant = Tenant::new(
            TenantId::parse(&id).map_err(|_| corrupt("id"))?,
            TenantName::stored(&name).map_err(|_| corrupt("name"))?,
            ScaleFactor::from_i64(scale).map_err(|_| corrupt("scale factor"))?,
            created_at,
        );
        tenant.status = parse_status(&status);
        let naming = naming.parse().map_err(|_| corrupt("naming"))?;
        Ok(TenantRecord { tenant, naming })
    })())
}

const COLUMNS: &str = "id, name, scale_factor, naming, created_at, status";

/// A tenant that was removed: its id is never registered again, so resuming
/// an onboarding that stopped before the removal cannot bring it back, and
/// data left under its id is known for what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub id: TenantId,
    pub name: String,
    pub removed_ms: i64,
    pub job: Option<u64>,
}

impl ConsoleStore {
    /// Registers a new tenant; a name already taken (or a look-alike of one:
    /// see [`name_key`]) is a conflict, and so is the id of a removed tenant.
    pub fn insert_tenant(&self, record: &TenantRecord) -> Result<(), ServiceError> {
        self.transaction(|conn| {
            let t = &record.tenant;
            if let Some(removed) = removed_in(conn, t.id)? {
                return Err(ServiceError::Conflict(format!(
                    "{} ({}) was removed{}: it cannot be brought back; add it again as a new tenant",
                    removed.name,
                    removed.id,
                    removed.job.map(|j| format!(" by job {j}")).unwrap_or_default()
                )));
            }
            if let Some(existing) = self.find_by_name_in(conn, t.name.as_str())? {
                if existing.tenant.id != t.id {
                    return Err(crate::operations::tenants::name_taken(
                        t.name.as_str(),
                        &existing,
                    ));
                }
                return Ok(()); // the same tenant again: a resumed job
            }
            conn.execute(
                &format!(
                    "INSERT INTO tenants ({COLUMNS}, name_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                ),
                params![
                    t.id.as_str(),
                    t.name.as_str(),
                    t.scale_factor.get(),
                    record.naming.to_string(),
                    t.created_at,
                    status_text(t.status),
                    name_key(t.name.as_str())
                ],
            )
            .map_err(db)?;
            Ok(())
        })
    }

    fn find_by_name_in(
        &self,
        conn: &rusqlite::Connection,
        name: &str,
    ) -> Result<Option<TenantRecord>, ServiceError> {
        conn.query_row(
            &format!("SELECT {COLUMNS} FROM tenants WHERE name_key = ?1"),
            params![name_key(name)],
            from_row,
        )
        .optional()
        .map_err(db)?
        .transpose()
    }

    pub fn tenant_by_name(&self, name: &str) -> Result<Option<TenantRecord>, ServiceError> {
        self.with(|conn| self.find_by_name_in(conn, name))
    }

    pub fn tenant(&self, id: TenantId) -> Result<Option<TenantRecord>, ServiceError> {
        self.with(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM tenants WHERE id = ?1"),
                params![id.as_str()],
                from_row,
            )
            .optional()
            .map_err(db)?
            .transpose()
        })
    }

    /// Every tenant, oldest first.
    pub fn tenants(&self) -> Result<Vec<TenantRecord>, ServiceError> {
        self.with(|conn| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM tenants ORDER BY created_at, name"
                ))
                .map_err(db)?;
            let rows = stmt.query_map([], from_row).map_err(db)?;
            rows.map(|r| r.map_err(db)?).collect()
        })
    }

    pub fn set_tenant_status(
        &self,
        id: TenantId,
        status: TenantStatus,
    ) -> Result<(), ServiceError> {
        self.with(|conn| {
            conn.execute(
                "UPDATE tenants SET status = ?2 WHERE id = ?1",
                params![id.as_str(), status_text(status)],
            )
            .map_err(db)?;
            Ok(())
        })
    }

    /// Unregisters a removed tenant and keeps its tombstone, in one step.
    pub fn delete_tenant(
        &self,
        id: TenantId,
        name: &str,
        job: Option<u64>,
        now_ms: i64,
    ) -> Result<(), ServiceError> {
        self.transaction(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO removed_tenants (id, name, removed_ms, job_id) VALUES (?1, ?2, ?3, ?4)",
                params![id.as_str(), name, now_ms, job.map(|j| j as i64)],
            )
            .map_err(db)?;
            tx.execute("DELETE FROM tenants WHERE id = ?1", params![id.as_str()])
                .map_err(db)?;
            Ok(())
        })
    }

    /// The tombstone of a removed tenant, if this id was one.
    pub fn removed_tenant(&self, id: TenantId) -> Result<Option<Tombstone>, ServiceError> {
        self.with(|conn| removed_in(conn, id))
    }
}

fn removed_in(
    conn: &rusqlite::Connection,
    id: TenantId,
) -> Result<Option<Tombstone>, ServiceError> {
    conn.query_row(
        "SELECT name, removed_ms, job_id FROM removed_tenants WHERE id = ?1",
        params![id.as_str()],
        |r| {
            Ok(Tombstone {
                id,
                name: r.get(0)?,
                removed_ms: r.get(1)?,
                job: r.get::<_, Option<i64>>(2)?.map(|j| j as u64),
            })
        },
    )
    .optional()
    .map_err(db)
}
