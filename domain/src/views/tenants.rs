//! Results of onboarding and removing tenants, and one tenant in detail.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::TenantRow;
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
    /// Which shard group it went to, and why (see `tenant_placement`).
    #[serde(default)]
    pub placement: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovedTenant {
    pub tenant_id: TenantId,
    pub name: String,
    pub removed_documents: u64,
}

/// One tenant in detail: its row, and its documents per collection against the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantDetail {
    pub row: TenantRow,
    /// Stored documents per collection (database names).
    pub counts: BTreeMap<String, u64>,
    /// Expected documents per collection for its scale factor.
    pub expected: BTreeMap<String, u64>,
}

/// A row of an imported list left out, and why (its line in the file, 1 = first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowNote {
    pub line: u64,
    pub name: String,
    pub reason: String,
}

/// An import the web console started: its job (none when nothing was left to
/// onboard), and the rows skipped and refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStarted {
    pub job: Option<u64>,
    pub onboarding: u64,
    pub skipped: Vec<ImportRowNote>,
    pub refused: Vec<ImportRowNote>,
}
