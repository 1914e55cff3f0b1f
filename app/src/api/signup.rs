//! Self-service signup and the customer's tenant portal. The portal never
//! takes a tenant id: the portal cookie names the signup, the signup its tenant.

use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};
use scaleout_domain::access::{PortalView, SignupStatus};
use scaleout_domain::NetworkPage;
use serde::{Deserialize, Serialize};

/// What the signup page needs: a one-time form key and whether an operator
/// approves signups first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupForm {
    pub form_key: String,
    pub approval: bool,
}

/// `POST /api/signup/form`: a fresh form key.
#[server(endpoint = "/signup/form")]
pub async fn get_signup_form() -> Result<SignupForm, ServerFnError> {
    let console = super::server::anyone()?;
    Ok(SignupForm {
        form_key: console
            .access()
            .signup_form_key()
            .map_err(super::server::fail)?,
        approval: console.access().signup_settings().approval,
    })
}

/// `POST /api/signup/submit` (form_key, company, email, size): takes the
/// signup (a retry of the same form is the same signup), sets the portal
/// cookie and goes to the portal.
#[server(endpoint = "/signup/submit")]
pub async fn submit_signup(
    form_key: String,
    company: String,
    email: String,
    size: String,
) -> Result<SignupStatus, ServerFnError> {
    use scaleout_services::access::{cookie, PORTAL_COOKIE};
    let console = super::server::anyone()?;
    let caller = super::server::caller()?;
    let receipt = console
        .access()
        .signup(&console, &caller.client, &form_key, &company, &email, &size)
        .map_err(super::server::fail)?;
    super::server::set_cookie(&cookie(
        PORTAL_COOKIE,
        &receipt.portal_token,
        90 * 24 * 3600,
        caller.secure,
    ));
    Ok(receipt.status)
}

/// `POST /api/portal/overview`: the caller's own signup and tenant inventory.
#[server(endpoint = "/portal/overview")]
pub async fn get_portal() -> Result<PortalView, ServerFnError> {
    let console = super::server::anyone()?;
    let token = portal_token()?;
    console
        .access()
        .portal(&console, &token)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/portal/network` (at, page): a page of the caller's own network at `at`
/// (epoch seconds).
#[server(endpoint = "/portal/network")]
pub async fn get_portal_network(at: i64, page: Option<u32>) -> Result<NetworkPage, ServerFnError> {
    let console = super::server::anyone()?;
    let token = portal_token()?;
    console
        .access()
        .portal_network(&console, &token, at, page.unwrap_or(1))
        .await
        .map_err(super::server::fail)
}

/// `POST /api/portal/watch`: live provisioning progress of the caller's own
/// tenant, as newline-delimited JSON events.
#[server(output = StreamingText, endpoint = "/portal/watch")]
pub async fn watch_portal() -> Result<TextStream, ServerFnError> {
    let console = super::server::anyone()?;
    let token = portal_token()?;
    let job = console
        .access()
        .portal_job(&console, &token)
        .map_err(super::server::fail)?;
    use futures::StreamExt;
    let events = console.jobs().watch(job).map_err(super::server::fail)?;
    Ok(TextStream::new(events.map(|e| Ok(e.to_line()))))
}

#[cfg(feature = "ssr")]
fn portal_token() -> Result<String, ServerFnError> {
    super::server::caller()?.portal.ok_or_else(|| {
        super::server::fail(scaleout_services::ServiceError::Unauthenticated(
            "this browser has no signup: sign up first, or use the browser you signed up with"
                .into(),
        ))
    })
}
