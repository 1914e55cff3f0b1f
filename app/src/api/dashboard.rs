//! The dashboard's summary of the cluster.

use leptos::prelude::*;
use scaleout_domain::views::ConsoleSummary;

/// `POST /api/dashboard/summary`: servers, tenants, documents, collections,
/// shard groups and balance.
#[server(endpoint = "/dashboard/summary")]
pub async fn get_console_summary() -> Result<ConsoleSummary, ServerFnError> {
    let console = super::server::stakeholder()?;
    scaleout_services::operations::summary::summary(&console)
        .await
        .map_err(super::server::fail)
}
