//! A tenant's network at a time, a page at a time: the operator's tenant page and the
//! customer's portal both show it through here.

use scaleout_domain::{NetworkPage, TenantId};

use crate::console::Console;
use crate::error::ServiceError;

/// Page `page` (1-based, clamped) of registered tenant `id`'s network at `at` (epoch s).
pub async fn page(
    console: &Console,
    id: TenantId,
    at: i64,
    page: u32,
) -> Result<NetworkPage, ServiceError> {
    console
        .store()
        .tenant(id)?
        .ok_or_else(|| ServiceError::NotFound(format!("there is no tenant {id}")))?;
    let snapshot = console.backend().point_in_time(id, at).await?;
    Ok(NetworkPage::of(&snapshot, page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::JobSpec;
    use crate::operations::tenants;
    use crate::ConsoleConfig;

    #[tokio::test]
    async fn a_large_tenant_comes_in_pages_and_an_unknown_one_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::open(ConsoleConfig::new(dir.path())).await.unwrap();
        let new =
            tenants::prepare(&console, "Big Co", 40, scaleout_domain::Naming::CamelCase).unwrap();
        let id = new.id;
        let job = console
            .start_job(JobSpec::AddTenant { tenant: new })
            .unwrap();
        console.jobs().wait(job).await.unwrap();
        let created = console
            .store()
            .tenant(id)
            .unwrap()
            .unwrap()
            .tenant
            .created_at;

        let first = page(&console, id, created, 1).await.unwrap();
        assert_eq!(
            first.totals.devices, 800,
            "s=40: 20 devices per unit at a time"
        );
        assert!(first.pages > 1 && first.view.devices.len() < 800);
        let last = page(&console, id, created, 10_000).await.unwrap();
        assert_eq!(last.page, first.pages);

        let err = page(&console, TenantId::from_seed(99), created, 1)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::NotFound(_)), "{err}");
    }
}
