//! What a job does, with everything fixed up front (tenant ids, creation times)
//! so that running it again after a crash produces the same data.

use std::path::PathBuf;

use scaleout_domain::{Naming, TenantId};
use serde::{Deserialize, Serialize};

use crate::store::Lock;

/// A tenant to create, fully determined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTenant {
    pub id: TenantId,
    pub name: String,
    pub scale_factor: u32,
    pub naming: Naming,
    /// Epoch seconds; with the id it seeds the generated data.
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobSpec {
    AddTenant {
        tenant: NewTenant,
    },
    AddTenants {
        tenants: Vec<NewTenant>,
        /// Tenants onboarded at once (`--concurrency`); the default when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        concurrency: Option<u32>,
        /// From a list the operator imported (not the batch of three): the job list
        /// tells the two apart.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        imported: bool,
    },
    RemoveTenant {
        tenant: TenantId,
        /// Its name when the removal started, so the job list says whose data went
        /// (absent in jobs recorded before it was kept).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Deletes data stored under a tenant id the registry does not know (left
    /// by a crash or an older version): what `validate` reports as unregistered.
    PurgeTenant {
        tenant: TenantId,
    },
    AddServers {
        count: u32,
    },
    Rebalance {
        what_if_servers: u32,
        execute: bool,
        /// The fingerprint of the plan a person reviewed: the job executes only that
        /// plan (none: whatever the plan is when the job starts, as the CLI does).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fingerprint: Option<String>,
        /// Servers to empty (a drain): the plan moves everything off them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        drain: Vec<String>,
    },
    Validate,
    Demo {
        naming: Naming,
        report_dir: Option<PathBuf>,
    },
}

impl JobSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            JobSpec::AddTenant { .. } => "add_tenant",
            JobSpec::AddTenants { .. } => "add_tenants",
            JobSpec::RemoveTenant { .. } => "remove_tenant",
            JobSpec::PurgeTenant { .. } => "purge_tenant",
            JobSpec::AddServers { .. } => "add_servers",
            JobSpec::Rebalance { .. } => "rebalance",
            JobSpec::Validate => "validate",
            JobSpec::Demo { .. } => "demo",
        }
    }

    /// Changes where data lives: only one such job may run at a time.
    pub fn changes_topology(&self) -> bool {
        match self {
            JobSpec::AddServers { .. } | JobSpec::Demo { .. } => true,
            JobSpec::Rebalance { execute, .. } => *execute,
            _ => false,
        }
    }

    /// What the job holds while it runs, claimed with its record (a demo
    /// claims each tenant it creates as it names it).
    pub fn locks(&self) -> Vec<Lock> {
        let mut locks = Vec::new();
        if self.changes_topology() {
            locks.push(Lock::Topology);
        }
        match self {
            JobSpec::AddTenant { tenant } => locks.push(Lock::Tenant(tenant.id)),
            JobSpec::AddTenants { tenants, .. } => {
                locks.extend(tenants.iter().map(|t| Lock::Tenant(t.id)))
            }
            JobSpec::RemoveTenant { tenant, .. } | JobSpec::PurgeTenant { tenant } => {
                locks.push(Lock::Tenant(*tenant))
            }
            _ => {}
        }
        locks
    }
}
