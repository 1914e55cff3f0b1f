//! What every back end refuses before writing anything, so that they all refuse
//! the same things in the same words (ArangoDB's own checks, and isolation).

use super::{BackendError, SchemaSpec};
use crate::{check_edge, check_key, check_tenant, Document, Rule, TenantId, MAX_NUMBER_OF_SHARDS};

/// Problems quoted in a refusal, at most.
const QUOTED: usize = 3;

impl SchemaSpec {
    /// Refuses a spec ArangoDB would refuse, before anything is created.
    pub fn check(&self) -> Result<(), BackendError> {
        if !(1..=MAX_NUMBER_OF_SHARDS).contains(&self.number_of_shards) {
            return Err(BackendError::Invalid(format!(
                "numberOfShards must be 1 to {MAX_NUMBER_OF_SHARDS}, not {}",
                self.number_of_shards
            )));
        }
        if !(1..=10).contains(&self.replication_factor) {
            return Err(BackendError::Invalid(format!(
                "replicationFactor must be 1 to 10, not {}",
                self.replication_factor
            )));
        }
        Ok(())
    }
}

/// Refuses a batch that ArangoDB would refuse or that would break isolation,
/// before anything of it is written: a naming mismatch is a `Conflict`;
/// documents of another tenant, keys without the tenant's prefix and edges
/// leaving the tenant are `Invalid`.
pub fn check_write(
    spec: &SchemaSpec,
    tenant: TenantId,
    batch: &[Document],
) -> Result<(), BackendError> {
    let mut problems = Vec::new();
    for doc in batch {
        if doc.naming != spec.naming {
            return Err(BackendError::Conflict(format!(
                "the database uses {} names and this batch is written in {}: add the tenant with --naming {}",
                spec.naming, doc.naming, spec.naming
            )));
        }
        problems.extend(check_tenant(doc, tenant));
        problems.extend(check_key(doc, tenant));
        problems.extend(
            check_edge(doc)
                .into_iter()
                .filter(|v| v.rule == Rule::CrossTenantEdge),
        );
    }
    if problems.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = problems
        .iter()
        .take(QUOTED)
        .map(|v| format!("{}: {}", v.id, v.message))
        .collect();
    Err(BackendError::Invalid(format!(
        "{} would break tenant isolation, nothing was stored: {}",
        crate::units::counted(problems.len() as u64, "document"),
        shown.join("; ")
    )))
}
