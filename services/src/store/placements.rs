//! Where each tenant was placed when it was created, and why (see
//! `operations::placement`): the tenant's page and the import's result say it.

use rusqlite::OptionalExtension;
use scaleout_domain::TenantId;
use serde::{Deserialize, Serialize};

use super::{db, ConsoleStore};
use crate::error::ServiceError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementRecord {
    pub tenant_id: TenantId,
    pub shard_group: Option<u32>,
    pub mode: String,
    pub why: String,
    pub probed: u32,
}

impl ConsoleStore {
    /// Records a choice (a resumed or repeated choice for the same id replaces it).
    pub fn save_placement(&self, p: &PlacementRecord) -> Result<(), ServiceError> {
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO placements (tenant_id, shard_group, mode, why, probed, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (
                    p.tenant_id.as_str(),
                    p.shard_group,
                    &p.mode,
                    &p.why,
                    p.probed,
                    crate::clock::now_ms(),
                ),
            )
            .map(|_| ())
            .map_err(db)
        })
    }

    pub fn placement(&self, id: TenantId) -> Result<Option<PlacementRecord>, ServiceError> {
        self.with(|c| {
            c.query_row(
                "SELECT shard_group, mode, why, probed FROM placements WHERE tenant_id = ?1",
                [id.as_str()],
                |r| {
                    Ok(PlacementRecord {
                        tenant_id: id,
                        shard_group: r.get(0)?,
                        mode: r.get(1)?,
                        why: r.get(2)?,
                        probed: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(db)
        })
    }
}
