//! A customer's tenant portal: everything is looked up from the portal token,
//! never from an id the browser sends, so no request can reach another tenant.

use scaleout_domain::access::{PortalView, SignupState, SignupStatus};
use scaleout_domain::{Collection, NetworkPage, ScaleFactor, TenantId};

use super::Access;
use crate::console::Console;
use crate::error::ServiceError;
use crate::operations::tenants::named_counts;

impl Access {
    pub async fn portal(&self, console: &Console, token: &str) -> Result<PortalView, ServiceError> {
        let signup = self.portal_signup(console, token)?;
        let mut view = PortalView {
            counts: Default::default(),
            expected: Default::default(),
            created_at: None,
            signup,
        };
        let Some(tenant) = portal_tenant(&view.signup)? else {
            return Ok(view);
        };
        if let Some(record) = console.store().tenant(tenant)? {
            let scale: ScaleFactor = record.tenant.scale_factor;
            view.expected = Collection::ALL
                .iter()
                .map(|c| (c.name(record.naming).to_string(), c.expected_count(scale)))
                .collect();
            view.created_at = Some(record.tenant.created_at);
            if view.signup.state == SignupState::Ready {
                let counts = console.backend().tenant_counts(tenant).await?;
                view.counts = named_counts(&counts, record.naming);
            }
        }
        Ok(view)
    }

    /// Page `page` of the customer's own network at `at` (epoch seconds), once it is ready.
    pub async fn portal_network(
        &self,
        console: &Console,
        token: &str,
        at: i64,
        page: u32,
    ) -> Result<NetworkPage, ServiceError> {
        let signup = self.portal_signup(console, token)?;
        if signup.state != SignupState::Ready {
            return Err(ServiceError::Conflict(format!(
                "your tenant is {}: its network appears here once it is ready",
                signup.state.as_str()
            )));
        }
        let tenant = portal_tenant(&signup)?
            .ok_or_else(|| ServiceError::NotFound("your tenant has no data yet".into()))?;
        crate::operations::network::page(console, tenant, at, page).await
    }

    /// The provisioning job of the customer's signup, to watch its progress.
    pub fn portal_job(&self, console: &Console, token: &str) -> Result<u64, ServiceError> {
        self.portal_signup(console, token)?
            .job
            .ok_or_else(|| ServiceError::NotFound("provisioning has not started yet".into()))
    }
}

fn portal_tenant(signup: &SignupStatus) -> Result<Option<TenantId>, ServiceError> {
    signup
        .tenant
        .as_deref()
        .map(|t| TenantId::parse(t).map_err(|e| ServiceError::Store(e.to_string())))
        .transpose()
}
