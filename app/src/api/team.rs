//! The team: named accounts with roles (admins manage them) and the audit trail.

use leptos::prelude::*;
use scaleout_domain::access::{AccountView, IssuedPassword};
use scaleout_domain::audit::AuditEntry;

/// `POST /api/access/accounts/list`: every account, by name (admins).
#[server(endpoint = "/access/accounts/list")]
pub async fn list_accounts() -> Result<Vec<AccountView>, ServerFnError> {
    super::server::admin()?
        .access()
        .accounts()
        .map_err(super::server::fail)
}

/// `POST /api/access/accounts/add` (name, role: admin|operator|viewer): makes the
/// account; answers with its password, shown this once (409 when the name is taken).
#[server(endpoint = "/access/accounts/add")]
pub async fn add_account(name: String, role: String) -> Result<IssuedPassword, ServerFnError> {
    super::server::admin()?
        .access()
        .add_account(&name, &role)
        .map_err(super::server::fail)
}

/// `POST /api/access/accounts/set-role` (name, role): from the account's next request on.
#[server(endpoint = "/access/accounts/set-role")]
pub async fn set_account_role(name: String, role: String) -> Result<AccountView, ServerFnError> {
    super::server::admin()?
        .access()
        .set_role(&name, &role)
        .map(|c| c.now)
        .map_err(super::server::fail)
}

/// `POST /api/access/accounts/reset-password` (name): a new password, shown this
/// once; the account's sessions end.
#[server(endpoint = "/access/accounts/reset-password")]
pub async fn reset_account_password(name: String) -> Result<IssuedPassword, ServerFnError> {
    super::server::admin()?
        .access()
        .reset_password(&name, None)
        .map_err(super::server::fail)
}

/// `POST /api/access/accounts/disable` (name): it cannot log in; its sessions end
/// at their next request.
#[server(endpoint = "/access/accounts/disable")]
pub async fn disable_account(name: String) -> Result<AccountView, ServerFnError> {
    super::server::admin()?
        .access()
        .disable_account(&name)
        .map(|c| c.now)
        .map_err(super::server::fail)
}

/// `POST /api/access/accounts/enable` (name): it may log in again.
#[server(endpoint = "/access/accounts/enable")]
pub async fn enable_account(name: String) -> Result<AccountView, ServerFnError> {
    super::server::admin()?
        .access()
        .enable_account(&name)
        .map(|c| c.now)
        .map_err(super::server::fail)
}

/// `POST /api/access/audit` (optional actor, action: a prefix, since: `24h` or a
/// UTC time, limit): the audit trail, newest first (admins).
#[server(endpoint = "/access/audit")]
pub async fn get_audit(
    actor: Option<String>,
    action: Option<String>,
    since: Option<String>,
    limit: Option<u32>,
) -> Result<Vec<AuditEntry>, ServerFnError> {
    let console = super::server::admin()?;
    let since_ms = scaleout_domain::audit::parse_since(
        since.as_deref().unwrap_or_default(),
        scaleout_services::clock::now_ms(),
    )
    .map_err(super::server::invalid)?;
    console
        .audit()
        .query(&scaleout_domain::audit::AuditQuery {
            actor,
            action,
            since_ms,
            until_ms: None,
            limit,
        })
        .map_err(super::server::fail)
}
