//! Tenants: the list, onboarding (one or the batch), removal, and one tenant's
//! counts and network at a point in time.

use leptos::prelude::*;
pub use scaleout_domain::views::TenantDetail;
use scaleout_domain::views::TenantRow;
use scaleout_domain::NetworkPage;

/// `POST /api/tenants/list`.
#[server(endpoint = "/tenants/list")]
pub async fn list_tenants() -> Result<Vec<TenantRow>, ServerFnError> {
    let console = super::server::viewer()?;
    scaleout_services::operations::reports::tenants(&console)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/tenants/add` (name, scale_factor, naming): starts onboarding;
/// returns the job id. Bad input is refused with 400 and nothing starts.
#[server(endpoint = "/tenants/add")]
pub async fn add_tenant(
    name: String,
    scale_factor: String,
    naming: String,
) -> Result<u64, ServerFnError> {
    use scaleout_services::operations::tenants;
    let console = super::server::operator()?;
    let scale: i64 = scale_factor.trim().parse().map_err(|_| {
        super::server::invalid(format!(
            "the scale factor must be a whole number from 1 to 1000, not {:?}",
            scaleout_domain::access::text::cut(&scale_factor)
        ))
    })?;
    let naming = super::server::naming(&console, &naming)?;
    let spec = tenants::plan_add(&console, &name, scale, naming)
        .await
        .map_err(super::server::fail)?;
    console.start_job(spec).map_err(super::server::fail)
}

/// `POST /api/tenants/add-batch`: Retail Chain Corp (2), Manufacturing Inc (1),
/// Tech Startup (1); returns the job id.
#[server(endpoint = "/tenants/add-batch")]
pub async fn add_tenant_batch(naming: String) -> Result<u64, ServerFnError> {
    use scaleout_services::operations::tenants;
    let console = super::server::operator()?;
    let naming = super::server::naming(&console, &naming)?;
    let spec = tenants::plan_batch(&console, naming)
        .await
        .map_err(super::server::fail)?;
    console.start_job(spec).map_err(super::server::fail)
}

/// `POST /api/tenants/remove` (id): starts the removal; returns the job id.
/// An unknown id is 404; a tenant another job is onboarding is 409, naming it.
#[server(endpoint = "/tenants/remove")]
pub async fn remove_tenant(id: String) -> Result<u64, ServerFnError> {
    let console = super::server::operator()?;
    let tenant =
        scaleout_domain::TenantId::parse(&id).map_err(|e| super::server::invalid(e.to_string()))?;
    scaleout_services::operations::tenants::start_remove(&console, tenant)
        .map_err(super::server::fail)
}

/// `POST /api/tenants/purge` (id): starts deleting data stored under a tenant
/// id the registry does not know (what validation reports as unregistered);
/// returns the job id. A registered tenant is 409 (remove it instead).
#[server(endpoint = "/tenants/purge")]
pub async fn purge_tenant(id: String) -> Result<u64, ServerFnError> {
    let console = super::server::operator()?;
    let tenant =
        scaleout_domain::TenantId::parse(&id).map_err(|e| super::server::invalid(e.to_string()))?;
    scaleout_services::operations::tenants::start_purge(&console, tenant)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/tenants/detail` (id).
#[server(endpoint = "/tenants/detail")]
pub async fn get_tenant_detail(id: String) -> Result<TenantDetail, ServerFnError> {
    let console = super::server::viewer()?;
    let tenant =
        scaleout_domain::TenantId::parse(&id).map_err(|e| super::server::invalid(e.to_string()))?;
    scaleout_services::operations::tenants::detail(&console, tenant)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/tenants/network` (id, at, page): one page of the tenant's devices,
/// software, locations and connections valid at `at` (epoch seconds), with totals.
#[server(endpoint = "/tenants/network")]
pub async fn get_tenant_network(
    id: String,
    at: i64,
    page: Option<u32>,
) -> Result<NetworkPage, ServerFnError> {
    let console = super::server::viewer()?;
    let tenant =
        scaleout_domain::TenantId::parse(&id).map_err(|e| super::server::invalid(e.to_string()))?;
    scaleout_services::operations::network::page(&console, tenant, at, page.unwrap_or(1))
        .await
        .map_err(super::server::fail)
}

/// `POST /api/tenants/import` (list: a CSV with a header or JSON lines, naming for
/// rows that do not say): checks every row, places and onboards the valid ones in one
/// job; answers with the job, and the rows skipped and refused with their lines.
#[server(endpoint = "/tenants/import")]
pub async fn import_tenants(
    list: String,
    naming: String,
) -> Result<scaleout_domain::views::ImportStarted, ServerFnError> {
    let console = super::server::operator()?;
    let naming = super::server::naming(&console, &naming)?;
    scaleout_services::operations::import::start(&console, &list, naming)
        .await
        .map_err(super::server::fail)
}
