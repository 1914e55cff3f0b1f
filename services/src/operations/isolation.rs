//! One tenant's isolation and integrity: the validation rules run over its data
//! alone (tenant attribute and key prefix, no edge to another tenant, counts).

pub use scaleout_domain::port::TenantValidation;
use scaleout_domain::TenantId;

use crate::console::Console;
use crate::error::ServiceError;

/// Validates one registered tenant; other tenants' data is not looked at.
pub async fn tenant(console: &Console, id: TenantId) -> Result<TenantValidation, ServiceError> {
    let record = console
        .store()
        .tenant(id)?
        .ok_or_else(|| ServiceError::NotFound(format!("there is no tenant {id}")))?;
    let report = console.backend().validate(&[record.tenant]).await?;
    report
        .tenants
        .into_iter()
        .find(|t| t.tenant == id)
        .ok_or_else(|| ServiceError::Store(format!("the back end did not validate tenant {id}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::JobSpec;
    use crate::operations::tenants;
    use crate::ConsoleConfig;

    #[tokio::test]
    async fn a_fresh_tenant_is_isolated_and_an_unknown_one_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::open(ConsoleConfig::new(dir.path())).await.unwrap();
        let new =
            tenants::prepare(&console, "Acme Corp", 1, scaleout_domain::Naming::CamelCase).unwrap();
        let id = new.id;
        let job = console
            .start_job(JobSpec::AddTenant { tenant: new })
            .unwrap();
        console.jobs().wait(job).await.unwrap();

        let v = tenant(&console, id).await.unwrap();
        assert_eq!(v.tenant, id);
        assert_eq!(v.documents, 1095);
        assert!(v.violations.is_empty(), "{:?}", v.violations);

        let other = TenantId::from_seed(99);
        let err = tenant(&console, other).await.unwrap_err();
        assert!(matches!(err, ServiceError::NotFound(_)), "{err}");
    }
}
