//! Results of onboarding and removing tenants.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Naming, TenantId};

/// What adding one tenant produced (the CLI's `--json` output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddedTenant {
    pub tenant_id: TenantId,
    pub name: String,
    pub scale_factor: u32,
    pub naming: Naming,
    /// Documents per collection, by the database's collection names.
    pub documents: BTreeMap<String, u64>,
    pub total_documents: u64,
    /// Created by this run (less than the total when a resumed run found some).
    pub created: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovedTenant {
    pub tenant_id: TenantId,
    pub name: String,
    pub removed_documents: u64,
}
