//! What a customer's tenant portal shows: their signup and, once ready, their
//! own tenant's inventory. Never anything of another tenant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SignupStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalView {
    pub signup: SignupStatus,
    /// Stored documents per collection (database names), once the tenant exists.
    pub counts: BTreeMap<String, u64>,
    /// Expected documents per collection for the chosen size.
    pub expected: BTreeMap<String, u64>,
    /// The tenant's creation (epoch seconds): where its history starts.
    pub created_at: Option<i64>,
}
