//! Operators: log in and out, stakeholders' read-only links, signup approval.

use leptos::prelude::*;
use scaleout_domain::access::{LinkView, SessionView, SignupStatus};
use serde::{Deserialize, Serialize};

/// A link just made: its path is shown once, to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedLink {
    pub id: i64,
    pub path: String,
    pub expires_ms: i64,
}

/// `POST /api/access/login` (password, next): opens an operator session and
/// goes to `next` (a path on this site). A wrong password always gets the same
/// answer; repeated failures are slowed down (429).
#[server(endpoint = "/access/login")]
pub async fn login(password: String, next: Option<String>) -> Result<(), ServerFnError> {
    use scaleout_services::access::{cookie, OPERATOR_SESSION, SESSION_COOKIE};
    let console = super::server::console()?;
    let caller = super::server::caller()?;
    let token = console
        .access()
        .login(&caller.client, &password)
        .map_err(super::server::fail)?;
    super::server::set_cookie(&cookie(
        SESSION_COOKIE,
        &token,
        OPERATOR_SESSION.as_secs(),
        caller.secure,
    ));
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// `POST /api/access/logout`: ends the session (operator or viewer).
#[server(endpoint = "/access/logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    use scaleout_services::access::{cookie, SESSION_COOKIE};
    let console = super::server::console()?;
    let caller = super::server::caller()?;
    if let Some(token) = &caller.session {
        console
            .access()
            .end_session(token)
            .map_err(super::server::fail)?;
    }
    super::server::set_cookie(&cookie(SESSION_COOKIE, "", 0, caller.secure));
    leptos_axum::redirect("/login");
    Ok(())
}

/// `POST /api/access/whoami`: the caller's role, for the navigation.
#[server(endpoint = "/access/whoami")]
pub async fn get_session() -> Result<SessionView, ServerFnError> {
    let caller = super::server::caller()?;
    Ok(SessionView {
        role: caller.role,
        expires_ms: None,
    })
}

/// `POST /api/access/links` : every stakeholder link, newest first.
#[server(endpoint = "/access/links")]
pub async fn list_links() -> Result<Vec<LinkView>, ServerFnError> {
    super::server::console()?
        .access()
        .links()
        .map_err(super::server::fail)
}

/// `POST /api/access/create-link` (label, hours).
#[server(endpoint = "/access/create-link")]
pub async fn create_link(label: String, hours: String) -> Result<CreatedLink, ServerFnError> {
    let console = super::server::console()?;
    let hours: u32 = hours.trim().parse().map_err(|_| {
        super::server::invalid(format!("hours must be a whole number, not {hours:?}"))
    })?;
    let made = console
        .access()
        .create_link(&label, hours)
        .map_err(super::server::fail)?;
    Ok(CreatedLink {
        id: made.link.id,
        path: made.path,
        expires_ms: made.link.expires_ms,
    })
}

/// `POST /api/access/revoke-link` (id): its sessions end at their next request.
#[server(endpoint = "/access/revoke-link")]
pub async fn revoke_link(id: i64) -> Result<(), ServerFnError> {
    super::server::console()?
        .access()
        .revoke_link(id)
        .map_err(super::server::fail)
}

/// `POST /api/access/signups`: self-service signups, newest first.
#[server(endpoint = "/access/signups")]
pub async fn list_signups() -> Result<Vec<SignupStatus>, ServerFnError> {
    let console = super::server::console()?;
    console
        .access()
        .signups(&console)
        .map_err(super::server::fail)
}

/// `POST /api/access/approve-signup` (id): creates the tenant.
#[server(endpoint = "/access/approve-signup")]
pub async fn approve_signup(id: i64) -> Result<SignupStatus, ServerFnError> {
    let console = super::server::console()?;
    console
        .access()
        .approve_signup(&console, id)
        .map_err(super::server::fail)
}

/// `POST /api/access/reject-signup` (id).
#[server(endpoint = "/access/reject-signup")]
pub async fn reject_signup(id: i64) -> Result<SignupStatus, ServerFnError> {
    let console = super::server::console()?;
    console
        .access()
        .reject_signup(&console, id)
        .map_err(super::server::fail)
}

/// Only paths on this site: `//evil.example` or `https://...` go home instead.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/tenants")), "/tenants");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
