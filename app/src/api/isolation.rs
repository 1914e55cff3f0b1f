//! One tenant's isolation: the validation rules over its data alone.

use leptos::prelude::*;
use scaleout_domain::port::TenantValidation;

/// `POST /api/tenants/isolation` (id): documents checked and every violation
/// (a cross-tenant edge, a wrong tenant attribute or key prefix, a count off).
#[server(endpoint = "/tenants/isolation")]
pub async fn get_tenant_isolation(id: String) -> Result<TenantValidation, ServerFnError> {
    let console = super::server::viewer()?;
    let tenant =
        scaleout_domain::TenantId::parse(&id).map_err(|e| super::server::invalid(e.to_string()))?;
    scaleout_services::operations::isolation::tenant(&console, tenant)
        .await
        .map_err(super::server::fail)
}
